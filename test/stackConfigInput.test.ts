/**
 * How the program reads its stack config from the Pulumi runtime (config/index.ts): only the
 * `flink-platform:` keys, with which of them are secret, then the registry's tier lock and the
 * components' checks before any resource exists. Run under Pulumi's mocks, as `pulumi up` would.
 */
import { strict as assert } from "assert";
import { loadStackDoc } from "./harness";
import { ConfigError, loadPlatformModel, readStackConfig } from "../config";
import { runProgram } from "../tools/offline/mockRuntime";

/** A stack file's config as the runtime holds it: every value a string (objects as JSON). */
function runtimeConfig(stack: "dev" | "prod"): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(loadStackDoc(stack).config))
    config[k] =
      typeof v === "string" ? v : v && typeof v === "object" && "secure" in v ? "s3cr3t" : JSON.stringify(v);
  return config;
}

describe("stack config from the Pulumi runtime", () => {
  it("reads the flink-platform keys without their prefix, and knows which are secret", async () => {
    const config = { ...runtimeConfig("dev"), "aws:region": "eu-west-1", "flink-platform:hook": "x" };
    const { result } = await runProgram(
      { project: "flink-platform", stack: "dev", config, secretKeys: ["flink-platform:hook"] },
      () => readStackConfig(),
    );
    assert.deepEqual(
      Object.keys(result.raw).sort(),
      ["cluster", "environment", "flink", "hook", "namespaces", "storage"].sort(),
    );
    assert.equal(result.raw.hook, "x");
    assert.deepEqual([...result.secretKeys], ["hook"]);
  });

  it("builds the model, running the registry's tier lock and the checks it is given", async () => {
    const config = runtimeConfig("dev");
    const ok = await runProgram({ project: "flink-platform", stack: "dev", config, secretKeys: [] }, () =>
      loadPlatformModel(),
    );
    assert.equal(ok.result.namespaces.length, 2);
    await assert.rejects(
      runProgram({ project: "flink-platform", stack: "prod", config, secretKeys: [] }, () =>
        loadPlatformModel(),
      ),
      (e: ConfigError) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.path === "environment.tier" && /registered as production/.test(p.message)),
    );
    await assert.rejects(
      runProgram({ project: "flink-platform", stack: "dev", config, secretKeys: [] }, () =>
        loadPlatformModel([() => [{ path: "flink", message: "refused by a component" }]]),
      ),
      (e: ConfigError) => e.problems.length === 1 && e.problems[0].message === "refused by a component",
    );
  });
});
