/**
 * Karpenter for the Flink nodes on EKS: its controller (pinned chart, CRDs from their own chart)
 * on the system nodes with an IRSA role scoped to this cluster, the node role with an EC2_LINUX
 * access entry and its instance profile, the SQS interruption queue with the EventBridge rules
 * that feed it, the discovery tag on the cluster security group (subnets carry it from the
 * network), and the EC2NodeClass and NodePool the Flink pods land on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { KarpenterConfig } from "../../config/schema";
import { KARPENTER } from "../versions";
import { irsaTrustPolicy, PolicyDocument, serviceTrustPolicy } from "../aws/iamPolicies";
import { boundedName, roleName } from "../aws/names";
import { Placement } from "../kube/placement";
import {
  ClusterNetwork,
  DEFAULT_DENY,
  DNS_EGRESS,
  httpsEgressRule,
  networkPolicy,
  NetworkPolicyObject,
} from "../kube/networkPolicy";
import { karpenterControllerPolicy } from "./controllerPolicy";
import {
  DISCOVERY_TAG,
  ec2NodeClass,
  INTERRUPTION_EVENTS,
  KARPENTER_NAMESPACE,
  KARPENTER_SERVICE_ACCOUNT,
  karpenterValues,
  nodePool,
} from "./nodePool";
import { restrictedNamespace } from "../kube/restrictedNamespace";

/** Deny all; DNS; HTTPS to the API server and EC2, SQS, SSM, pricing and STS. Nothing calls in (no webhook in v1.14). */
export function karpenterNetworkPolicies(network: ClusterNetwork): NetworkPolicyObject[] {
  return [
    networkPolicy(KARPENTER_NAMESPACE, "default-deny", DEFAULT_DENY),
    networkPolicy(KARPENTER_NAMESPACE, "dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [DNS_EGRESS],
    }),
    networkPolicy(KARPENTER_NAMESPACE, "https-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [httpsEgressRule(network)],
    }),
  ];
}

export interface KarpenterArgs {
  clusterName: string;
  clusterEndpoint: pulumi.Output<string>;
  clusterSecurityGroupId: pulumi.Output<string>;
  region: string;
  availabilityZones: string[];
  config: KarpenterConfig;
  /** Capacity types any TaskManager may use: the NodePool offers exactly these (plus on-demand). */
  capacityTypes: string[];
  oidc: { providerArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  permissionsBoundaryArn?: string;
  placement: Placement;
  network: ClusterNetwork;
  /** The system nodes the controller runs on (it must not run on nodes it launched). */
  systemNodes: pulumi.Resource;
  tags: Record<string, string>;
  provider: k8s.Provider;
}

export class Karpenter extends pulumi.ComponentResource {
  /** Flink pods can be scheduled once the NodePool exists. */
  readonly nodePool: pulumi.Resource;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:karpenter:Karpenter", name, {}, opts);
    const parent = { parent: this };
    const k8sOpts = { parent: this, provider: args.provider };
    const partition = aws.getPartitionOutput({}, parent);
    const identity = aws.getCallerIdentityOutput({}, parent);
    const tags = args.tags;

