/**
 * The flink-platform policy pack: `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<stack>.json`. The policies are pure functions
 * (policies.ts), shared with the offline renderer and tested without constructing this pack.
 */
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_SETTINGS, PlatformPolicy, POLICIES, PolicySettings } from "./policies";
import { SETTINGS_POLICY } from "./runner";

const settingsSchema = {
  properties: {
    maxContainerCpu: { type: "number" as const, default: DEFAULT_SETTINGS.maxContainerCpu },
    maxContainerMemory: { type: "string" as const, default: DEFAULT_SETTINGS.maxContainerMemory },
    maxTaskManagers: { type: "integer" as const, default: DEFAULT_SETTINGS.maxTaskManagers },
    maxParallelism: { type: "integer" as const, default: DEFAULT_SETTINGS.maxParallelism },
  },
};

function toPulumiPolicy(policy: PlatformPolicy): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: policy.name,
    description: policy.description,
    enforcementLevel: "mandatory" as const,
    ...(policy.name === SETTINGS_POLICY ? { configSchema: settingsSchema } : {}),
  };
  const settings = (args: { getConfig<T extends object>(): T }): PolicySettings =>
    policy.name === SETTINGS_POLICY
      ? { ...DEFAULT_SETTINGS, ...args.getConfig<Partial<PolicySettings>>() }
      : DEFAULT_SETTINGS;
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
      }));
      for (const v of policy.check(resources, settings(args))) reportViolation(`${v.resource}: ${v.message}`);
    },
  };
}

new PolicyPack("flink-platform", { policies: POLICIES.map(toPulumiPolicy) });
