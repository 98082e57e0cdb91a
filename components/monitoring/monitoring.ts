import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { PlatformModel } from "../../config/model";
import { KUBE_PROMETHEUS_STACK } from "../versions";
import { Placement } from "../kube/placement";
import { flinkAlertRules } from "./alertRules";
import { monitoringNetworkPolicies } from "./networkPolicies";
import { ClusterNetwork } from "../kube/networkPolicy";
import { flinkDashboards } from "./dashboards";
import { flinkPodMonitor, operatorPodMonitor, PLATFORM_LABEL } from "./podMonitors";
import {
  DASHBOARD_LABEL,
  GRAFANA_ADMIN_SECRET,
  kubePrometheusStackValues,
  prometheusDuration,
  RECEIVER_SECRET,
} from "./stackValues";

export const MONITORING_NAMESPACE = "monitoring";

export interface MonitoringArgs {
  config: PlatformModel["monitoring"];
  /** The Flink namespaces: each gets PodMonitors, and the quota alert watches them. */
  namespaces: string[];
  /** Alert receiver URLs by secret config key. */
  secrets: PlatformModel["secrets"];
  /** Where the monitoring pods run (the system node group on EKS). */
  placement: Placement;
  storageClass?: string;
  /** Addresses the NetworkPolicies name by CIDR. */
  network: ClusterNetwork;
  provider: k8s.Provider;
  /** Namespaces (and the operator's) that must exist before PodMonitors are created in them. */
  dependsOn: pulumi.Resource[];
}

/**
 * Prometheus, Alertmanager and Grafana (kube-prometheus-stack, pinned), PodMonitors for every
 * Flink JobManager and TaskManager and for the operator, the Flink alert rules, and the
 * Flink dashboards. The Grafana admin password is generated and exported as a secret.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:monitoring:Monitoring", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const c = args.config;

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: MONITORING_NAMESPACE,
          // Every pod the chart runs here meets "restricted" with its defaults and our values (the
          // Pod Security test evaluates them); node-exporter, which needs host access, runs elsewhere.
          labels: {
            ...PLATFORM_LABEL,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [namespace] };
    for (const policy of monitoringNetworkPolicies({
      namespace: MONITORING_NAMESPACE,
      flinkNamespaces: args.namespaces,
      receivers: c.receivers.length > 0,
      network: args.network,
    })) {
      new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
    }

    const password = new random.RandomPassword(
      `${name}-grafana-admin-password`,
      { length: 32, special: false },
      { parent: this },
    );
    this.grafanaAdminPassword = pulumi.secret(password.result);
    const secret = (
      resourceName: string,
      secretName: string,
      stringData: pulumi.Input<Record<string, pulumi.Input<string>>>,
    ) =>
      new k8s.core.v1.Secret(
        `${name}-${resourceName}`,
        {
          metadata: { name: secretName, namespace: MONITORING_NAMESPACE, labels: { ...PLATFORM_LABEL } },
          type: "Opaque",
          stringData,
        },
        inNs,
      );
    const adminSecret = secret("grafana-admin", GRAFANA_ADMIN_SECRET, {
      "admin-user": "admin",
      "admin-password": this.grafanaAdminPassword,
    });

    const stackDependsOn: pulumi.Resource[] = [namespace, adminSecret];
    if (c.receivers.length > 0) {
      const receiverUrls = Object.fromEntries(
        c.receivers.map((r) => [r.secretKey, args.secrets[r.secretKey]]),
      );
      stackDependsOn.push(secret("alertmanager-receivers", RECEIVER_SECRET, receiverUrls));
    }
    const stack = new k8s.helm.v3.Release(
      `${name}-kube-prometheus-stack`,
      {
        name: "kube-prometheus-stack",
        chart: KUBE_PROMETHEUS_STACK.chart,
        version: KUBE_PROMETHEUS_STACK.version,
        repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repository },
        namespace: MONITORING_NAMESPACE,
        atomic: true,
        values: kubePrometheusStackValues({
          config: c,
          placement: args.placement,
          storageClass: args.storageClass,
        }),
      },
      { ...k8sOpts, dependsOn: stackDependsOn },
    );

    // PodMonitors and PrometheusRules need the chart's CRDs, and their namespaces.
    const crOpts = { ...k8sOpts, dependsOn: [stack, ...args.dependsOn] };
    const interval = prometheusDuration(c.scrapeInterval);
    const podMonitors = [
      operatorPodMonitor(interval),
      ...args.namespaces.flatMap((ns) => [
        flinkPodMonitor(ns, "jobmanager", interval),
        flinkPodMonitor(ns, "taskmanager", interval),
      ]),
    ];
    for (const pm of podMonitors) {
      new k8s.apiextensions.CustomResource(
        `${name}-podmonitor-${pm.metadata.namespace}-${pm.metadata.name}`,
        pm,
        crOpts,
      );
    }

    new k8s.apiextensions.CustomResource(
      `${name}-flink-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "flink-platform", namespace: MONITORING_NAMESPACE, labels: { ...PLATFORM_LABEL } },
        spec: {
          groups: flinkAlertRules({
            thresholds: c.alerts,
            namespaces: args.namespaces,
            runbookBaseUrl: c.runbookBaseUrl,
          }),
        },
      },
      crOpts,
    );

    for (const [file, dashboard] of Object.entries(flinkDashboards())) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${file}`,
        {
          metadata: {
            name: `dashboard-${file}`,
            namespace: MONITORING_NAMESPACE,
            labels: { ...PLATFORM_LABEL, ...DASHBOARD_LABEL },
            annotations: { grafana_folder: "Flink" },
          },
          data: { [`${file}.json`]: JSON.stringify(dashboard, null, 2) },
        },
        inNs,
      );
    }
    this.registerOutputs({ grafanaAdminPassword: this.grafanaAdminPassword });
  }
}
