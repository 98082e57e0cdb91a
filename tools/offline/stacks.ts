/** The stacks present in a checkout: stack files matched with the registry, in registry order. */
import { readdirSync } from "fs";
import { join } from "path";
import { readRegistry } from "../../config/stacks";
import { readStackFile } from "./stackFile";

export interface StackEntry {
  stack: string;
  tier: "development" | "production";
  /** `eks` or `existing`: an existing cluster is deployed only where CI can reach it. */
  provider: string;
  policyConfig: string;
  /** The GitHub environment its deploy job runs in (holds its deploy role). */
  environment: string;
}

export class StackInventoryError extends Error {}

export function stackInventory(root: string): StackEntry[] {
  const registry = readRegistry(root);
  const files = readdirSync(root)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
  const problems = [
    // Stack names also name GitHub variables (RUNNER_LABELS_<STACK>), which allow no '-'.
    ...Object.keys(registry)
      .filter((s) => !/^[a-z][a-z0-9]*$/.test(s))
      .map((s) => `stacks.json: "${s}" must be lowercase letters and digits (it names GitHub variables)`),
    ...files
      .filter((s) => !registry[s])
      .map((s) => `Pulumi.${s}.yaml has no entry in stacks.json: add it with its tier`),
    ...Object.keys(registry)
      .filter((s) => !files.includes(s))
      .map((s) => `stacks.json registers "${s}" but there is no Pulumi.${s}.yaml`),
  ];
  if (problems.length) throw new StackInventoryError(problems.join("\n"));
  // Registry order is deploy order within a tier (staging before prod).
  return Object.keys(registry).map((stack) => {
    const { config } = readStackFile(join(root, `Pulumi.${stack}.yaml`));
    const cluster = JSON.parse(config["flink-platform:cluster"] ?? "{}") as { provider?: string };
    const tier = registry[stack].tier;
    return {
      stack,
      tier,
      provider: cluster.provider ?? "unknown",
      policyConfig: `policies/config/${tier}.json`,
      environment: stack,
    };
  });
}
