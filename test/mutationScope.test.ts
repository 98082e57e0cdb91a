/**
 * `npm run mutate`: StrykerJS mutates exactly the pure-logic modules, and `--since` narrows that
 * to the files a change touched.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { inScope } from "../tools/mutate";

const scope: string[] = JSON.parse(readFileSync("stryker.config.json", "utf8")).mutate;

describe("mutation testing scope", () => {
  it("covers the config, Flink's memory and admission rules, fit, policies, IAM and alert rules", () => {
    const modules = [
      "config/schema.ts",
      "config/rules.ts",
      "components/flink/memory.ts",
      "components/flink/checks.ts",
      "components/flink/flinkConfig.ts",
      "components/governance/fit.ts",
      "components/governance/networkPolicies.ts",
      "components/storage/iamPolicies.ts",
      "components/cluster/iamPolicies.ts",
      "policies/aws.ts",
      "policies/kubernetes.ts",
      "components/monitoring/alertRules.ts",
    ];
    assert.deepEqual(inScope(modules, scope), modules);
  });

  it("leaves out components with resources, tools, tests and the pack's entry point", () => {
    const outside = [
      "components/flink/operator.ts",
      "components/platform/program.ts",
      "tools/render.ts",
      "test/config.test.ts",
      "policies/index.ts",
      "README.md",
    ];
    assert.deepEqual(inScope(outside, scope), []);
  });
});
