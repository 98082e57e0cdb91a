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

/** Which severities each receiver gets: a "warning" receiver also gets critical alerts. */
function severityMatcher(r: Receiver): string {
  return r.severity === "critical" ? 'severity="critical"' : 'severity=~"critical|warning"';
}

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
 * Alertmanager routing: every alert grouped per namespace and deployment, each receiver
 * gets the severities it asked for, warnings are muted while a critical alert fires for the
 * same deployment, and the chart's always-firing Watchdog goes nowhere. The config holds no
 * secret (receivers read their URL or key from the mounted Secret), so a preview diff shows
 * every routing change in the clear.
 */
export function alertmanagerConfig(receivers: Receiver[]) {
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "null",
      group_by: ["alertname", "namespace", "flink_deployment", "job_name"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        { receiver: "null", matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        ...receivers.map((r) => ({ receiver: r.name, matchers: [severityMatcher(r)], continue: true })),
      ],
    },
    receivers: [{ name: "null" }, ...receivers.map(receiverConfig)],
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
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
    // node-exporter needs host networking and host paths, which the namespace's Pod Security level refuses.
    nodeExporter: { enabled: false },
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
      config: alertmanagerConfig(c.receivers),
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
      resources: containerResources(0.1, 256 * MiB),
      ...placement,
    },
  };
}
