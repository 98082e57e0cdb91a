import { strict as assert } from "assert";
import { stringify } from "yaml";
import { loadStackDoc, manifest, problemsOf, render, stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { namespaceFit } from "../components/governance/fit";
import { flinkNetworkPolicies } from "../components/governance/networkPolicies";

const GiB = 1024 ** 3;
const stackText = (stack: "dev" | "prod") => stringify(loadStackDoc(stack));

function model(stack: "dev" | "prod", edit: (c: Record<string, any>) => void = () => {}) {
  const v = validate(stackVariant(stack, edit));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack);
}

describe("namespace fit", () => {
  it("sums replicas × resources per cluster, TaskManagers from the capacity rule", () => {
    const payments = namespaceFit(model("prod").namespaces.find((n) => n.name === "payments")!);
    // fraud-detection: p12/4 slots → 3 TMs × (2 cpu, 12g) + 2 JMs × (1 cpu, 2g);
    // ledger-reconciliation: p6/4 → 2 TMs × (2 cpu, 8g) + 2 JMs × (1 cpu, 2g).
    assert.deepEqual(payments.requests, { cpu: 3 * 2 + 2 + 2 * 2 + 2, memory: (36 + 4 + 16 + 4) * GiB });
    assert.deepEqual(payments.limits, payments.requests);
    assert.equal(payments.pods, 5 + 4);
    // Room for one savepoint upgrade of the largest stateful cluster.
    assert.equal(payments.upgradeHeadroom.cluster, "fraud-detection");
    assert.equal(payments.upgradeHeadroom.memory, 40 * GiB);
    assert.equal(payments.fits, true);
  });

  it("needs no upgrade headroom for stateless jobs and session clusters", () => {
    const m = model("dev", (c) => {
      c.namespaces[0].jobs.forEach((j: any) => (j.upgradeMode = "stateless"));
    });
    const analytics = namespaceFit(m.namespaces[0]);
    assert.deepEqual(
      { cpu: analytics.upgradeHeadroom.cpu, memory: analytics.upgradeHeadroom.memory },
      { cpu: 0, memory: 0 },
    );
  });

  it("refuses a namespace whose jobs oversubscribe its quota, with a table of what asks for what", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.namespaces[1].quota = { cpu: 16, memory: "64Gi" };
      }),
    );
    assert.equal(problems.length, 1, problems.join("\n"));
    const [p] = problems;
    assert.match(
      p,
      /^flink-platform:namespaces\[1\]\.quota: the Flink clusters in namespace "payments" need more/,
    );
    assert.match(p, /cpu 26 > 16, memory 116Gi > 64Gi/);
    // The table: one row per FlinkDeployment, then the total at the ceiling, headroom and quota.
    assert.match(p, /fraud-detection\s+2 × 1 cpu \/ 2Gi\s+3 × 2 cpu \/ 12Gi\s+5\s+8\s+40Gi/);
    // ledger-reconciliation is reactive: 2 TaskManagers today, up to 4 under its HPA.
    assert.match(p, /ledger-reconciliation\s+2 × 1 cpu \/ 2Gi\s+2–4 × 2 cpu \/ 8Gi\s+6\s+10\s+36Gi/);
    assert.match(p, /at ceiling\s+11\s+18\s+76Gi/);
    assert.match(p, /\+ upgrade headroom \(fraud-detection\)\s+5\s+8\s+40Gi/);
    assert.match(p, /quota\s+200\s+16\s+64Gi/);
  });

  it("counts autoscaled TaskManagers at their ceiling, today's need apart", async () => {
    const { report } = await render(stackText("prod"), "prod");
    const analytics = report.namespaces.find((n) => n.name === "analytics")!;
    // clickstream-enrichment: 16 ÷ 4 = 4 TaskManagers today, 64 ÷ 4 = 16 at its ceiling (2 cpu / 8Gi each).
    assert.equal(analytics.ceiling.cpu - analytics.requests.cpu, 12 * 2);
    assert.equal((analytics.ceiling.memory - analytics.requests.memory) / 1024 ** 3, 12 * 8);
    // The headroom is the largest stateful cluster at its ceiling: clickstream-enrichment, 2 JM + 16 TM.
    assert.deepEqual(analytics.upgradeHeadroom, { cpu: 2 + 32, memory: (4 + 128) * 1024 ** 3 });
    const refused = problemsOf(
      stackVariant("prod", (c) => (c.namespaces[0].jobs[0].autoscaler.maxParallelism = 128)),
    );
    assert.ok(
      refused.some((l) =>
        /^flink-platform:namespaces\[0\]\.quota: .*counting TaskManagers at their autoscaler ceiling/.test(l),
      ),
      refused.join("\n"),
    );
    assert.ok(refused.some((l) => /clickstream-enrichment\s+2 × 1 cpu \/ 2Gi\s+4–32 × 2 cpu \/ 8Gi/.test(l)));
  });

  it("refuses a container above the LimitRange maximum", () => {
    const problems = problemsOf(stackVariant("prod", (c) => (c.policy = { maxContainerMemory: "10Gi" })));
    assert.ok(
      problems.some((p) => /fraud-detection.*exceeds the namespace LimitRange's container maximum/.test(p)),
    );
  });

  it("refuses more FlinkDeployments than the quota counts", () => {
    const problems = problemsOf(stackVariant("dev", (c) => (c.namespaces[0].quota.flinkDeployments = 2)));
    assert.deepEqual(problems, [
      'flink-platform:namespaces[0].quota.flinkDeployments: namespace "analytics" declares 3 FlinkDeployments (jobs and session clusters) but its quota allows 2',
    ]);
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: report.json lists every namespace's requests against its quota`, async () => {
      const { report } = await render(stackText(stack), stack);
      const names = report.namespaces.map((n) => n.name);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual(
        names,
        model(stack)
          .namespaces.map((n) => n.name)
          .sort(),
      );
      for (const n of report.namespaces) {
        assert.deepEqual(Object.keys(n).sort(), [
          "ceiling",
          "fits",
          "limits",
          "name",
          "quota",
          "requests",
          "upgradeHeadroom",
        ]);
        assert.equal(typeof n.requests.cpu, "number");
        assert.ok(Number.isInteger(n.requests.memory));
        assert.equal(n.fits, true);
      }
    });
  }
});

