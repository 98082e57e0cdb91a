/**
 * Kubernetes quantities and Flink memory sizes as the pack reads them from resource inputs.
 * The pack is self-contained (it is published and run on its own), so it parses them itself.
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * A Kubernetes quantity (`500m`, `2`, `1.5`, `.5`, `512Mi`, `1G`, `1e3`) as a number; undefined when
 * malformed. Grammar of apimachinery's resource.Quantity (`<number> ::= <digits> | <digits>.<digits>
 * | <digits>. | .<digits>`, one binary, decimal or exponent suffix).
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const [, digits, exponent, suffix = ""] = match;
  if (exponent) return Number(digits + exponent);
  return Number(digits) * (BINARY[suffix] ?? DECIMAL[suffix]);
}

const FLINK_UNITS: Record<string, number> = {
  "": 1, b: 1, bytes: 1,
  k: 2 ** 10, kb: 2 ** 10, kibibytes: 2 ** 10,
  m: 2 ** 20, mb: 2 ** 20, mebibytes: 2 ** 20,
  g: 2 ** 30, gb: 2 ** 30, gibibytes: 2 ** 30,
  t: 2 ** 40, tb: 2 ** 40, tebibytes: 2 ** 40,
}; // prettier-ignore

/** A FlinkDeployment `resource.memory` (Flink's binary units: `2048m`, `2g`) in bytes. */
export function parseFlinkMemory(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)\s*([a-zA-Z]*)$/.exec(value.trim());
  const unit = match ? FLINK_UNITS[match[2].toLowerCase()] : undefined;
  return match && unit ? Number(match[1]) * unit : undefined;
}
