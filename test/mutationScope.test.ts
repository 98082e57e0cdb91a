/**
 * `npm run mutate`: StrykerJS mutates exactly the pure-logic modules, and `--since` narrows that
 * to the files a change touched.
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import { inScope } from "../tools/mutate";

const config = JSON.parse(readFileSync("stryker.config.json", "utf8"));
const scope: string[] = config.mutate;

/** Test files the mutation suite leaves out, and why: each runs other processes or covers no mutated module. */
const OUTSIDE_THE_SUITE: Record<string, string> = {
  "test/guardRails.test.ts": "renders in child processes",
  "test/platform.test.ts": "compares two render processes",
  "test/policyGate.test.ts": "renders two commits in git worktrees",
  "test/prDiff.test.ts": "renders two commits in git worktrees",
  "test/stateReview.test.ts": "renders two commits in git worktrees",
  "test/workflows.test.ts": "reads workflow files only",
  "test/mutationScope.test.ts": "reads the suite's own configuration",
};

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

  it("runs every test file but those that run other processes, each left out with its reason", () => {
    const all = readdirSync("test")
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => `test/${f}`)
      .sort();
    assert.deepEqual([...config.mochaOptions.spec, ...Object.keys(OUTSIDE_THE_SUITE)].sort(), all);
  });

  it("type-checks each mutant against the program of exactly the mutated modules and their imports", () => {
    // The TypeScript checker compiles config.tsconfigFile per mutant: the whole project's program
    // (tests, tools, the AWS provider's types) would double its cost for no mutant in scope.
    assert.equal(config.tsconfigFile, "tsconfig.mutate.json");
    const tsconfig = JSON.parse(readFileSync("tsconfig.mutate.json", "utf8"));
    assert.equal(tsconfig.extends, "./tsconfig.json");
    assert.deepEqual(
      tsconfig.include,
      scope.filter((p) => !p.startsWith("!")),
    );
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
