/**
 * The AWS Load Balancer Controller (pinned chart), installed on EKS only when a Flink cluster
 * asks for a UI Ingress: its own namespace under Pod Security restricted, deny-by-default
 * NetworkPolicies with its flows (the API server and AWS APIs out, the control plane's webhook
 * calls in), and an IRSA role whose policy is scoped to this cluster's load balancers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { AWS_LOAD_BALANCER_CONTROLLER } from "../versions";
import { containerResources, restrictedContainerSecurity } from "../kube/podSecurity";
import { Placement } from "../kube/placement";
import {
  ClusterNetwork,
  DEFAULT_DENY,
  DNS_EGRESS,
  hostPeers,
  httpsEgressRule,
  networkPolicy,
  NetworkPolicyObject,
  tcp,
} from "../kube/networkPolicy";
import { irsaTrustPolicy } from "../aws/iamPolicies";
import { roleName } from "../aws/names";
import { loadBalancerControllerPolicy } from "./iamPolicy";
import { ALB_CLASS } from "./uiIngress";
import { restrictedNamespace } from "../kube/restrictedNamespace";

export const LB_CONTROLLER_NAMESPACE = "aws-load-balancer-controller";
export const LB_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The chart's selector labels (templates/_helpers.tpl selectorLabels): name is the chart's. */
export const LB_CONTROLLER_POD_LABELS = { "app.kubernetes.io/name": "aws-load-balancer-controller" };
/** The webhook server's port (values webhookBindPort, default 9443); its webhooks fail closed. */
export const LB_CONTROLLER_WEBHOOK_PORT = 9443;
/** Two replicas: its Ingress validation webhook has failurePolicy Fail (templates/webhook.yaml). */
export const LB_CONTROLLER_REPLICAS = 2;
export const LB_CONTROLLER_RESOURCES = { cpu: 0.1, memoryBytes: 256 * 1024 * 1024 };

export interface LoadBalancerControllerValuesInput {
  clusterName: string;
  region: string;
  vpcId: pulumi.Input<string>;
  roleArn: pulumi.Input<string>;
  placement: Placement;
}

/** Helm values (aws/eks-charts stable/aws-load-balancer-controller values.yaml at 5239609). Pure. */
export function loadBalancerControllerValues(input: LoadBalancerControllerValuesInput) {
  return {
    clusterName: input.clusterName,
    region: input.region,
    // Given, so the controller never asks instance metadata (IMDSv2 hop limit 1 keeps pods out).
    vpcId: input.vpcId,
    replicaCount: LB_CONTROLLER_REPLICAS,
    serviceAccount: {
      create: true,
      name: LB_CONTROLLER_SERVICE_ACCOUNT,
      annotations: { "eks.amazonaws.com/role-arn": input.roleArn },
    },
    // Restricted: the chart sets only fsGroup and, on the container, non-root and a read-only root.
    podSecurityContext: { fsGroup: 65534, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { ...restrictedContainerSecurity(true), runAsNonRoot: true },
    resources: containerResources(LB_CONTROLLER_RESOURCES.cpu, LB_CONTROLLER_RESOURCES.memoryBytes),
    ...(input.placement.nodeSelector ? { nodeSelector: input.placement.nodeSelector } : {}),
    ingressClass: ALB_CLASS,
    createIngressClassResource: true,
    defaultTargetType: "ip",
    // Features the UI does not use, and whose permissions the role does not have.
    enableShield: false,
    enableWaf: false,
    enableWafv2: false,
    // It would otherwise claim every Service of type LoadBalancer in the cluster.
    enableServiceMutatorWebhook: false,
  };
}

export function loadBalancerControllerNetworkPolicies(network: ClusterNetwork): NetworkPolicyObject[] {
  const ns = LB_CONTROLLER_NAMESPACE;
  return [
    networkPolicy(ns, "default-deny", DEFAULT_DENY),
    networkPolicy(ns, "dns-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] }),
    // The API server, and Elastic Load Balancing, EC2, ACM and STS.
    networkPolicy(ns, "https-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [httpsEgressRule(network)],
    }),
    networkPolicy(ns, "webhook", {
      podSelector: { matchLabels: LB_CONTROLLER_POD_LABELS },
      policyTypes: ["Ingress"],
      ingress: [{ from: hostPeers(network), ports: [tcp(LB_CONTROLLER_WEBHOOK_PORT)] }],
    }),
  ];
}

export interface LoadBalancerControllerArgs {
  clusterName: string;
  region: string;
  vpcId: pulumi.Output<string>;
  oidc: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  permissionsBoundaryArn?: string;
  placement: Placement;
  network: ClusterNetwork;
  tags: Record<string, string>;
  provider: k8s.Provider;
}

export class LoadBalancerController extends pulumi.ComponentResource {
  /** Ingresses may be created once this is ready (its webhook validates them). */
  readonly ready: pulumi.Resource;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:ingress:LoadBalancerController", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const partition = aws.getPartitionOutput({}, { parent: this });
    const identity = aws.getCallerIdentityOutput({}, { parent: this });

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: roleName(args.clusterName, "lb-controller"),
        assumeRolePolicy: pulumi
          .all([args.oidc.providerArn, args.oidc.issuerUrl])
          .apply(([arn, url]) =>
            JSON.stringify(irsaTrustPolicy(arn, url, LB_CONTROLLER_NAMESPACE, LB_CONTROLLER_SERVICE_ACCOUNT)),
          ),
        permissionsBoundary: args.permissionsBoundaryArn,
        tags: args.tags,
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policy: pulumi
          .all([partition.partition, identity.accountId, args.vpcId])
          .apply(([part, account, vpcId]) =>
            JSON.stringify(
              loadBalancerControllerPolicy({
                partition: part,
                region: args.region,
                account,
                clusterName: args.clusterName,
                vpcId,
              }),
            ),
          ),
      },
      { parent: this },
    );

    const { namespace, policies } = restrictedNamespace(
      name,
      LB_CONTROLLER_NAMESPACE,
      loadBalancerControllerNetworkPolicies(args.network),
      k8sOpts,
    );
    this.ready = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        chart: AWS_LOAD_BALANCER_CONTROLLER.chart,
        version: AWS_LOAD_BALANCER_CONTROLLER.version,
        repositoryOpts: { repo: AWS_LOAD_BALANCER_CONTROLLER.repository },
        namespace: LB_CONTROLLER_NAMESPACE,
        atomic: true,
        values: loadBalancerControllerValues({
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          roleArn: role.arn,
          placement: args.placement,
        }),
      },
      { ...k8sOpts, dependsOn: [namespace, policy, ...policies] },
    );
    this.registerOutputs({});
  }
}
