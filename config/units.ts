/**
 * Sizes and durations as Flink and Kubernetes write them. Sizes are binary (Flink's
 * `m` is MiB, Kubernetes' `Mi` is MiB); both notations are accepted in stack config and
 * normalised to bytes so every later calculation is exact integer arithmetic.
 */

const KIB = 1024;
const SIZE_MULTIPLIERS: Record<string, number> = {
  "": 1,
  b: 1,
  k: KIB,
  kb: KIB,
  ki: KIB,
  m: KIB ** 2,
  mb: KIB ** 2,
  mi: KIB ** 2,
  g: KIB ** 3,
  gb: KIB ** 3,
  gi: KIB ** 3,
  t: KIB ** 4,
  tb: KIB ** 4,
  ti: KIB ** 4,
};

const SIZE_PATTERN = /^(\d+)\s*([a-zA-Z]*)$/;

export const SIZE_HINT = "a whole number with a binary unit, e.g. 2048m, 2g, 2Gi, 512Mi";

/** Parses `2048m`, `2g`, `2Gi`, `512Mi`, `1024` (bytes); undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const multiplier = SIZE_MULTIPLIERS[match[2].toLowerCase()];
  if (multiplier === undefined) return undefined;
  const bytes = Number(match[1]) * multiplier;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Flink notation, exact: the largest unit that divides the byte count (`4096m`, `2g`). */
export function formatFlinkSize(bytes: number): string {
  for (const [unit, factor] of [
    ["g", KIB ** 3],
    ["m", KIB ** 2],
    ["k", KIB],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}b`;
}

/** Kubernetes quantity, exact: `4Gi`, `1536Mi`, or plain bytes. */
export function formatQuantity(bytes: number): string {
  if (bytes === 0) return "0";
  for (const [unit, factor] of [
    ["Ti", KIB ** 4],
    ["Gi", KIB ** 3],
    ["Mi", KIB ** 2],
    ["Ki", KIB],
  ] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}`;
}

/** Human-readable MiB with one decimal, for tables. */
export function formatMiB(bytes: number): string {
  return `${(bytes / KIB ** 2).toFixed(bytes % KIB ** 2 === 0 ? 0 : 1)}Mi`;
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const DURATION_PATTERN = /^(\d+)\s*(ms|s|sec|min|m|h|d)$/;

export const DURATION_HINT = "a whole number with a unit ms, s, min, h or d, e.g. 30 s, 5 min, 6h";

/** Flink duration (`30 s`, `5 min`, `6h`) in milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNITS[match[2]] : undefined;
}

/** Canonical Flink duration string for a millisecond count (`60 s`, `6 h`). */
export function formatDuration(ms: number): string {
  for (const [unit, factor] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["min", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms % factor === 0) return `${ms / factor} ${unit}`;
  }
  return `${ms} ms`;
}
