/**
 * Upgrade headroom: a stateful upgrade (savepoint or last-state) starts the new JobManager while
 * the old cluster's pods may still be terminating, so the quota must hold the largest stateful
 * cluster twice; a stateless upgrade deletes first. Largest means most memory, then most CPU.
 */
import { strict as assert } from "assert";
import { stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { autoscalerQuota, fitTable, namespaceFit } from "../components/governance/fit";

/** dev's payments namespace with `jobs` in place of its own. */
function payments(jobs: Record<string, unknown>[]) {
  return namespaceFit(paymentsModel(jobs));
}

function paymentsModel(jobs: Record<string, unknown>[], quota: object = { cpu: 64, memory: "256Gi" }) {
  const v = validate(
    stackVariant("dev", (c) => {
      const base = c.namespaces[1].jobs[0];
      c.namespaces[1].quota = quota;
      c.namespaces[1].jobs = jobs.map((j) => ({ ...base, autoscaler: undefined, ...j }));
    }),
  );
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack).namespaces[1];
}

describe("upgrade headroom", () => {
  it("is the stateful cluster's size for savepoint and last-state upgrades, none for stateless", () => {
    for (const upgradeMode of ["savepoint", "last-state"]) {
      const fit = payments([{ name: "a", upgradeMode }]);
      assert.equal(fit.upgradeHeadroom.cluster, "a", upgradeMode);
      assert.deepEqual(
        [fit.upgradeHeadroom.cpu, fit.upgradeHeadroom.memory, fit.upgradeHeadroom.pods],
        [fit.ceiling.cpu, fit.ceiling.memory, fit.ceiling.pods],
        upgradeMode,
      );
    }
    const stateless = payments([{ name: "a", upgradeMode: "stateless" }]);
    assert.deepEqual(stateless.upgradeHeadroom, { cpu: 0, memory: 0, pods: 0 });
    assert.match(fitTable(stateless), /^\s*\+ upgrade headroom\s+0\s+0\s+0\s*$/m);
    assert.match(
      fitTable(payments([{ name: "a", upgradeMode: "savepoint" }])),
      /^\s*\+ upgrade headroom \(a\) /m,
    );
  });

  it("takes the largest by memory, then by CPU, whatever the order", () => {
    const small = { taskManager: { cpu: 1, memory: "2g" } };
    const moreCpu = { taskManager: { cpu: 2, memory: "2g" } };
    const moreMemory = { taskManager: { cpu: 1, memory: "4g" } };
    const largest = (...jobs: [string, object][]) =>
      payments(jobs.map(([name, spec]) => ({ name, upgradeMode: "savepoint", ...spec }))).upgradeHeadroom
        .cluster;
    assert.equal(largest(["small", small], ["cpu", moreCpu]), "cpu");
    assert.equal(largest(["cpu", moreCpu], ["small", small]), "cpu");
    assert.equal(largest(["cpu", moreCpu], ["memory", moreMemory]), "memory");
    assert.equal(largest(["memory", moreMemory], ["cpu", moreCpu]), "memory");
    assert.equal(largest(["first", small], ["second", small]), "first", "of equals, the first declared");
    assert.equal(
      largest(["cpu", { ...moreCpu, upgradeMode: "stateless" }], ["small", small]),
      "small",
      "a stateless cluster needs no headroom, however large",
    );
  });

  it("reports a refused namespace as a table of what asks for what", () => {
    const fit = payments([{ name: "a", upgradeMode: "savepoint", parallelism: 4, taskSlots: 2 }]);
    assert.equal(
      fitTable(fit),
      [
        "    FlinkDeployment         JobManagers         TaskManagers     pods  cpu    memory",
        "    a                       1 × 500m cpu / 1Gi  2 × 1 cpu / 2Gi  3     2500m  5Gi",
        "    at ceiling                                                   3     2500m  5Gi",
        "    + upgrade headroom (a)                                       3     2500m  5Gi",
        "    quota                                                        50    64     256Gi",
      ].join("\n"),
    );
  });
});

describe("the autoscaler's quota (job.autoscaler.quota.*)", () => {
  const autoscaled = { enabled: true, mode: "scale", targetUtilization: 0.7 };
  it("is the TaskManagers the namespace still holds after the others' ceilings, its JobManagers and one upgrade", () => {
    // quota 12 cpu / 24Gi; b (stateful, 1 JM 0.5/1Gi + 2 TMs 1/2Gi = 2.5 cpu / 5Gi) is the upgrade headroom too;
    // a's JobManager 0.5 cpu / 1Gi: 12 - 5 - 0.5 = 6.5 cpu, 24 - 10 - 1 = 13Gi → 6 TaskManagers of 1 cpu / 2Gi.
    const ns = paymentsModel(
      [
        { name: "a", upgradeMode: "stateless", autoscaler: autoscaled },
        { name: "b", upgradeMode: "savepoint", parallelism: 4, taskSlots: 2 },
      ],
      { cpu: 12, memory: "24Gi" },
    );
    assert.deepEqual(autoscalerQuota(ns, "a"), { cpu: 6, memoryBytes: 12 * 2 ** 30, taskManagers: 6 });
    assert.equal(autoscalerQuota(ns, "b"), undefined, "b is not autoscaled");
    assert.equal(autoscalerQuota(ns, "nope"), undefined);
    const reordered = paymentsModel(
      [
        {
          name: "b",
          upgradeMode: "savepoint",
          parallelism: 4,
          taskSlots: 2,
          taskManager: { cpu: 2, memory: "2g" },
        },
        { name: "a", upgradeMode: "stateless", autoscaler: autoscaled },
      ],
      { cpu: 12, memory: "24Gi" },
    );
    // b's TaskManagers now take 2 cpu each (4.5 cpu / 5Gi): 12 - 9 - 0.5 = 2.5 cpu → 2 of a's 1-cpu TaskManagers.
    assert.deepEqual(autoscalerQuota(reordered, "a"), { cpu: 2, memoryBytes: 4 * 2 ** 30, taskManagers: 2 });
  });

  it("is bound by the scarcer of CPU and memory", () => {
    const memoryBound = paymentsModel([{ name: "a", upgradeMode: "stateless", autoscaler: autoscaled }], {
      cpu: 64,
      memory: "7Gi",
    });
    assert.equal(autoscalerQuota(memoryBound, "a")!.taskManagers, 3, "(7 - 1) Gi / 2Gi");
  });
});
