/**
 * npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy [--policy-config <file>]]
 * Exit 0 on success, 1 on invalid config (every problem listed) or a mandatory policy violation.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { parseArgs } from "util";
import { ConfigError, renderStack, summary, writeRender } from "./offline/render";
import { checkPolicies, defaultPackConfigFile, policySummary, readPackConfig } from "./offline/policy";

const USAGE =
  "usage: npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy [--policy-config <file>]]";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      policy: { type: "boolean", default: false },
      "policy-config": { type: "string" },
    },
    strict: true,
  });
  if (!values.stack) {
    console.error(USAGE);
    return 2;
  }
  const stack = values.stack;
  const configFile = values.config ?? `Pulumi.${stack}.yaml`;
  const outDir = values.out ?? `render/${stack}`;
  try {
    const result = await renderStack(stack, configFile);
    writeRender(outDir, result);
    console.log(summary(stack, outDir, result));
    if (!values.policy) return 0;
    const packConfigFile = values["policy-config"] ?? defaultPackConfigFile(stack);
    const violations = checkPolicies(result.resources, readPackConfig(packConfigFile));
    writeFileSync(join(outDir, "policy.json"), JSON.stringify(violations, null, 2) + "\n");
    console.log(`\n${policySummary(violations, packConfigFile)}`);
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${configFile}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
