import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../../config/schema";
import { CERT_MANAGER, FLINK_OPERATOR } from "../versions";
import { containerResources } from "../kube/podSecurity";
import { Placement } from "../kube/placement";

export const OPERATOR_NAMESPACE = "flink-operator";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const OPERATOR_METRICS_PORT = 9999;

export interface FlinkOperatorArgs {
  config: StackConfig["operator"];
  /** Exactly the namespaces the operator watches. */
  watchNamespaces: string[];
  /** Where platform pods run (the system node group on EKS). */
  systemPlacement: Placement;
  provider: k8s.Provider;
}

/** Helm values for the operator chart: pure, so tests read them directly. */
export function operatorValues(args: Omit<FlinkOperatorArgs, "provider">) {
  const c = args.config;
  const leaderElection = c.replicas > 1;
  return {
    replicas: c.replicas,
    watchNamespaces: [...args.watchNamespaces].sort(),
    webhook: { create: c.webhook },
    // The platform creates the Flink service account and a least-privilege Role itself.
    jobServiceAccount: { create: false },
    rbac: { create: true, jobRole: { create: false } },
    operatorPod: {
      resources: containerResources(c.cpu, c.memory),
      ...(args.systemPlacement.nodeSelector ? { nodeSelector: args.systemPlacement.nodeSelector } : {}),
    },
    metrics: { port: OPERATOR_METRICS_PORT },
    defaultConfiguration: {
      create: true,
      append: true,
      "config.yaml": [
        "kubernetes.operator.metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        `kubernetes.operator.metrics.reporter.prom.port: ${OPERATOR_METRICS_PORT}`,
        `kubernetes.operator.leader-election.enabled: ${leaderElection}`,
        ...(leaderElection ? ["kubernetes.operator.leader-election.lease-name: flink-operator-lease"] : []),
        "kubernetes.operator.savepoint.history.max.age: 7 d",
      ].join("\n"),
    },
  };
}

/**
 * cert-manager (for the admission webhook) and the Flink Kubernetes Operator as pinned Helm
 * releases. Flink custom resources depend on {@link FlinkOperator.ready}, so they are never
 * applied before the CRDs exist.
 */
export class FlinkOperator extends pulumi.ComponentResource {
  /** Depend on this before creating any flink.apache.org resource. */
  readonly ready: pulumi.Resource;
  /** The operator's namespace, for objects placed beside it (its PodMonitor). */
  readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: FlinkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkOperator", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const restricted = { "pod-security.kubernetes.io/enforce": "restricted" };

    const operatorNs = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: OPERATOR_NAMESPACE, labels: restricted } },
      k8sOpts,
    );

    this.namespace = operatorNs;
    const dependsOn: pulumi.Resource[] = [operatorNs];
    if (args.config.webhook) {
      const certNs = new k8s.core.v1.Namespace(
        `${name}-cert-manager-ns`,
        { metadata: { name: CERT_MANAGER_NAMESPACE, labels: restricted } },
        k8sOpts,
      );
      const requests = containerResources(0.1, 128 * 1024 * 1024);
      dependsOn.push(
        new k8s.helm.v3.Release(
          `${name}-cert-manager`,
          {
            chart: CERT_MANAGER.chart,
            version: CERT_MANAGER.version,
            repositoryOpts: { repo: CERT_MANAGER.repository },
            namespace: CERT_MANAGER_NAMESPACE,
            atomic: true,
            values: {
              crds: { enabled: true },
              resources: requests,
              webhook: { resources: requests },
              cainjector: { resources: requests },
              ...(args.systemPlacement.nodeSelector
                ? {
                    nodeSelector: args.systemPlacement.nodeSelector,
                    webhook: { resources: requests, nodeSelector: args.systemPlacement.nodeSelector },
                    cainjector: { resources: requests, nodeSelector: args.systemPlacement.nodeSelector },
                  }
                : {}),
            },
          },
          { ...k8sOpts, dependsOn: [certNs] },
        ),
      );
    }

    this.ready = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        chart: FLINK_OPERATOR.chart,
        version: FLINK_OPERATOR.version,
        repositoryOpts: { repo: FLINK_OPERATOR.repository },
        namespace: OPERATOR_NAMESPACE,
        atomic: true,
        values: operatorValues(args),
      },
      { ...k8sOpts, dependsOn },
    );
    this.registerOutputs({});
  }
}
