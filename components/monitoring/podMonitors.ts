/**
 * PodMonitors (monitoring.coreos.com/v1) as plain objects: what Prometheus scrapes. Flink pods
 * are selected by the labels the operator puts on them (component=jobmanager|taskmanager)
 * plus the platform label our pod template adds; the operator by its chart's selector label.
 */
import { K8sObject } from "../flink/customResources";
import { METRICS_PORT_NAME } from "../flink/flinkConfig";
import { OPERATOR_NAMESPACE } from "../flink/operator";

export const PLATFORM_LABEL = { "app.kubernetes.io/part-of": "flink-platform" } as const;
/** The operator chart's pod selector label, and the name of the port it declares for metrics.port. */
export const OPERATOR_POD_LABEL = { "app.kubernetes.io/name": "flink-kubernetes-operator" } as const;
export const OPERATOR_METRICS_PORT_NAME = "metrics";

export type FlinkComponent = "jobmanager" | "taskmanager";

// A type alias, not an interface, so it satisfies K8sObject's `Record<string, unknown>` spec.
export type PodMonitorSpec = {
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: {
    port: string;
    interval: string;
    scrapeTimeout: string;
    relabelings?: { sourceLabels: string[]; targetLabel: string; action: "replace" }[];
  }[];
};

export type PodMonitor = K8sObject & { spec: PodMonitorSpec };

function podMonitor(name: string, namespace: string, spec: PodMonitorSpec): PodMonitor {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name, namespace, labels: { ...PLATFORM_LABEL } },
    spec,
  };
}

/** One PodMonitor per Flink component in a team namespace. */
export function flinkPodMonitor(namespace: string, component: FlinkComponent, interval: string): PodMonitor {
  return podMonitor(`flink-${component}`, namespace, {
    selector: { matchLabels: { ...PLATFORM_LABEL, component } },
    podMetricsEndpoints: [
      {
        port: METRICS_PORT_NAME,
        interval,
        scrapeTimeout: "10s",
        // Alerts and dashboards name the FlinkDeployment and the component of every series.
        relabelings: [
          {
            sourceLabels: ["__meta_kubernetes_pod_label_app"],
            targetLabel: "flink_deployment",
            action: "replace",
          },
          {
            sourceLabels: ["__meta_kubernetes_pod_label_component"],
            targetLabel: "component",
            action: "replace",
          },
        ],
      },
    ],
  });
}

export function operatorPodMonitor(interval: string): PodMonitor {
  return podMonitor("flink-kubernetes-operator", OPERATOR_NAMESPACE, {
    selector: { matchLabels: { ...OPERATOR_POD_LABEL } },
    podMetricsEndpoints: [{ port: OPERATOR_METRICS_PORT_NAME, interval, scrapeTimeout: "10s" }],
  });
}
