/**
 * The shipped stacks under the policy pack: rendered through the real program, then checked with
 * each tier's policy config, in-process and through `npm run render -- --policy`.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { loadStackDoc, render, stackVariant } from "./harness";
import { PackConfig } from "../policies/runner";
import { checkPolicies } from "../tools/offline/policy";

const TIER = { dev: "development", prod: "production" } as const;

describe("policy pack over the shipped stacks", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: the shipped stack passes the whole pack with its policy config`, async () => {
      const config = JSON.parse(readFileSync(`policies/config/${TIER[stack]}.json`, "utf8")) as PackConfig;
      const { resources } = await render(stringify(loadStackDoc(stack)), stack);
      assert.deepEqual(checkPolicies(resources, config), []);
    });
  }

  it("holds the dev stack's real resources to production rules under the prod config", async () => {
    const config = JSON.parse(readFileSync("policies/config/production.json", "utf8")) as PackConfig;
    const { resources } = await render(stringify(loadStackDoc("dev")), "dev");
    const flagged = new Set(checkPolicies(resources, config).map((v) => v.policy));
    // dev runs without HA and with one JobManager: exactly what production refuses.
    assert.ok(flagged.has("production-ha"));
    assert.ok(flagged.has("production-standby-jobmanagers"));
  });

  it("`render --policy` exits 1 listing each mandatory violation (policy, resource, message)", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), "flink-platform-policy-"));
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(
      file,
      stackVariant("prod", (c) => (c.flink.image = "flink:latest")),
    );
    const run = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/render.ts",
        "--stack",
        "prod",
        "--config",
        file,
        "--out",
        dir,
        "--policy",
      ],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    const summary =
      /Policies \(policies\/config\/production\.json\): (\d+) violation\(s\), (\d+) mandatory/.exec(
        run.stdout,
      );
    assert.ok(summary && Number(summary[2]) > 0, run.stdout);
    assert.match(
      run.stdout,
      /images-pinned\s+mandatory\s+kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment::\S+fraud-detection\s+spec\.image: image "flink:latest" uses the mutable "latest" tag/,
    );
    const written = JSON.parse(readFileSync(join(dir, "policy.json"), "utf8"));
    assert.equal(written.length, Number(summary![1]));
  });
});

describe("production state protection", () => {
  it("a production render whose bucket lost protect fails the production policy config", async () => {
    const config = JSON.parse(readFileSync("policies/config/production.json", "utf8")) as PackConfig;
    const { resources } = await render(stringify(loadStackDoc("prod")), "prod");
    assert.deepEqual(checkPolicies(resources, config), []);
    const tampered = resources.map((r) =>
      r.type === "aws:s3/bucket:Bucket" && r.name.includes("payments") ? { ...r, protect: false } : r,
    );
    const violations = checkPolicies(tampered, config).filter(
      (v) => v.policy === "production-state-protected",
    );
    assert.equal(violations.length, 1);
    assert.equal(violations[0].level, "mandatory");
    assert.match(violations[0].message, /state bucket is not protected/);
  });
});
