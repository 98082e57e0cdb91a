/**
 * The governance arithmetic, pure: each namespace's requests plus one upgrade's headroom against
 * its quota (the preview refuses what the ResourceQuota admission would), the LimitRange bound per
 * container, and the team namespaces' NetworkPolicies. Rendered namespaces: namespaces.test.ts.
 */
import { strict as assert } from "assert";
import { problemsOf, stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { namespaceFit } from "../components/governance/fit";
import { flinkNetworkPolicies } from "../components/governance/networkPolicies";

const GiB = 1024 ** 3;

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

  // The ResourceQuota admits a pod while used + requested <= hard (kubernetes/kubernetes
  // pkg/quota/v1/resources.go LessThanOrEqual): a namespace filled exactly to its quota fits.
  it("accepts a namespace whose requests plus upgrade headroom equal its quota exactly", () => {
    // payments at its ceiling: 18 cpu, 76Gi, 11 pods; headroom (fraud-detection) 8 cpu, 40Gi, 5 pods.
    const exact = { cpu: 26, memory: "116Gi", pods: 16 };
    const text = stackVariant("prod", (c) => (c.namespaces[1].quota = exact));
    assert.deepEqual(problemsOf(text), []);
    const v = validate(text);
    assert.ok(v.ok);
    const fit = namespaceFit(resolveModel(v.stack).namespaces[1]);
    assert.deepEqual(
      { cpu: fit.quota.cpu, memory: fit.quota.memory, pods: fit.quota.pods, fits: fit.fits },
      { cpu: 26, memory: 116 * GiB, pods: 16, fits: true },
    );
  });

  it("refuses a namespace one unit short in any dimension, naming exactly that dimension", () => {
    for (const [quota, reason] of [
      [{ cpu: 25.9, memory: "116Gi", pods: 16 }, "cpu 26 > 25900m"],
      [{ cpu: 26, memory: "118783Mi", pods: 16 }, "memory 116Gi > 118783Mi"],
      [{ cpu: 26, memory: "116Gi", pods: 15 }, "pods 16 > 15"],
    ] as const) {
      const problems = problemsOf(stackVariant("prod", (c) => (c.namespaces[1].quota = quota)));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.ok(
        problems[0].startsWith(
          `flink-platform:namespaces[1].quota: the Flink clusters in namespace "payments" need more than its quota (${reason}), counting TaskManagers at their autoscaler ceiling and room for one stateful upgrade`,
        ),
        problems[0],
      );
    }
  });

  it("counts autoscaled TaskManagers at their ceiling, today's need apart", () => {
    const analytics = namespaceFit(model("prod").namespaces.find((n) => n.name === "analytics")!);
    // clickstream-enrichment: 16 ÷ 4 = 4 TaskManagers today, 64 ÷ 4 = 16 at its ceiling (2 cpu / 8Gi each).
    assert.equal(analytics.ceiling.cpu - analytics.requests.cpu, 12 * 2);
    assert.equal((analytics.ceiling.memory - analytics.requests.memory) / GiB, 12 * 8);
    // The headroom is the largest stateful cluster at its ceiling: clickstream-enrichment, 2 JM + 16 TM.
    assert.deepEqual(
      { cpu: analytics.upgradeHeadroom.cpu, memory: analytics.upgradeHeadroom.memory },
      { cpu: 2 + 32, memory: (4 + 128) * GiB },
    );
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
});

describe("namespace network policies", () => {
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
