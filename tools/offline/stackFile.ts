/**
 * Reads a Pulumi stack file (`Pulumi.<stack>.yaml`) into the string config map the Pulumi
 * runtime uses. `secure:` values, which only the Pulumi CLI can decrypt, become placeholders
 * and their keys are marked secret, as `pulumi up` would mark them.
 */
import { readFileSync } from "fs";
import { parse } from "yaml";

export interface StackFileConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

function isSecure(value: unknown): value is { secure: string } {
  return (
    !!value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).join() === "secure"
  );
}

function replaceSecure(value: unknown, key: string, found: { secret: boolean }): unknown {
  if (isSecure(value)) {
    found.secret = true;
    return `[secure placeholder for ${key}]`;
  }
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, key, found));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, key, found)]));
  }
  return value;
}

export function parseStackFile(text: string, source = "stack file"): StackFileConfig {
  const doc = parse(text) as { config?: Record<string, unknown> } | null;
  const entries = Object.entries(doc?.config ?? {});
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of entries) {
    if (!key.includes(":")) throw new Error(`${source}: config key "${key}" has no namespace`);
    const found = { secret: false };
    const value = replaceSecure(raw, key, found);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (found.secret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

export function readStackFile(path: string): StackFileConfig {
  return parseStackFile(readFileSync(path, "utf8"), path);
}
