/**
 * Config problems: collected, never thrown one at a time, and printed as
 * `flink-platform:<key.path>: <what is wrong, what is allowed>`.
 */
import { closest, distance } from "fastest-levenshtein";

export const NAMESPACE = "flink-platform";

export interface Problem {
  /** Path below `flink-platform:`, in `pulumi config set --path` syntax: `namespaces[0].jobs[1].parallelism`. */
  path: string;
  message: string;
}

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(
    (acc, seg) => (typeof seg === "number" ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    "",
  );
}

export function problem(segments: readonly PathSegment[], message: string): Problem {
  return { path: formatPath(segments), message };
}

export function formatProblem(p: Problem): string {
  return `${NAMESPACE}:${p.path}: ${p.message}`;
}

/** Raised when the stack config is invalid; carries every problem found. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** `unknown key "paralellism" (did you mean "parallelism"?)`, or the allowed list when nothing is close. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = allowed.length ? closest(key, [...allowed]) : undefined;
  const close = guess !== undefined && editDistanceIsSmall(key, guess);
  return close
    ? `unknown key "${key}" (did you mean "${guess}"?)`
    : `unknown key "${key}"; allowed keys: ${[...allowed].sort().join(", ")}`;
}

function editDistanceIsSmall(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x.includes(y) || y.includes(x)) return true;
  // The usual CLI threshold: at most a third of the longer word differs.
  return distance(x, y) <= Math.max(x.length, y.length) / 3;
}
