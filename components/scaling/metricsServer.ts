/**
 * metrics-server (pinned chart), installed when a reactive job's HPA needs the resource metrics
 * API and the cluster has none: its own namespace under Pod Security restricted (the chart's
 * container security context is already restricted: values.yaml securityContext at
 * metrics-server-helm-chart-3.13.1), deny-by-default NetworkPolicies with its flows: the
 * kubelets' metrics and the API server out, the API server's aggregated-API calls in.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { METRICS_SERVER } from "../versions";
import { containerResources } from "../kube/podSecurity";
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
import { restrictedNamespace } from "../kube/restrictedNamespace";

export const METRICS_SERVER_NAMESPACE = "metrics-server";
/** The chart's selector label (templates/_helpers.tpl selectorLabels). */
export const METRICS_SERVER_PODS = { "app.kubernetes.io/name": "metrics-server" };
/** Its HTTPS port (values containerPort), and the kubelets' it scrapes. */
export const METRICS_SERVER_PORT = 10250;
const KUBELET_PORT = 10250;
export const METRICS_SERVER_RESOURCES = { cpu: 0.1, memoryBytes: 200 * 1024 * 1024 };

/** Whether the platform installs metrics-server: a reactive job needs it, and the cluster lacks one. */
export function installsMetricsServer(model: PlatformModel): boolean {
  const reactive = model.namespaces.some((ns) => ns.flinkClusters.some((c) => c.reactive));
  if (!reactive) return false;
  return model.cluster.provider === "eks" || model.cluster.metricsServer.install;
}

export function metricsServerReplicas(model: PlatformModel): number {
  return model.environment.tier === "production" ? 2 : 1;
}

/** Helm values. Pure. */
export function metricsServerValues(input: {
  replicas: number;
  placement: Placement;
  insecureKubeletTls: boolean;
}) {
  return {
    replicas: input.replicas,
    resources: containerResources(METRICS_SERVER_RESOURCES.cpu, METRICS_SERVER_RESOURCES.memoryBytes),
    ...(input.placement.nodeSelector ? { nodeSelector: input.placement.nodeSelector } : {}),
    // kind's and k3d's kubelets serve self-signed certificates.
    ...(input.insecureKubeletTls ? { args: ["--kubelet-insecure-tls"] } : {}),
    ...(input.replicas > 1 ? { podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
  };
}

export function metricsServerNetworkPolicies(network: ClusterNetwork): NetworkPolicyObject[] {
  const ns = METRICS_SERVER_NAMESPACE;
  return [
    networkPolicy(ns, "default-deny", DEFAULT_DENY),
    networkPolicy(ns, "dns-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] }),
    networkPolicy(ns, "metrics-server", {
      podSelector: { matchLabels: METRICS_SERVER_PODS },
      policyTypes: ["Ingress", "Egress"],
      // The API server proxies the aggregated metrics API to it.
      ingress: [{ from: hostPeers(network), ports: [tcp(METRICS_SERVER_PORT)] }],
      egress: [httpsEgressRule(network), { to: hostPeers(network), ports: [tcp(KUBELET_PORT)] }],
    }),
  ];
}

export interface MetricsServerArgs {
  replicas: number;
  placement: Placement;
  insecureKubeletTls: boolean;
  network: ClusterNetwork;
  provider: k8s.Provider;
}

export class MetricsServer extends pulumi.ComponentResource {
  readonly ready: pulumi.Resource;

  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:scaling:MetricsServer", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const { namespace, policies } = restrictedNamespace(
      name,
      METRICS_SERVER_NAMESPACE,
      metricsServerNetworkPolicies(args.network),
      k8sOpts,
    );
    this.ready = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        chart: METRICS_SERVER.chart,
        version: METRICS_SERVER.version,
        repositoryOpts: { repo: METRICS_SERVER.repository },
        namespace: METRICS_SERVER_NAMESPACE,
        atomic: true,
        values: metricsServerValues(args),
      },
      { ...k8sOpts, dependsOn: [namespace, ...policies] },
    );
    this.registerOutputs({});
  }
}
