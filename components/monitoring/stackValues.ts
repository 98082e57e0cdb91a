/**
 * Helm values for kube-prometheus-stack and the Alertmanager configuration: pure, so tests
 * read them directly.
 */
import { PlatformModel } from "../../config/model";
import { formatQuantity } from "../../config/units";
import { containerResources } from "../kube/podSecurity";
import { Placement } from "../kube/placement";

type MonitoringConfig = PlatformModel["monitoring"];
type Receiver = MonitoringConfig["receivers"][number];

export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const GRAFANA_SERVICE = "grafana";
/** ConfigMaps with this label are loaded by Grafana's dashboard sidecar. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** node-exporter's own namespace (Pod Security privileged: it reads the host). */
export const NODE_EXPORTER_NAMESPACE = "node-exporter";
/** Its listen port on every node's address (chart service.port; hostNetwork). */
export const NODE_EXPORTER_PORT = 9100;
export const NODE_EXPORTER_REQUESTS = { cpu: 0.05, memory: 64 * MiB };
/** The node label naming each EKS node group (components/cluster/eksCluster.ts). */
const POOL_LABEL = "flink-platform/pool";

/** Milliseconds as a Prometheus duration in the largest exact unit: 1296000000 → "15d". */
export function prometheusDuration(ms: number): string {
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Secret holding the receivers' URLs and keys, mounted into Alertmanager; the config reads files. */
export const RECEIVER_SECRET = "alertmanager-receivers";
const RECEIVER_SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;

function receiverConfig(r: Receiver) {
  const file = `${RECEIVER_SECRET_DIR}/${r.secretKey}`;
  switch (r.type) {
    case "slack":
      return { name: r.name, slack_configs: [{ api_url_file: file, send_resolved: true }] };
    case "pagerduty":
      return { name: r.name, pagerduty_configs: [{ routing_key_file: file, send_resolved: true }] };
    case "webhook":
      return { name: r.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
  }
}

/**
 * Alertmanager routing: alerts grouped by the configured labels, one route per severity with its
 * repeat interval, under which every receiver that asked for the severity gets it (a `warning`
 * receiver gets critical alerts too), and the chart's always-firing Watchdog goes nowhere. The
 * config holds no secret (receivers read their URL or key from the mounted Secret), so a preview
 * diff shows every routing change in the clear.
 *
 * Inhibition (alertmanager v0.28 inhibit/inhibit.go): a target is muted when a firing source
 * matches and every `equal` label has the same value on both, a label missing on both counting
 * as equal (empty). So each rule demands the labels it compares: a critical alert of a job mutes
 * only that job's warnings; a critical alert of a whole FlinkDeployment (no job_name: no
 * TaskManagers) mutes the warnings of its jobs; an alert without those labels mutes nothing.
 */
export function alertmanagerConfig(receivers: Receiver[], routing: MonitoringConfig["routing"]) {
  const severityRoute = (severity: "critical" | "warning", repeat: number) => ({
    receiver: "null",
    matchers: [`severity="${severity}"`],
    repeat_interval: prometheusDuration(repeat),
    routes: receivers
      .filter((r) => severity === "critical" || r.severity === "warning")
      .map((r) => ({ receiver: r.name, continue: true })),
  });
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "null",
      group_by: routing.groupBy,
      group_wait: prometheusDuration(routing.groupWait),
      group_interval: prometheusDuration(routing.groupInterval),
      repeat_interval: prometheusDuration(routing.repeatInterval.warning),
      routes: [
        { receiver: "null", matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        severityRoute("critical", routing.repeatInterval.critical),
        severityRoute("warning", routing.repeatInterval.warning),
      ],
    },
    receivers: [{ name: "null" }, ...receivers.map(receiverConfig)],
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"', 'flink_deployment=~".+"', 'job_name=~".+"'],
        target_matchers: ['severity="warning"', 'flink_deployment=~".+"', 'job_name=~".+"'],
        equal: ["namespace", "flink_deployment", "job_name"],
      },
      {
        source_matchers: ['severity="critical"', 'flink_deployment=~".+"', 'job_name=""'],
        target_matchers: ['severity="warning"', 'flink_deployment=~".+"'],
        equal: ["namespace", "flink_deployment"],
      },
    ],
  };
}

export interface StackValuesInput {
  config: MonitoringConfig;
  placement: Placement;
  storageClass?: string;
}

