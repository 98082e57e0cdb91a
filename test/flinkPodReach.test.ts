/**
 * Who may open a connection to a team's Flink pods, under Kubernetes' NetworkPolicy semantics
 * (components/kube/networkFlows.ts): its own JobManagers and TaskManagers on any port, and
 * nobody else in the namespace, not even a pod of the same team.
 */
import { strict as assert } from "assert";
import { allowed, NetworkPolicyLike, PodEndpoint } from "../components/kube/networkFlows";
import { flinkNetworkPolicies } from "../components/governance/networkPolicies";

const FLINK_LABELS = { type: "flink-native-kubernetes", "app.kubernetes.io/part-of": "flink-platform" };
const pod = (labels: Record<string, string>, namespace = "payments"): PodEndpoint => ({
  kind: "pod",
  namespace,
  labels,
});

describe("who reaches a team's Flink pods", () => {
  const policies = flinkNetworkPolicies({
    namespace: "payments",
    zookeeper: false,
    objectStore: false,
    network: { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] },
  }) as NetworkPolicyLike[];
  const jm = pod({ app: "fraud", component: "jobmanager", ...FLINK_LABELS });
  const tm = pod({ app: "fraud", component: "taskmanager", ...FLINK_LABELS });
  const flow = (from: PodEndpoint, to: PodEndpoint, port: number) =>
    allowed(policies, { from, to, port, protocol: "TCP" });

  it("its own Flink pods, on Flink's dynamic ports", () => {
    assert.ok(flow(tm, jm, 6123));
    assert.ok(flow(jm, tm, 35001));
    assert.ok(flow(tm, tm, 42000), "TaskManager ↔ TaskManager data exchange");
  });

  it("the operator, on the JobManager's REST port only", () => {
    const operator = pod({ "app.kubernetes.io/name": "flink-kubernetes-operator" }, "flink-operator");
    assert.ok(flow(operator, jm, 8081));
    assert.ok(!flow(operator, jm, 6123));
    assert.ok(!flow(operator, tm, 8081));
  });

  it("ZooKeeper, the object store and the UI's ingress, each on its one port", () => {
    const all = flinkNetworkPolicies({
      namespace: "payments",
      network: { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] },
      zookeeper: true,
      objectStore: true,
      uiIngress: { clusters: ["fraud"], from: [{ namespaceSelector: {} }] },
    }) as NetworkPolicyLike[];
    const to = (from: PodEndpoint, dest: PodEndpoint, port: number) =>
      allowed(all, { from, to: dest, port, protocol: "TCP" });
    const zk = pod(
      { "app.kubernetes.io/name": "zookeeper", "app.kubernetes.io/part-of": "flink-platform" },
      "flink-ha",
    );
    const store = pod(
      {
        "app.kubernetes.io/name": "object-store",
        "app.kubernetes.io/part-of": "flink-platform",
        "app.kubernetes.io/component": "server",
      },
      "flink-storage",
    );
    const ingress = pod({ app: "ingress" }, "ingress");
    assert.ok(to(jm, zk, 2181) && !to(jm, zk, 2888));
    assert.ok(to(tm, store, 9000) && !to(tm, store, 9001));
    assert.ok(to(ingress, jm, 8081) && !to(ingress, jm, 6123));
  });

  it("no other pod of the namespace", () => {
    const curl = pod({ app: "debug" });
    assert.ok(!flow(curl, jm, 6123));
    assert.ok(!flow(curl, tm, 6122));
    assert.ok(!flow(jm, curl, 8080), "Flink pods reach no other pod of the namespace either");
  });
});
