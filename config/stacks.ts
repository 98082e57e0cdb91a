/**
 * The stack registry (`stacks.json`): every stack's tier, guarded by CODEOWNERS. A pull request
 * cannot make a production stack development by editing its stack file: the program refuses a
 * stack whose tier disagrees with its registered one, and CI derives stacks, policy configs and
 * deploy order from this registry and the stack files present.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Tier } from "./defaults";
import { Problem, problem } from "./problems";

export const REGISTRY_FILE = "stacks.json";

export type StackRegistry = Record<string, { tier: Tier }>;

export function readRegistry(root = join(__dirname, "..")): StackRegistry {
  const data = JSON.parse(readFileSync(join(root, REGISTRY_FILE), "utf8")) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(data).filter(([k]) => !k.startsWith("$")) as [string, { tier: Tier }][],
  );
}

/** A registered stack's file must declare the registered tier; unregistered stacks are free. */
export function registryProblems(stack: string, tier: Tier, registry: StackRegistry): Problem[] {
  const registered = registry[stack]?.tier;
  return registered && registered !== tier
    ? [
        problem(
          ["environment", "tier"],
          `stack "${stack}" is registered as ${registered} in ${REGISTRY_FILE}; its tier may not be ${tier} ` +
            `(protection and policies follow the registered tier; changing it is a change to ${REGISTRY_FILE})`,
        ),
      ]
    : [];
}
