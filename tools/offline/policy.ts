/** `render --policy`: the policy pack's checks over the recorded resources, with a stack's policy config. */
import { existsSync, readFileSync } from "fs";
import { PackConfig, runPolicies, Violation } from "../../policies/runner";
import { RecordedResource } from "./mockRuntime";
import { table } from "./render";

export function defaultPackConfigFile(stack: string): string {
  return `policies/config/${stack}.json`;
}

export function readPackConfig(file: string): PackConfig {
  if (!existsSync(file)) throw new Error(`no policy config ${file}: pass --policy-config <file>`);
  return JSON.parse(readFileSync(file, "utf8")) as PackConfig;
}

/** Recorded inputs stand in for props: what `pulumi preview` hands the pack before anything exists. */
export function checkPolicies(resources: RecordedResource[], config: PackConfig): Violation[] {
  return runPolicies(
    resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, props: r.inputs })),
    config,
  );
}

export function policySummary(violations: Violation[], configFile: string): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const head = `Policies (${configFile}): ${violations.length} violation(s), ${mandatory} mandatory`;
  if (violations.length === 0) return head;
  return `${head}\n\n${table(
    ["policy", "level", "resource", "message"],
    violations.map((v) => [v.policy, v.level, v.resource, v.message]),
  )}`;
}
