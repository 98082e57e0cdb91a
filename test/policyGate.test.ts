/**
 * The pull request's policy gate: a head that weakens the pack (or its config) is still judged by
 * the base branch's pack, and a stack is judged by the stricter tier either side gives it.
 */
import { strict as assert } from "assert";
import { cpSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { gate, loadPack, strictestTier } from "../tools/offline/policyGate";
import { PolicyResource } from "../policies/policies";

const loadBalancer: PolicyResource = {
  type: "kubernetes:core/v1:Service",
  name: "payments-public",
  parent: null,
  props: {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "public", namespace: "payments" },
    spec: { type: "LoadBalancer", ports: [{ port: 8081 }] },
  },
  opts: { protect: false, retainOnDelete: false },
};

/** A copy of this checkout's pack whose production config switches every policy off. */
function weakenedCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), "weakened-pack-"));
  cpSync("policies", join(root, "policies"), {
    recursive: true,
    filter: (src) => !src.includes("node_modules"),
  });
  writeFileSync(join(root, "policies", "config", "production.json"), JSON.stringify({ all: "disabled" }));
  return root;
}

describe("policy gate (pull requests)", () => {
  it("a head that disables every policy is still refused by the base pack", () => {
    const head = loadPack(weakenedCheckout(), "head");
    const base = loadPack(".", "base");
    assert.deepEqual(gate([loadBalancer], "production", [head]), []);
    const found = gate([loadBalancer], "production", [head, base]);
    assert.deepEqual(
      found.map((v) => [v.pack, v.policy, v.level]),
      [["base", "no-external-services", "mandatory"]],
    );
    assert.match(found[0].message, /LoadBalancer without the flink-platform\/external-access-approved/);
  });

  it("reports a violation both packs find once", () => {
    const pack = loadPack(".", "head");
    assert.equal(gate([loadBalancer], "production", [pack, loadPack(".", "base")]).length, 1);
  });

  it("judges a stack by the stricter tier its file and either registry give it", () => {
    assert.equal(strictestTier(["development", "production", undefined]), "production");
    assert.equal(strictestTier(["development", "development"]), "development");
    // An unknown or missing tier is never an escape: it is judged as production.
    assert.equal(strictestTier([undefined]), "production");
    assert.equal(strictestTier(["sandbox"]), "production");
  });
});
