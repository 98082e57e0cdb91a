/**
 * npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy]
 * Exit 0 on success, 1 on invalid config (every problem listed) or a failed policy run.
 */
import { parseArgs } from "util";
import { ConfigError, renderStack, summary, writeRender } from "./offline/render";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      policy: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.stack) {
    console.error("usage: npm run render -- --stack <name> [--config <file>] [--out <dir>] [--policy]");
    return 2;
  }
  const stack = values.stack;
  const configFile = values.config ?? `Pulumi.${stack}.yaml`;
  const outDir = values.out ?? `render/${stack}`;
  try {
    const result = await renderStack(stack, configFile);
    writeRender(outDir, result);
    console.log(summary(stack, outDir, result));
    if (values.policy) console.log("\nPolicies: no policy pack yet (the governance issue adds it).");
    return 0;
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
