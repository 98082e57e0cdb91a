/** `render --policy`: the policy pack's checks over the recorded resources, with a stack's policy config. */
import { existsSync, readFileSync } from "fs";
import { PackConfig, runPolicies, Violation } from "../../policies/runner";
import { PlatformModel } from "../../config/model";
import { RecordedResource } from "./mockRuntime";
import { table } from "./render";

/** The policy config file cannot be used; the message says which and why. */
export class PolicyConfigError extends Error {}

/** The pack config follows the stack's tier, never its name: a production file always gets production rules. */
export function packConfigFileFor(model: Pick<PlatformModel, "environment">): string {
  return `policies/config/${model.environment.tier}.json`;
}

export function readPackConfig(file: string): PackConfig {
  if (!existsSync(file))
    throw new PolicyConfigError(`${file}: no such policy config (pass --policy-config <file>)`);
  try {
    const config = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("not a JSON object");
    return config as PackConfig;
  } catch (e) {
    throw new PolicyConfigError(`${file}: not a policy config: ${(e as Error).message}`);
  }
}

/** Recorded inputs stand in for props: what `pulumi preview` hands the pack before anything exists. */
export function checkPolicies(resources: RecordedResource[], config: PackConfig): Violation[] {
  return runPolicies(
    resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      props: r.inputs,
      opts: { protect: r.protect, retainOnDelete: r.retainOnDelete },
    })),
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
