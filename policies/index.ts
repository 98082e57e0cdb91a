/**
 * The flink-platform policy pack: `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<stack>.json`. The policies are pure functions
 * (policies.ts), shared with the offline renderer and tested without constructing this pack.
 */
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_SETTINGS, PlatformPolicy, POLICIES, PolicySettings } from "./policies";

const SCHEMA: Record<
  keyof PolicySettings,
  { type: "number" | "integer" | "string" | "array"; items?: { type: "string" } }
> = {
  maxContainerCpu: { type: "number" },
  maxContainerMemory: { type: "string" },
  maxTaskManagers: { type: "integer" },
  maxParallelism: { type: "integer" },
  allowedRegistries: { type: "array", items: { type: "string" } },
  digestExemptImages: { type: "array", items: { type: "string" } },
};

function toPulumiPolicy(policy: PlatformPolicy): ResourceValidationPolicy | StackValidationPolicy {
  const keys = policy.settings ?? [];
  const base = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: "mandatory" as const,
    ...(keys.length
      ? {
          configSchema: {
            properties: Object.fromEntries(
              keys.map((k) => [k, { ...SCHEMA[k], default: DEFAULT_SETTINGS[k] }]),
            ),
          },
        }
      : {}),
  };
  const settings = (args: { getConfig<T extends object>(): T }): PolicySettings =>
    keys.length ? { ...DEFAULT_SETTINGS, ...args.getConfig<Partial<PolicySettings>>() } : DEFAULT_SETTINGS;
  if (policy.kind === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        // The engine tells the pack `protect`; it does not pass retainOnDelete.
        const resource = {
          type: args.type,
          name: args.name,
          props: args.props,
          opts: { protect: args.opts.protect },
        };
        for (const message of policy.check(resource, settings(args))) reportViolation(message);
      },
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const resources = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent?.name,
        props: r.props,
        opts: { protect: r.opts.protect },
      }));
      for (const v of policy.check(resources, settings(args))) reportViolation(`${v.resource}: ${v.message}`);
    },
  };
}

new PolicyPack("flink-platform", { policies: POLICIES.map(toPulumiPolicy) });
