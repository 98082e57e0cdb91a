import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NamespaceModel } from "../../config/model";
import { PRIORITY_CLASSES, resourceQuotaHard } from "./quota";

export interface GovernanceArgs {
  namespaces: NamespaceModel[];
  provider: k8s.Provider;
}

/**
 * Team namespaces and their guard rails: Pod Security Admission labels, a ResourceQuota
 * (CPU, memory, pods, PVCs, FlinkDeployments) and the Flink priority classes.
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
    }
    this.registerOutputs({});
  }
}
