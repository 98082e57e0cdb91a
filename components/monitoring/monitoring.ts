import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { PlatformModel } from "../../config/model";
import { NO_ALERT_RECEIVER_ANNOTATION, POD_SECURITY_REASON_ANNOTATION } from "../../policies/annotations";
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
  NODE_EXPORTER_NAMESPACE,
  prometheusDuration,
  RECEIVER_SECRET,
} from "./stackValues";

export const MONITORING_NAMESPACE = "monitoring";
export const NODE_EXPORTER_POD_SECURITY_REASON =
  "node-exporter reads node metrics from the host: hostNetwork, hostPID and read-only hostPath mounts of /, /proc and /sys (prometheus-node-exporter 4.49.1); it runs as nobody, without capabilities";

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
          // The production policy production-alert-receiver reads why alerts may go nowhere.
          ...(c.noReceiverReason
            ? { annotations: { [NO_ALERT_RECEIVER_ANNOTATION]: c.noReceiverReason } }
            : {}),
        },
      },
      k8sOpts,
    );
    // node-exporter reads the host (hostNetwork, hostPID, hostPath /, /proc, /sys: chart 4.49.1
    // defaults), which only "privileged" admits; nothing else runs in this namespace.
    const nodeExporterNamespace = new k8s.core.v1.Namespace(
      `${name}-node-exporter-ns`,
      {
        metadata: {
          name: NODE_EXPORTER_NAMESPACE,
          labels: {
            ...PLATFORM_LABEL,
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/warn": "privileged",
          },
          annotations: { [POD_SECURITY_REASON_ANNOTATION]: NODE_EXPORTER_POD_SECURITY_REASON },
        },
      },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [namespace] };
    const policies = monitoringNetworkPolicies({
      namespace: MONITORING_NAMESPACE,
      nodeExporterNamespace: NODE_EXPORTER_NAMESPACE,
      flinkNamespaces: args.namespaces,
      receivers: c.receivers.length > 0,
      network: args.network,
    });
    for (const policy of policies) {
      const ns = policy.metadata.namespace === NODE_EXPORTER_NAMESPACE ? nodeExporterNamespace : namespace;
      const prefix = ns === namespace ? "netpol" : "node-exporter-netpol";
      new k8s.networking.v1.NetworkPolicy(`${name}-${prefix}-${policy.metadata.name}`, policy, {
        ...k8sOpts,
        dependsOn: [ns],
      });
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

    const stackDependsOn: pulumi.Resource[] = [namespace, nodeExporterNamespace, adminSecret];
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
