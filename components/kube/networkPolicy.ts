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
