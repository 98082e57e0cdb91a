/**
 * The monitoring namespace's NetworkPolicies as plain objects: deny everything, then allow the
 * flows kube-prometheus-stack 79.5.0 needs at our values (prometheus-operator v0.86.2 labels
 * its pods; the chart's ServiceMonitors choose the scrape ports). Nothing else may reach
 * Alertmanager, so no pod can add silences. Grafana needs no ingress: `kubectl port-forward`
 * connects inside the pod's network namespace.
 */
import {
  ClusterNetwork,
  DEFAULT_DENY,
  DNS_EGRESS,
  hostPeers,
  httpsEgressRule,
  inNamespace,
  inNamespaces,
  networkPolicy,
  NetworkPolicyObject,
  NetworkPolicySpec,
  tcp,
} from "../kube/networkPolicy";
import { METRICS_PORT } from "../flink/flinkConfig";
import { OPERATOR_METRICS_PORT, OPERATOR_NAMESPACE } from "../flink/operator";
import { NODE_EXPORTER_PORT } from "./stackValues";

/** Pod labels set by prometheus-operator (pkg/prometheus/server/operator.go, pkg/alertmanager/operator.go at v0.86.2). */
export const PROMETHEUS_PODS = { "app.kubernetes.io/name": "prometheus", prometheus: "kps-prometheus" };
export const ALERTMANAGER_PODS = {
  "app.kubernetes.io/name": "alertmanager",
  alertmanager: "kps-alertmanager",
};
/** Chart pod labels (kube-prometheus-stack 79.5.0 _prometheus-operator.tpl; grafana 10.1.4; kube-state-metrics 6.4.1). */
export const PROMETHEUS_OPERATOR_PODS = { app: "kube-prometheus-stack-operator" };
export const GRAFANA_PODS = { "app.kubernetes.io/name": "grafana" };
export const KUBE_STATE_METRICS_PODS = { "app.kubernetes.io/name": "kube-state-metrics" };
/** prometheus-node-exporter 4.49.1 _helpers.tpl selectorLabels (its name is the chart's). */
export const NODE_EXPORTER_PODS = { "app.kubernetes.io/name": "prometheus-node-exporter" };

/** Container ports (prometheus-operator v0.86.2; the chart's `http-web` names). */
export const PROMETHEUS_PORT = 9090;
export const ALERTMANAGER_PORT = 9093;
/** Alertmanager's gossip between replicas, TCP and UDP (statefulset.go: mesh-tcp, mesh-udp). */
export const ALERTMANAGER_MESH_PORT = 9094;
/** The config reloader sidecar of Prometheus and Alertmanager (`reloader-web`). */
export const RELOADER_PORT = 8080;
export const KUBE_STATE_METRICS_PORT = 8080;
/** prometheus-operator's one TLS port: metrics and its admission webhooks (values tls.internalPort). */
export const PROMETHEUS_OPERATOR_PORT = 10250;
/** Kubelet's metrics (and cAdvisor) port on every node. */
export const KUBELET_PORT = 10250;
export const COREDNS_METRICS_PORT = 9153;

export interface MonitoringNetworkInput {
  namespace: string;
  /** node-exporter's namespace: on the host network, so its policies only say what it needs. */
  nodeExporterNamespace: string;
  /** Team namespaces whose Flink pods Prometheus scrapes. */
  flinkNamespaces: string[];
  /** Alertmanager sends to receivers (Slack, PagerDuty, webhooks) over HTTPS. */
  receivers: boolean;
  network: ClusterNetwork;
}

const udp = (port: number) => ({ port, protocol: "UDP" });

