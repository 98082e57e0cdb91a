/**
 * NetworkPolicies of the operator's namespace and cert-manager's, as plain objects: deny
 * everything, then allow what each needs. The operator reaches the API server, every watched
 * JobManager's REST port (AbstractFlinkService, release-1.15.0) and ZooKeeper; the control plane
 * calls both admission webhooks, whose failurePolicy is Fail, so a closed port would refuse every
 * Flink resource (operator chart webhook configurations) or certificate (cert-manager v1.19.1).
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
import { FLINK_REST_PORT } from "./flinkConfig";
import { ZOOKEEPER_CLIENT_PORT } from "../ha/quorum";

/** The webhook container's port: WEBHOOK_SERVER_PORT in the chart's deployment (no containerPort is declared, so by number). */
export const OPERATOR_WEBHOOK_PORT = 9443;
/** cert-manager's webhook `securePort` (chart values, v1.19.1). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;
const OPERATOR_PODS = { "app.kubernetes.io/name": "flink-kubernetes-operator" };

/** Deny all, DNS and the API server: what every platform namespace starts from. */
function baseline(namespace: string, network: ClusterNetwork): NetworkPolicyObject[] {
  return [
    networkPolicy(namespace, "default-deny", DEFAULT_DENY),
    networkPolicy(namespace, "dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [DNS_EGRESS],
    }),
    // Also S3 and https session-job jars, which the operator downloads itself.
    networkPolicy(namespace, "https-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [httpsEgressRule(network)],
    }),
  ];
}

export interface OperatorNetworkInput {
  namespace: string;
  /** The namespaces it watches: their JobManagers' REST port. */
  watchNamespaces: string[];
  /** ZooKeeper's namespace when any cluster keeps HA there (the operator checks and cleans HA data). */
  zookeeperNamespace?: string;
  /** Prometheus's namespace, admitted to the metrics port; undefined when monitoring is off. */
  monitoringNamespace?: string;
  webhook: boolean;
  /** The operator's Prometheus reporter port. */
  metricsPort: number;
  network: ClusterNetwork;
}

export function operatorNetworkPolicies(input: OperatorNetworkInput): NetworkPolicyObject[] {
  const policy = (name: string, spec: NetworkPolicySpec) => networkPolicy(input.namespace, name, spec);
  const egress: NetworkPolicySpec["egress"] = [];
  if (input.watchNamespaces.length > 0) {
    egress.push({
      to: [
        { ...inNamespaces(input.watchNamespaces), podSelector: { matchLabels: { component: "jobmanager" } } },
      ],
      ports: [tcp(FLINK_REST_PORT)],
    });
  }
  if (input.zookeeperNamespace) {
    egress.push({ to: [inNamespace(input.zookeeperNamespace)], ports: [tcp(ZOOKEEPER_CLIENT_PORT)] });
  }
  const ingress: NetworkPolicySpec["ingress"] = [];
  if (input.webhook) ingress.push({ from: hostPeers(input.network), ports: [tcp(OPERATOR_WEBHOOK_PORT)] });
  if (input.monitoringNamespace) {
    ingress.push({ from: [inNamespace(input.monitoringNamespace)], ports: [tcp(input.metricsPort)] });
  }
  return [
    ...baseline(input.namespace, input.network),
    policy("operator", {
      podSelector: { matchLabels: OPERATOR_PODS },
      policyTypes: ["Ingress", "Egress"],
      ingress,
      egress,
    }),
  ];
}

/** cert-manager: the API server (self-signed issuer only), and the control plane's webhook calls. */
export function certManagerNetworkPolicies(
  namespace: string,
  network: ClusterNetwork,
): NetworkPolicyObject[] {
  return [
    ...baseline(namespace, network),
    networkPolicy(namespace, "webhook", {
      podSelector: { matchLabels: { "app.kubernetes.io/component": "webhook" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: hostPeers(network), ports: [tcp(CERT_MANAGER_WEBHOOK_PORT)] }],
    }),
  ];
}
