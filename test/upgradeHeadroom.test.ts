/**
 * Upgrade headroom: a stateful upgrade (savepoint or last-state) starts the new JobManager while
 * the old cluster's pods may still be terminating, so the quota must hold the largest stateful
 * cluster twice; a stateless upgrade deletes first. Largest means most memory, then most CPU.
 */
import { strict as assert } from "assert";
import { stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { fitTable, namespaceFit } from "../components/governance/fit";

/** dev's payments namespace with `jobs` in place of its own. */
function payments(jobs: Record<string, unknown>[]) {
  const v = validate(
    stackVariant("dev", (c) => {
      const base = c.namespaces[1].jobs[0];
      c.namespaces[1].quota = { cpu: 64, memory: "256Gi" };
      c.namespaces[1].jobs = jobs.map((j) => ({ ...base, autoscaler: undefined, ...j }));
    }),
  );
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return namespaceFit(resolveModel(v.stack).namespaces[1]);
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
    assert.equal(
      largest(["cpu", { ...moreCpu, upgradeMode: "stateless" }], ["small", small]),
      "small",
      "a stateless cluster needs no headroom, however large",
    );
  });
});
