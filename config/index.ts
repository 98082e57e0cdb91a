/**
 * The one place that reads `pulumi.Config`: raw `flink-platform:*` values in, validated
 * platform model out, or a clean failure listing every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { NAMESPACE, ConfigError } from "./problems";
import { StackCheck, validateStack } from "./load";
import { resolveModel, PlatformModel } from "./model";
import { StackConfig } from "./schema";
import { readRegistry, registryProblems } from "./stacks";

export { ConfigError } from "./problems";
export type { PlatformModel } from "./model";

// Exported by the SDK's runtime module, but marked internal in its typings.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** Every `flink-platform:` value from the running program's config, and which of them are secret. */
export function readStackConfig(): { raw: Record<string, string>; secretKeys: Set<string> } {
  const prefix = `${NAMESPACE}:`;
  const raw: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { raw, secretKeys };
}

/**
 * Loads and validates the stack config; throws {@link ConfigError} listing every problem.
 * `checks` are the components' preview-time rules, passed in so config/ never imports a component.
 */
export function loadPlatformModel(checks: readonly StackCheck[] = []): PlatformModel {
  const { raw, secretKeys } = readStackConfig();
  const stack = pulumi.getStack();
  const registered = (s: StackConfig) => registryProblems(stack, s.environment.tier, readRegistry());
  const result = validateStack(raw, secretKeys, [registered, ...checks]);
  if (!result.ok) throw new ConfigError(result.problems);
  const config = new pulumi.Config(NAMESPACE);
  const secrets = Object.fromEntries(
    result.stack.monitoring.receivers.map((r) => [r.secretKey, config.requireSecret(r.secretKey)]),
  );
  return resolveModel(result.stack, secrets);
}
