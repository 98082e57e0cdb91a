/**
 * The pull request's policy gate: a head render is checked by the head's pack and by the base
 * branch's pack, each with its own policy config for the stack's tier. A change that weakens
 * `policies/` or `policies/config/` is therefore still judged by the rules it would replace, and
 * a stack that claims a lower tier than the base registry gives it is judged as the stricter one.
 */
import { existsSync, readFileSync } from "fs";
import { join, resolve } from "path";
import type { PackConfig, Violation } from "../../policies/runner";
import type { PolicyResource } from "../../policies/policies";
import { table } from "./render";

/** One resource of `resources.json`, as the renderer writes it. */
interface RenderedResource {
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
  options?: { protect?: boolean; retainOnDelete?: boolean };
}

/** A policy pack loaded from a checkout: its runner and its per-tier configs. */
export interface LoadedPack {
  /** Where it came from, for messages ("base 1a2b3c4", "head"). */
  label: string;
  run(resources: PolicyResource[], config: PackConfig): Violation[];
  configFor(tier: string): PackConfig;
}

/** Loads `policies/runner.ts` and `policies/config/` of a checkout (ts-node compiles it). */
export function loadPack(root: string, label: string): LoadedPack {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runner = require(resolve(root, "policies", "runner")) as typeof import("../../policies/runner");
  return {
    label,
    run: (resources, config) => runner.runPolicies(resources, config),
    configFor: (tier) => {
      const file = join(root, "policies", "config", `${tier}.json`);
      if (!existsSync(file)) throw new Error(`${label}: no policy config ${file}`);
      return JSON.parse(readFileSync(file, "utf8")) as PackConfig;
    },
  };
}

/** The resources of a render directory as the pack sees them (recorded inputs stand in for props). */
export function renderedResources(dir: string): PolicyResource[] {
  const rendered = JSON.parse(readFileSync(join(dir, "resources.json"), "utf8")) as RenderedResource[];
  return rendered.map((r) => ({
    type: r.type,
    name: r.name,
    parent: r.parent,
    props: r.inputs,
    opts: { protect: r.options?.protect ?? false, retainOnDelete: r.options?.retainOnDelete ?? false },
  }));
}

const TIER_STRICTNESS = ["development", "production"];

/** The stricter of the tiers a stack is given (by its file, by either side's registry). */
export function strictestTier(tiers: (string | undefined)[]): string {
  const known = tiers.filter((t): t is string => !!t && TIER_STRICTNESS.includes(t));
  return known.sort((a, b) => TIER_STRICTNESS.indexOf(b) - TIER_STRICTNESS.indexOf(a))[0] ?? "production";
}

export interface GateViolation extends Violation {
  pack: string;
}

/** Every violation any of the packs finds, each pack with its own config for `tier`. */
export function gate(resources: PolicyResource[], tier: string, packs: LoadedPack[]): GateViolation[] {
  const seen = new Set<string>();
  const found: GateViolation[] = [];
  for (const pack of packs) {
    for (const v of pack.run(resources, pack.configFor(tier))) {
      const key = `${v.policy}|${v.level}|${v.resource}|${v.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ ...v, pack: pack.label });
    }
  }
  return found;
}

export function gateSummary(stack: string, tier: string, violations: GateViolation[]): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const head = `${stack} (${tier}): ${violations.length} violation(s), ${mandatory} mandatory`;
  if (violations.length === 0) return head;
  return `${head}\n\n${table(
    ["pack", "policy", "level", "resource", "message"],
    violations.map((v) => [v.pack, v.policy, v.level, v.resource, v.message]),
  )}`;
}
