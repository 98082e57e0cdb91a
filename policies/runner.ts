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

export const SETTINGS_POLICY = "resource-caps";

function levelOf(entry: PackConfig[string] | undefined): EnforcementLevel | undefined {
  return typeof entry === "string" ? entry : entry?.enforcementLevel;
}

export function enforcementOf(policy: string, config: PackConfig): EnforcementLevel {
  return levelOf(config[policy]) ?? levelOf(config.all) ?? "mandatory";
}

export function settingsOf(config: PackConfig): PolicySettings {
  const entry = config[SETTINGS_POLICY];
  if (typeof entry !== "object") return { ...DEFAULT_SETTINGS };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { enforcementLevel, ...settings } = entry;
  return { ...DEFAULT_SETTINGS, ...(settings as Partial<PolicySettings>) };
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