    // The nodes' role: the kubelet's permissions only (the VPC CNI has its own IRSA role).
    const nodeRole = new aws.iam.Role(
      `${name}-node`,
      {
        name: roleName(args.clusterName, "karpenter-node"),
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
        permissionsBoundary: args.permissionsBoundaryArn,
        tags,
      },
      parent,
    );
    const nodePermissions = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          {
            role: nodeRole.name,
            policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policy}`,
          },
          parent,
        ),
    );
    const instanceProfile = new aws.iam.InstanceProfile(
      `${name}-node`,
      { name: boundedName(`${args.clusterName}-karpenter-node`, 128), role: nodeRole.name, tags },
      parent,
    );
    // Nodes join through an access entry (the cluster uses API authentication only).
    const access = new aws.eks.AccessEntry(
      `${name}-node`,
      { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags },
      parent,
    );

    const queue = new aws.sqs.Queue(
      `${name}-interruptions`,
      {
        name: `${args.clusterName}-karpenter`,
        messageRetentionSeconds: 300,
        sqsManagedSseEnabled: true,
        tags,
      },
      parent,
    );
    new aws.sqs.QueuePolicy(
      `${name}-interruptions`,
      {
        queueUrl: queue.id,
        policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
      },
      parent,
    );
    for (const event of INTERRUPTION_EVENTS) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${event.name}`,
        {
          name: boundedName(`${args.clusterName}-karpenter-${event.name}`, 64),
          eventPattern: JSON.stringify(event.pattern),
          tags,
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${event.name}`,
        { rule: rule.name, arn: queue.arn, targetId: "KarpenterInterruptionQueue" },
        parent,
      );
    }

    // Karpenter finds the nodes' security group by this tag (subnets carry it from the network).
    new aws.ec2.Tag(
      `${name}-discovery`,
      { resourceId: args.clusterSecurityGroupId, key: DISCOVERY_TAG, value: args.clusterName },
      parent,
    );

    const controllerRole = new aws.iam.Role(
      `${name}-controller`,
      {
        name: roleName(args.clusterName, "karpenter"),
        assumeRolePolicy: pulumi
          .all([args.oidc.providerArn, args.oidc.issuerUrl])
          .apply(([arn, url]) =>
            JSON.stringify(irsaTrustPolicy(arn, url, KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT)),
          ),
        permissionsBoundary: args.permissionsBoundaryArn,
        tags,
      },
      parent,
    );
    const controllerPolicy = new aws.iam.RolePolicy(
      `${name}-controller`,
      {
        role: controllerRole.name,
        policy: pulumi
          .all([partition.partition, identity.accountId, nodeRole.arn, instanceProfile.arn, queue.arn])
          .apply(([part, account, nodeRoleArn, instanceProfileArn, queueArn]) =>
            JSON.stringify(
              karpenterControllerPolicy({
                partition: part,
                region: args.region,
                account,
                clusterName: args.clusterName,
                nodeRoleArn,
                instanceProfileArn,
                queueArn,
              }),
            ),
          ),
      },
      parent,
    );

    const { namespace, policies } = restrictedNamespace(
      name,
      KARPENTER_NAMESPACE,
      karpenterNetworkPolicies(args.network),
      k8sOpts,
    );
    const crds = new k8s.helm.v3.Release(
      `${name}-crds`,
      { chart: KARPENTER.crdChart, version: KARPENTER.version, namespace: KARPENTER_NAMESPACE, atomic: true },
      { ...k8sOpts, dependsOn: [namespace] },
    );
    const controller = new k8s.helm.v3.Release(
      `${name}-controller`,
      {
        chart: KARPENTER.chart,
        version: KARPENTER.version,
        namespace: KARPENTER_NAMESPACE,
        // The CRDs come from their own release, which Helm upgrades.
        skipCrds: true,
        atomic: true,
        values: pulumi.all([args.clusterEndpoint, controllerRole.arn]).apply(([endpoint, roleArn]) =>
          karpenterValues({
            clusterName: args.clusterName,
            clusterEndpoint: endpoint,
            region: args.region,
            queueName: `${args.clusterName}-karpenter`,
            roleArn,
            nodeSelector: args.placement.nodeSelector,
          }),
        ),
      },
      { ...k8sOpts, dependsOn: [crds, controllerPolicy, args.systemNodes, ...policies] },
    );

    const crOpts = { ...k8sOpts, dependsOn: [crds, controller, access, instanceProfile, ...nodePermissions] };
    const nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-nodeclass`,
      ec2NodeClass({
        clusterName: args.clusterName,
        instanceProfile: `${args.clusterName}-karpenter-node`,
        config: args.config,
        tags,
      }),
      crOpts,
    );
    this.nodePool = new k8s.apiextensions.CustomResource(
      `${name}-nodepool`,
      nodePool(args.config, args.availabilityZones, args.capacityTypes),
      { ...crOpts, dependsOn: [...crOpts.dependsOn, nodeClass] },
    );
    this.registerOutputs({});
  }
}

/**
 * Only EventBridge and SQS itself may send, for this account; nothing over plain HTTP
 * (cloudformation.yaml lines 387–409, plus the source account).
 */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument & { Id: string } {
  return {
    Version: "2012-10-17",
    Id: "EC2InterruptionPolicy",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        // Only this account's rules (the confused deputy): the ARN's fifth field is the account.
        Condition: { StringEquals: { "aws:SourceAccount": queueArn.split(":")[4] } },
      },
      {
        Sid: "DenyHTTP",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
