/** NetworkPolicy objects as plain data, and the peers and ports every platform policy uses. */
import type * as k8s from "@pulumi/kubernetes";

export type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
export type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

export interface NetworkPolicyObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: NetworkPolicySpec;
}

export function networkPolicy(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicyObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "flink-platform" } },
    spec,
  };
}

/** Every pod of a namespace (by the label the API server puts on each namespace). */
export function inNamespace(name: string): NetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } };
}

export function inNamespaces(names: readonly string[]): NetworkPolicyPeer {
  return {
    namespaceSelector: {
      matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names].sort() }],
    },
  };
}

export const tcp = (port: number) => ({ port, protocol: "TCP" });

/** Cluster DNS: kube-dns (CoreDNS) in kube-system, UDP and TCP 53. */
export const DNS_EGRESS = {
  to: [{ ...inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};

export const DEFAULT_DENY: NetworkPolicySpec = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

/**
 * Addresses NetworkPolicy can only name by CIDR: the Kubernetes API server, AWS APIs, S3, the
 * nodes. On EKS with `httpsEgress: vpc` HTTPS stays inside the VPC (interface endpoints answer
 * there) and the Service range (the `kubernetes` Service's address, before it is translated to
 * the control plane's interfaces); otherwise it may go anywhere, on HTTPS ports only.
 */
export interface ClusterNetwork {
  /** Ports the API server answers on (443 on EKS; kind, k3d and minikube use 6443 or 8443). */
  apiServerPorts: number[];
  /** Where HTTPS egress may go. */
  httpsEgressCidrs: string[];
  /** Where nodes and the control plane's interfaces are: kubelet scrapes go there, webhook calls come from there. */
  hostCidrs: string[];
}

type ClusterShape =
  | { provider: "eks"; vpcCidr: string; serviceCidr: string; httpsEgress: "internet" | "vpc" }
  | { provider: "existing" };

export function clusterNetwork(cluster: ClusterShape): ClusterNetwork {
  if (cluster.provider !== "eks") {
    return { apiServerPorts: [443, 6443, 8443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["0.0.0.0/0"] };
  }
  return {
    apiServerPorts: [443],
    httpsEgressCidrs: cluster.httpsEgress === "vpc" ? [cluster.vpcCidr, cluster.serviceCidr] : ["0.0.0.0/0"],
    hostCidrs: [cluster.vpcCidr],
  };
}

/** An egress rule to the API server, AWS APIs and S3. */
export function httpsEgressRule(network: ClusterNetwork) {
  return {
    to: network.httpsEgressCidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: network.apiServerPorts.map(tcp),
  };
}

/** Peers for the nodes and the control plane (kubelet, webhook callers). */
export function hostPeers(network: ClusterNetwork): NetworkPolicyPeer[] {
  return network.hostCidrs.map((cidr) => ({ ipBlock: { cidr } }));
}
