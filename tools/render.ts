/**
 * npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy [--policy-config <file>]]
 * Exit 0 on success; 1 on invalid config (every problem listed), an unreadable stack file, a bad
 * flag, or a mandatory policy violation. A user's mistake is one clear message, never a stack trace.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { parseArgs } from "util";
import { ConfigError, renderStack, summary, writeRender } from "./offline/render";
import { StackFileError } from "./offline/stackFile";
import {
  checkPolicies,
  packConfigFileFor,
  PolicyConfigError,
  policySummary,
  readPackConfig,
} from "./offline/policy";

const USAGE =
  "usage: npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy [--policy-config <file>]]";

/** A mistake in how the tool was called or what it was given: printed as is, exit 1. */
class UsageError extends Error {}

function options() {
  try {
    return parseArgs({
      options: {
        stack: { type: "string" },
        config: { type: "string" },
        out: { type: "string" },
        policy: { type: "boolean", default: false },
        "policy-config": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const values = options();
  if (!values.stack) throw new UsageError(`--stack is required\n${USAGE}`);
  const stack = values.stack;
  const configFile = values.config ?? `Pulumi.${stack}.yaml`;
  const outDir = values.out ?? `render/${stack}`;
  try {
    const result = await renderStack(stack, configFile);
    writeRender(outDir, result);
    console.log(summary(stack, outDir, result));
    if (!values.policy) return 0;
    const packConfigFile = values["policy-config"] ?? packConfigFileFor(result.program.model);
    const violations = checkPolicies(result.resources, readPackConfig(packConfigFile));
    writeFileSync(join(outDir, "policy.json"), JSON.stringify(violations, null, 2) + "\n");
    console.log(`\n${policySummary(violations, packConfigFile)}`);
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${configFile}: ${e.message}`);
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof StackFileError || e instanceof PolicyConfigError) {
      console.error(e.message);
    } else {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    }
    process.exit(1);
  },
);