export function kubePrometheusStackValues(input: StackValuesInput) {
  const c = input.config;
  const placement = input.placement.nodeSelector ? { nodeSelector: input.placement.nodeSelector } : {};
  const small = containerResources(0.1, 128 * MiB);
  const volume = (bytes: number) => ({
    volumeClaimTemplate: {
      spec: {
        accessModes: ["ReadWriteOnce"],
        ...(input.storageClass ? { storageClassName: input.storageClass } : {}),
        resources: { requests: { storage: formatQuantity(bytes) } },
      },
    },
  });
  return {
    // Short, predictable names: the README's port-forward commands rely on them.
    fullnameOverride: "kps",
    crds: { enabled: true },
    // Managed control planes (EKS) do not expose these to scraping; their rules would only misfire.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    // node-exporter reads the host's /proc, /sys and / through hostPath volumes on the host's network
    // and PID namespaces (prometheus-node-exporter 4.49.1 values.yaml hostNetwork, hostPID,
    // hostRootFsMount; templates/daemonset.yaml volumes): no restricted or baseline namespace admits
    // it, so the subchart deploys into its own privileged namespace (namespaceOverride).
    nodeExporter: { enabled: true },
    "prometheus-node-exporter": {
      namespaceOverride: NODE_EXPORTER_NAMESPACE,
      fullnameOverride: "node-exporter",
      resources: containerResources(NODE_EXPORTER_REQUESTS.cpu, NODE_EXPORTER_REQUESTS.memory),
      // The chart's pod context (non-root 65534) with the runtime's seccomp profile; the container
      // needs no capability and never escalates. Its default toleration (NoSchedule, Exists) lets
      // it onto the tainted Flink nodes too.
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      containerSecurityContext: {
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      },
      // Node series carry the node's name, so dashboards join them with kube_node_labels (pools).
      prometheus: {
        monitor: {
          relabelings: [
            { sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node", action: "replace" },
          ],
        },
      },
    },
    prometheusOperator: {
      resources: containerResources(0.2, 256 * MiB),
      ...placement,
      prometheusConfigReloader: { resources: containerResources(0.05, 64 * MiB) },
      admissionWebhooks: { patch: { resources: small, ...placement } },
    },
    prometheus: {
      prometheusSpec: {
        replicas: c.replicas,
        retention: prometheusDuration(c.retention),
        // Stop before the volume fills: keep 10% headroom for the WAL and compaction.
        retentionSize: `${Math.floor((c.storageSize * 0.9) / GiB)}GB`,
        scrapeInterval: prometheusDuration(c.scrapeInterval),
        evaluationInterval: prometheusDuration(c.scrapeInterval),
        storageSpec: volume(c.storageSize),
        resources: containerResources(c.prometheus.cpu, c.prometheus.memory),
        ...placement,
        // Discover PodMonitors, ServiceMonitors and rules in every namespace, not only the chart's own.
        podMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        podMonitorNamespaceSelector: {},
        serviceMonitorNamespaceSelector: {},
        ruleNamespaceSelector: {},
      },
    },
    alertmanager: {
      config: alertmanagerConfig(c.receivers, c.routing),
      alertmanagerSpec: {
        ...(c.receivers.length > 0 ? { secrets: [RECEIVER_SECRET] } : {}),
        replicas: c.replicas,
        retention: "120h",
        storage: volume(2 * GiB),
        resources: containerResources(0.1, 256 * MiB),
        ...placement,
      },
    },
    grafana: {
      fullnameOverride: GRAFANA_SERVICE,
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
      resources: containerResources(0.2, 256 * MiB),
      ...placement,
      service: { type: "ClusterIP" },
      sidecar: {
        resources: small,
        dashboards: {
          enabled: true,
          label: Object.keys(DASHBOARD_LABEL)[0],
          labelValue: Object.values(DASHBOARD_LABEL)[0],
          folderAnnotation: "grafana_folder",
          provider: { foldersFromFilesStructure: true },
        },
      },
      "grafana.ini": {
        // No calls home: usage stats, update checks, plugin updates and preinstalled plugins all
        // reach grafana.com (the chart's grafana.ini sets check_for_updates: true and grafana_net).
        analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
        plugins: { preinstall_disabled: true },
        users: { allow_sign_up: false },
        "auth.anonymous": { enabled: false },
      },
    },
    "kube-state-metrics": {
      fullnameOverride: "kube-state-metrics",
      // kube_node_labels{label_flink_platform_pool}: the dashboards' per-pool views (chart 6.4.1 values.yaml).
      metricLabelsAllowlist: [`nodes=[${POOL_LABEL}]`],
      resources: containerResources(0.1, 256 * MiB),
      ...placement,
    },
  };
}
