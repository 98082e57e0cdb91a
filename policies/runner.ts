/**
 * Runs the policies over a list of resources with a policy config file's enforcement levels
 * and limits: what `pulumi preview --policy-pack` decides, reproduced offline.
 */
import { DEFAULT_SETTINGS, PlatformPolicy, POLICIES, PolicyResource, PolicySettings } from "./policies";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A Pulumi policy config file: `{ "all": level, "<policy>": level | { enforcementLevel, ...settings } }`. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  resource: string;
  message: string;
}

function levelOf(entry: PackConfig[string] | undefined): EnforcementLevel | undefined {
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

export function enforcementOf(policy: string, config: PackConfig): EnforcementLevel {
  return levelOf(config[policy]) ?? levelOf(config.all) ?? "mandatory";
}

/**
 * The settings in a policy config: each policy's object entry may carry the settings that policy
 * declares (`resource-caps` its limits, `images-allowed-registries` its registries...), on top
 * of the pack's defaults.
 */
export function settingsOf(config: PackConfig, policies: PlatformPolicy[] = POLICIES): PolicySettings {
  const settings: PolicySettings = { ...DEFAULT_SETTINGS };
  for (const policy of policies) {
    const entry = config[policy.name];
    if (typeof entry !== "object") continue;
    for (const key of policy.settings ?? []) {
      if (entry[key] !== undefined) (settings as unknown as Record<string, unknown>)[key] = entry[key];
    }
  }
  return settings;
}

export function runPolicies(
  resources: PolicyResource[],
  config: PackConfig,
  policies: PlatformPolicy[] = POLICIES,
): Violation[] {
  const settings = settingsOf(config);
  const violations: Violation[] = [];
  for (const policy of policies) {
    const level = enforcementOf(policy.name, config);
    if (level === "disabled") continue;
    if (policy.kind === "resource") {
      for (const r of resources) {
        for (const message of policy.check(r, settings)) {
          violations.push({ policy: policy.name, level, resource: `${r.type}::${r.name}`, message });
        }
      }
    } else {
      for (const v of policy.check(resources, settings))
        violations.push({ policy: policy.name, level, ...v });
    }
  }
  return violations;
}