export function monitoringNetworkPolicies(input: MonitoringNetworkInput): NetworkPolicyObject[] {
  const policy = (name: string, spec: NetworkPolicySpec) => networkPolicy(input.namespace, name, spec);
  const pods = (matchLabels: Record<string, string>) => ({ podSelector: { matchLabels } });
  const policies = [
    policy("default-deny", DEFAULT_DENY),
    policy("dns-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_EGRESS] }),
    // Service discovery, the operator's reconciling, Grafana's sidecars, kube-state-metrics and the
    // chart's certificate jobs all talk to the API server; Alertmanager does not.
    policy("api-server-egress", {
      podSelector: {
        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["alertmanager"] }],
      },
      policyTypes: ["Egress"],
      egress: [httpsEgressRule(input.network)],
    }),
    policy("prometheus", {
      podSelector: { matchLabels: PROMETHEUS_PODS },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [pods(GRAFANA_PODS), pods(PROMETHEUS_PODS)],
          ports: [tcp(PROMETHEUS_PORT), tcp(RELOADER_PORT)],
        },
      ],
      egress: [
        // Its own namespace's targets and Alertmanager (alerts and scrapes).
        {
          to: [{ podSelector: {} }],
          ports: [
            tcp(PROMETHEUS_PORT),
            tcp(RELOADER_PORT),
            tcp(ALERTMANAGER_PORT),
            tcp(PROMETHEUS_OPERATOR_PORT),
            tcp(KUBE_STATE_METRICS_PORT),
          ],
        },
        ...(input.flinkNamespaces.length > 0
          ? [{ to: [inNamespaces(input.flinkNamespaces)], ports: [tcp(METRICS_PORT)] }]
          : []),
        { to: [inNamespace(OPERATOR_NAMESPACE)], ports: [tcp(OPERATOR_METRICS_PORT)] },
        {
          to: [{ ...inNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [tcp(COREDNS_METRICS_PORT)],
        },
        // Kubelet and cAdvisor on every node, and node-exporter on every node's address (hostNetwork).
        { to: hostPeers(input.network), ports: [tcp(KUBELET_PORT), tcp(NODE_EXPORTER_PORT)] },
      ],
    }),
    policy("alertmanager", {
      podSelector: { matchLabels: ALERTMANAGER_PODS },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        { from: [pods(PROMETHEUS_PODS)], ports: [tcp(ALERTMANAGER_PORT), tcp(RELOADER_PORT)] },
        { from: [pods(GRAFANA_PODS)], ports: [tcp(ALERTMANAGER_PORT)] },
        {
          from: [pods(ALERTMANAGER_PODS)],
          ports: [tcp(ALERTMANAGER_MESH_PORT), udp(ALERTMANAGER_MESH_PORT)],
        },
      ],
      egress: [
        {
          to: [pods(ALERTMANAGER_PODS)],
          ports: [tcp(ALERTMANAGER_MESH_PORT), udp(ALERTMANAGER_MESH_PORT)],
        },
        // Receivers are SaaS endpoints (or the team's HTTPS webhooks) outside the cluster.
        ...(input.receivers ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(443)] }] : []),
      ],
    }),
    policy("grafana", {
      podSelector: { matchLabels: GRAFANA_PODS },
      policyTypes: ["Egress"],
      egress: [
        { to: [pods(PROMETHEUS_PODS)], ports: [tcp(PROMETHEUS_PORT)] },
        { to: [pods(ALERTMANAGER_PODS)], ports: [tcp(ALERTMANAGER_PORT)] },
      ],
    }),
    policy("kube-state-metrics", {
      podSelector: { matchLabels: KUBE_STATE_METRICS_PODS },
      policyTypes: ["Ingress"],
      ingress: [{ from: [pods(PROMETHEUS_PODS)], ports: [tcp(KUBE_STATE_METRICS_PORT)] }],
    }),
    // Metrics for Prometheus; admission calls (PrometheusRule validation) from the control plane.
    policy("prometheus-operator", {
      podSelector: { matchLabels: PROMETHEUS_OPERATOR_PODS },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [pods(PROMETHEUS_PODS), ...hostPeers(input.network)],
          ports: [tcp(PROMETHEUS_OPERATOR_PORT)],
        },
      ],
    }),
  ];
  // Host-network pods are outside NetworkPolicy's reach (their traffic is the node's), so these
  // document intent and keep the namespace default-deny for anything else ever scheduled there.
  const ne = (name: string, spec: NetworkPolicySpec) =>
    networkPolicy(input.nodeExporterNamespace, name, spec);
  return [
    ...policies,
    ne("default-deny", DEFAULT_DENY),
    ne("node-exporter", {
      podSelector: { matchLabels: NODE_EXPORTER_PODS },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ ...inNamespace(input.namespace), podSelector: { matchLabels: PROMETHEUS_PODS } }],
          ports: [tcp(NODE_EXPORTER_PORT)],
        },
      ],
    }),
  ];
}
