/**
 * NetworkPolicy evaluation with Kubernetes' semantics (networking.k8s.io/v1), so a test can
 * ask "does this connection get through?" of the policies a stack renders, instead of
 * checking fields one by one:
 * - a pod is isolated in a direction when a policy in its namespace selects it with that
 *   policy type; an unisolated pod allows everything in that direction;
 * - an isolated pod allows a connection when any selecting policy has a rule whose peers
 *   (empty = everyone) and ports (empty = all) match; rules only ever add;
 * - a connection needs the source's egress and the destination's ingress.
 * Peers: `podSelector` alone means the policy's namespace; with `namespaceSelector` both must
 * match; `ipBlock` matches addresses outside the cluster (what the CNI does for pod IPs is
 * implementation-defined, so pods are never matched by ipBlock here).
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyLike {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

/** A pod: where it runs, its labels, and its named container ports. */
export interface PodEndpoint {
  kind: "pod";
  namespace: string;
  labels: Record<string, string>;
  /** Labels of its namespace (`kubernetes.io/metadata.name` is added automatically). */
  namespaceLabels?: Record<string, string>;
  namedPorts?: Record<string, number>;
}

/** An address outside the cluster's pod network (the API server, S3, the internet). */
export interface ExternalEndpoint {
  kind: "external";
  ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const ok =
      e.operator === "In"
        ? has && (e.values ?? []).includes(value)
        : e.operator === "NotIn"
          ? !has || !(e.values ?? []).includes(value)
          : e.operator === "Exists"
            ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

function namespaceLabels(pod: PodEndpoint): Record<string, string> {
  return { ...pod.namespaceLabels, "kubernetes.io/metadata.name": pod.namespace };
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    return (
      other.kind === "external" &&
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c))
    );
  }
  if (other.kind !== "pod") return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(other))
    : other.namespace === policyNamespace;
  return namespaceOk && selects(peer.podSelector, other.labels);
}

function portMatches(ports: PolicyPort[] | undefined, flow: Flow, target: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = flow.protocol ?? "TCP";
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    // A named port resolves against the destination pod's container ports.
    const number =
      typeof p.port === "string" ? (target.kind === "pod" ? target.namedPorts?.[p.port] : undefined) : p.port;
    if (number === undefined) return false;
    return p.endPort !== undefined ? flow.port >= number && flow.port <= p.endPort : flow.port === number;
  });
}

function direction(
  policies: readonly NetworkPolicyLike[],
  pod: PodEndpoint,
  type: "Ingress" | "Egress",
  peer: Endpoint,
  flow: Flow,
): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      policyTypes(p).includes(type),
  );
  if (selecting.length === 0) return true;
  // Ports are matched at the destination: for egress the peer, for ingress the pod itself.
  const target = type === "Ingress" ? pod : peer;
  const rules = (p: NetworkPolicyLike) =>
    type === "Ingress"
      ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
      : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
  return selecting.some((p) =>
    rules(p).some(({ peers, ports }) => {
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, pod.namespace, peer));
      return peerOk && portMatches(ports, flow, target);
    }),
  );
}

/** Kubernetes' default: Ingress always, Egress when the policy has egress rules. */
function policyTypes(p: NetworkPolicyLike): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);
}

/** Whether the policies let this connection through (source egress and destination ingress). */
export function allowed(policies: readonly NetworkPolicyLike[], flow: Flow): boolean {
  const egressOk = flow.from.kind === "pod" ? direction(policies, flow.from, "Egress", flow.to, flow) : true;
  const ingressOk = flow.to.kind === "pod" ? direction(policies, flow.to, "Ingress", flow.from, flow) : true;
  return egressOk && ingressOk;
}
