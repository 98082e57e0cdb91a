/**
 * Stack config → validated model. Pure: takes the raw `flink-platform:*` values (as Pulumi
 * hands them over, strings holding JSON for objects) and returns the model or every problem.
 */
import { TIERS, TOP_LEVEL_KEYS, stackSchema, StackConfig } from "./schema";
import { crossFieldProblems } from "./rules";
import { PathSegment, Problem, problem, unknownKeyMessage } from "./problems";
import { zodProblems } from "./zodProblems";
import { removedKeyProblems, withoutRemovedKeys } from "./removed";
import { coerceScalars } from "./coerce";
import { Tier } from "./defaults";

export type Validation = { ok: true; stack: StackConfig } | { ok: false; problems: Problem[] };

/** Extra checks that need the parsed config (Flink's memory model, operator admission rules...). */
export type StackCheck = (stack: StackConfig) => Problem[];

/**
 * @param raw config values keyed without the `flink-platform:` prefix, as strings.
 * @param secretKeys keys whose values are Pulumi secrets.
 */
export function validateStack(
  raw: Record<string, string>,
  secretKeys: ReadonlySet<string> = new Set(),
  checks: readonly StackCheck[] = [],
): Validation {
  const data = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, parseValue(v)]));
  const referencedSecrets = new Set(secretKeysReferenced(data));
  // JSON.parse keeps "__proto__" as a key, but building an object from it would drop it silently.
  const problems: Problem[] = Object.entries(data).flatMap(([k, v]) => prototypeKeys(v, [k]));
  if (problems.length) return { ok: false, problems: sortProblems(problems) };

  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (TOP_LEVEL_KEYS.includes(key)) config[key] = value;
    else if (!referencedSecrets.has(key))
      problems.push(problem([key], unknownKeyMessage(key, TOP_LEVEL_KEYS)));
  }
  // Only alert receiver keys may be secret: a `secure:` value anywhere else would be decrypted
  // and written in plain text into Kubernetes objects (FlinkDeployments, Helm values).
  for (const key of secretKeys) {
    if (TOP_LEVEL_KEYS.includes(key)) {
      problems.push(
        problem(
          [key],
          "holds a secret (`secure:`) value, which the platform would write in plain text into Kubernetes objects; " +
            "keep credentials in Kubernetes Secrets and reference them from the pod (jobs' env from a Secret)",
        ),
      );
    }
  }
  for (const key of referencedSecrets) {
    if (raw[key] !== undefined && !secretKeys.has(key)) {
      problems.push(
        problem([key], "holds a credential, so it must be set with `pulumi config set --secret`"),
      );
    }
  }

  problems.push(...removedKeyProblems(config));
  const schema = stackSchema(tierOf(config.environment));
  const parsed = schema.safeParse(coerceScalars(schema, withoutRemovedKeys(config)));
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error, schema, config));
    return { ok: false, problems: sortProblems(problems) };
  }
  const secretsPresent = new Set([...referencedSecrets].filter((k) => raw[k] !== undefined));
  problems.push(...crossFieldProblems(parsed.data, secretsPresent));
  // Deeper checks assume names and references are sound, so they run only on a clean base.
  if (problems.length === 0) problems.push(...checks.flatMap((check) => check(parsed.data)));
  return problems.length ? { ok: false, problems: sortProblems(problems) } : { ok: true, stack: parsed.data };
}

function prototypeKeys(value: unknown, path: PathSegment[]): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => prototypeKeys(v, [...path, i]));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === "__proto__"
      ? [problem([...path, k], 'the key "__proto__" is not allowed')]
      : prototypeKeys(v, [...path, k]),
  );
}

function parseValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Unknown tiers still get checked, with the stricter production defaults. */
function tierOf(environment: unknown): Tier {
  const tier = (environment as { tier?: unknown } | undefined)?.tier;
  return TIERS.includes(tier as Tier) ? (tier as Tier) : "production";
}

function secretKeysReferenced(data: Record<string, unknown>): string[] {
  const receivers = (data.monitoring as { receivers?: unknown } | undefined)?.receivers;
  return Array.isArray(receivers)
    ? receivers.flatMap((r) => (typeof r?.secretKey === "string" ? [r.secretKey] : []))
    : [];
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
}
