import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NamespaceModel, PlatformModel } from "../../config/model";
import { limitRangeSpec, PRIORITY_CLASSES, resourceQuotaHard } from "./quota";
import { flinkNetworkPolicies } from "./networkPolicies";
import { ClusterNetwork, NetworkPolicyPeer } from "../kube/networkPolicy";

export interface GovernanceArgs {
  namespaces: NamespaceModel[];
  policy: PlatformModel["policy"];
  /** Prometheus's namespace, admitted to scrape Flink pods; undefined when monitoring is off. */
  monitoringNamespace?: string;
  /** Flink reaches the in-cluster object store (dev) rather than S3. */
  objectStore: boolean;
  /** Where the API server, AWS APIs and S3 answer. */
  network: ClusterNetwork;
  /** Where UI Ingress traffic comes from (undefined without `ui.ingress`). */
  uiIngressFrom?: NetworkPolicyPeer[];
  provider: k8s.Provider;
}

/**
 * Team namespaces and their guard rails: Pod Security Admission labels, a ResourceQuota
 * (CPU, memory, pods, PVCs, FlinkDeployments), a LimitRange, default-deny NetworkPolicies
 * with exactly Flink's flows allowed, and the Flink priority classes.
 */
export class Governance extends pulumi.ComponentResource {
  /** Namespace resources by name, for dependents that create objects inside them. */
  readonly namespaces: Record<string, k8s.core.v1.Namespace> = {};

  constructor(name: string, args: GovernanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:governance:Governance", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    for (const pc of PRIORITY_CLASSES) {
      new k8s.scheduling.v1.PriorityClass(
        `${name}-${pc.name}`,
        { metadata: { name: pc.name }, value: pc.value, globalDefault: false, description: pc.description },
        k8sOpts,
      );
    }

    for (const ns of args.namespaces) {
      const namespace = new k8s.core.v1.Namespace(
        `${name}-ns-${ns.name}`,
        {
          metadata: {
            name: ns.name,
            labels: {
              "app.kubernetes.io/part-of": "flink-platform",
              "flink-platform/team-namespace": "true",
              // Flink's pods run non-root without privilege escalation: "restricted" holds.
              "pod-security.kubernetes.io/enforce": "restricted",
              "pod-security.kubernetes.io/warn": "restricted",
            },
          },
        },
        k8sOpts,
      );
      this.namespaces[ns.name] = namespace;
      new k8s.core.v1.ResourceQuota(
        `${name}-quota-${ns.name}`,
        { metadata: { name: "flink-quota", namespace: ns.name }, spec: { hard: resourceQuotaHard(ns) } },
        { ...k8sOpts, dependsOn: [namespace] },
      );
      new k8s.core.v1.LimitRange(
        `${name}-limits-${ns.name}`,
        { metadata: { name: "flink-limits", namespace: ns.name }, spec: limitRangeSpec(args.policy) },
        { ...k8sOpts, dependsOn: [namespace] },
      );
      const policies = flinkNetworkPolicies({
        namespace: ns.name,
        monitoringNamespace: args.monitoringNamespace,
        zookeeper: ns.haMode === "zookeeper",
        objectStore: args.objectStore,
        network: args.network,
        uiIngress: args.uiIngressFrom
          ? {
              clusters: ns.flinkClusters.filter((c) => c.uiIngress).map((c) => c.name),
              from: args.uiIngressFrom,
            }
          : undefined,
        egress: ns.egress,
      });
      for (const policy of policies) {
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${ns.name}-${policy.metadata.name}`, policy, {
          ...k8sOpts,
          dependsOn: [namespace],
        });
      }
    }
    this.registerOutputs({});
  }
}
