/**
 * Keys that existed once and were removed because they were unsafe or changed meaning: a stack
 * that still sets one gets a message saying why and what to do, not a bare "unknown key".
 */
import { Problem, problem } from "./problems";

export const REMOVED_KEYS: Record<string, string> = {
  "storage.checkpointExpirationDays":
    "was removed: expiring checkpoint objects by age deletes files that incremental RocksDB checkpoints " +
    "still reference (shared/), which corrupts the job's latest state. Flink keeps " +
    "flink.checkpointing.retained checkpoints and deletes older ones itself; deleted objects are kept as " +
    "noncurrent versions for storage.noncurrentVersionExpirationDays. Remove the key",
  "storage.bucketName":
    "was replaced by storage.bucketPrefix: each Flink namespace now has its own state bucket " +
    "<bucketPrefix>-<namespace>. Set storage.bucketPrefix, and move existing state first " +
    "(README, Operations: moving state to per-namespace buckets)",
  "storage.objectStore.bucket":
    "was replaced by storage.objectStore.bucketPrefix: each Flink namespace now has its own bucket " +
    "<bucketPrefix>-<namespace> in the in-cluster store, with its own credentials",
};

function parentOf(config: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let cur: unknown = config;
  for (const key of path.slice(0, -1)) {
    if (!cur || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur && typeof cur === "object" && !Array.isArray(cur) ? (cur as Record<string, unknown>) : undefined;
}

/** A problem for every removed key the config still sets. */
export function removedKeyProblems(config: Record<string, unknown>): Problem[] {
  return Object.entries(REMOVED_KEYS).flatMap(([path, message]) => {
    const keys = path.split(".");
    return keys.at(-1)! in (parentOf(config, keys) ?? {}) ? [problem(keys, message)] : [];
  });
}

/** A copy without the keys reported above, so the schema does not report them a second time. */
export function withoutRemovedKeys(config: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(config);
  for (const path of Object.keys(REMOVED_KEYS)) {
    const keys = path.split(".");
    delete parentOf(copy, keys)?.[keys.at(-1)!];
  }
  return copy;
}
