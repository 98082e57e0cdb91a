/**
 * A platform component's own namespace under Pod Security `restricted`, with its NetworkPolicies
 * applied after it: what the load balancer controller, metrics-server and Karpenter each need
 * before their chart is installed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NetworkPolicyObject } from "./networkPolicy";

export function restrictedNamespace(
  name: string,
  namespace: string,
  policies: NetworkPolicyObject[],
  opts: { parent: pulumi.Resource; provider: k8s.Provider },
): { namespace: k8s.core.v1.Namespace; policies: k8s.networking.v1.NetworkPolicy[] } {
  const ns = new k8s.core.v1.Namespace(
    `${name}-ns`,
    {
      metadata: {
        name: namespace,
        labels: {
          "app.kubernetes.io/part-of": "flink-platform",
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    },
    opts,
  );
  const created = policies.map(
    (p) =>
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${p.metadata.name}`, p, {
        ...opts,
        dependsOn: [ns],
      }),
  );
  return { namespace: ns, policies: created };
}