describe("namespace guard rails", () => {
  it("give every Flink namespace a quota, a LimitRange and Pod Security 'restricted'", async () => {
    const { resources } = await render(stackText("prod"), "prod");
    for (const ns of ["analytics", "payments"]) {
      const quota = manifest(resources, "ResourceQuota", "flink-quota", ns).spec.hard;
      for (const key of [
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
        "pods",
        "persistentvolumeclaims",
      ]) {
        assert.ok(quota[key], `${ns} quota ${key}`);
      }
      assert.equal(quota["count/flinkdeployments.flink.apache.org"], "20");
      const [limit] = manifest(resources, "LimitRange", "flink-limits", ns).spec.limits;
      assert.deepEqual(limit.max, { cpu: "8", memory: "32Gi" });
      assert.deepEqual(limit.maxLimitRequestRatio, { memory: "1" });
      assert.deepEqual(limit.default, limit.defaultRequest);
      const labels = manifest(resources, "Namespace", ns).metadata.labels;
      assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    }
  });

  it("deny all traffic by default and allow exactly Flink's flows", async () => {
    const { resources } = await render(stackText("dev"), "dev");
    const policies = resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "NetworkPolicy" && m.metadata.namespace === "analytics");
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "default-deny",
      "dns-egress",
      "flink-internal",
      "https-egress",
      "object-store-egress",
      "operator-to-jobmanager",
      "prometheus-scrape",
    ]);
    assert.deepEqual(byName["default-deny"], { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const fromNs = (spec: any) =>
      spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"];
    assert.equal(fromNs(byName["operator-to-jobmanager"]), "flink-operator");
    assert.deepEqual(byName["operator-to-jobmanager"].ingress[0].ports, [{ port: 8081, protocol: "TCP" }]);
    assert.equal(fromNs(byName["prometheus-scrape"]), "monitoring");
    assert.deepEqual(byName["prometheus-scrape"].ingress[0].ports, [{ port: 9249, protocol: "TCP" }]);
    assert.deepEqual(byName["object-store-egress"].egress[0].ports, [{ port: 9000, protocol: "TCP" }]);
    assert.deepEqual(
      byName["dns-egress"].egress[0].ports.map((p: any) => p.protocol),
      ["UDP", "TCP"],
    );
  });

  it("open ZooKeeper egress only where ZooKeeper HA is used, and S3 only over HTTPS", () => {
    const names = (zookeeper: boolean) =>
      flinkNetworkPolicies({
        namespace: "x",
        zookeeper,
        objectStore: false,
        network: { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] },
      }).map((p) => p.metadata.name);
    assert.ok(names(true).includes("zookeeper-egress"));
    assert.ok(!names(false).includes("zookeeper-egress"));
    assert.ok(!names(false).includes("prometheus-scrape"), "no scrape ingress without monitoring");
    const [zk] = flinkNetworkPolicies({
      namespace: "x",
      zookeeper: true,
      objectStore: false,
      network: { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] },
    }).filter((p) => p.metadata.name === "zookeeper-egress");
    assert.deepEqual((zk.spec.egress as any)[0].ports, [{ port: 2181, protocol: "TCP" }]);
    const https = flinkNetworkPolicies({
      namespace: "x",
      zookeeper: false,
      objectStore: false,
      network: { apiServerPorts: [443], httpsEgressCidrs: ["0.0.0.0/0"], hostCidrs: ["10.40.0.0/16"] },
    }).find((p) => p.metadata.name === "https-egress")!;
    assert.deepEqual((https.spec.egress as any)[0].ports, [{ port: 443, protocol: "TCP" }]);
  });
});
