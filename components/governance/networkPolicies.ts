/**
 * A team namespace's NetworkPolicies as plain objects: deny everything, then allow exactly
 * the flows Flink needs. Pure, so tests check each flow.
 */
import { EgressRuleConfig } from "../../config/schema";
import {
  ClusterNetwork,
  DEFAULT_DENY,
  DNS_EGRESS,
  httpsEgressRule,
  inNamespace,
  networkPolicy,
  NetworkPolicyObject,
  NetworkPolicyPeer,
  NetworkPolicySpec,
  tcp,
} from "../kube/networkPolicy";

export type { NetworkPolicyObject };
import { FLINK_REST_PORT, METRICS_PORT } from "../flink/flinkConfig";
import { OPERATOR_NAMESPACE } from "../flink/operator";
import { ZOOKEEPER_CLIENT_PORT, ZOOKEEPER_NAMESPACE } from "../ha/quorum";
import { OBJECT_STORE_NAMESPACE, OBJECT_STORE_PORT } from "../storage/objectStore";

/** The label our pod template puts on every Flink pod. */
const FLINK_PODS = { matchLabels: { "app.kubernetes.io/part-of": "flink-platform" } };

export interface NetworkPolicyInput {
  namespace: string;
  /** Where Prometheus runs, when monitoring is on. */
  monitoringNamespace?: string;
  /** HA through the platform's ZooKeeper ensemble. */
  zookeeper: boolean;
  /** The in-cluster object store (dev) instead of S3. */
  objectStore: boolean;
  /** Where the API server, AWS APIs and S3 answer. */
  network: ClusterNetwork;
  /** The team's own egress (Kafka, databases, APIs), from `namespaces[].egress`. */
  egress?: EgressRuleConfig[];
  /** Clusters whose UI an Ingress exposes, and where its traffic comes from. */
  uiIngress?: { clusters: string[]; from: NetworkPolicyPeer[] };
}

function egressPeers(rule: EgressRuleConfig): NetworkPolicyPeer[] {
  if (rule.cidrs) return rule.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return [
    {
      ...inNamespace(rule.namespace!),
      ...(rule.podLabels ? { podSelector: { matchLabels: rule.podLabels } } : {}),
    },
  ];
}

function egressPort(p: EgressRuleConfig["ports"][number]) {
  return { port: p.port, ...(p.endPort !== undefined ? { endPort: p.endPort } : {}), protocol: p.protocol };
}

export function flinkNetworkPolicies(input: NetworkPolicyInput): NetworkPolicyObject[] {
  const policy = (name: string, spec: NetworkPolicySpec) => networkPolicy(input.namespace, name, spec);
  const policies = [
    policy("default-deny", DEFAULT_DENY),
    // JobManager ↔ TaskManager: RPC, blob server and data exchange (TaskManager ports are dynamic).
    policy("flink-internal", {
      podSelector: FLINK_PODS,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: FLINK_PODS }] }],
      egress: [{ to: [{ podSelector: FLINK_PODS }] }],
    }),
    policy("operator-to-jobmanager", {
      podSelector: { matchLabels: { component: "jobmanager" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [inNamespace(OPERATOR_NAMESPACE)], ports: [tcp(FLINK_REST_PORT)] }],
    }),
    policy("dns-egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [DNS_EGRESS],
    }),
    // The Kubernetes API (native mode creates TaskManager pods; Kubernetes HA keeps leases), and
    // on AWS S3 and STS, all HTTPS to addresses NetworkPolicy cannot name (the S3 gateway
    // endpoint routes to S3's public ranges; interface endpoints answer inside the VPC).
    policy("https-egress", {
      podSelector: FLINK_PODS,
      policyTypes: ["Egress"],
      egress: [httpsEgressRule(input.network)],
    }),
  ];
  if (input.monitoringNamespace) {
    policies.push(
      policy("prometheus-scrape", {
        podSelector: FLINK_PODS,
        policyTypes: ["Ingress"],
        ingress: [{ from: [inNamespace(input.monitoringNamespace)], ports: [tcp(METRICS_PORT)] }],
      }),
    );
  }
  // Egress from Flink pods to one platform namespace's port.
  const egressTo = (name: string, namespace: string, port: number) =>
    policy(name, {
      podSelector: FLINK_PODS,
      policyTypes: ["Egress"],
      egress: [{ to: [inNamespace(namespace)], ports: [tcp(port)] }],
    });
  if (input.objectStore)
    policies.push(egressTo("object-store-egress", OBJECT_STORE_NAMESPACE, OBJECT_STORE_PORT));
  if (input.zookeeper)
    policies.push(egressTo("zookeeper-egress", ZOOKEEPER_NAMESPACE, ZOOKEEPER_CLIENT_PORT));
  // The Ingress's backend: the load balancer (EKS, IP targets from the VPC) or the ingress
  // controller's pods reach exactly the exposed JobManagers' REST port.
  for (const cluster of input.uiIngress?.clusters ?? []) {
    policies.push(
      policy(`ui-ingress-${cluster}`, {
        podSelector: { matchLabels: { app: cluster, component: "jobmanager" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: input.uiIngress!.from, ports: [tcp(FLINK_REST_PORT)] }],
      }),
    );
  }
  for (const rule of input.egress ?? []) {
    policies.push(
      policy(`egress-${rule.name}`, {
        podSelector: FLINK_PODS,
        policyTypes: ["Egress"],
        egress: [{ to: egressPeers(rule), ports: rule.ports.map(egressPort) }],
      }),
    );
  }
  return policies;
}
