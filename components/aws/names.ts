/**
 * Explicit AWS names that stay within AWS's limits. Pulumi's auto-names append 8 characters
 * to the logical name, which pushes IAM role names past 64 characters for long namespaces;
 * a name that is too long keeps its start and ends with a short hash of the whole, so it stays
 * unique and stable.
 */
import { createHash } from "crypto";

export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** IAM role names: at most 64 characters. */
export function roleName(...parts: string[]): string {
  return boundedName(parts.join("-"), 64);
}
