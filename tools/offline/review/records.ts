/**
 * resources.json records as the review reads them, and the structural differences between two
 * versions of one record's inputs. Pure.
 */

/** One object of resources.json (the offline render contract). */
export interface ResourceRecord {
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** Recorded options; an omitted key is the default. */
  options?: Record<string, unknown>;
}

/** `type::name`, Pulumi's identity of a resource within a stack (with the project and stack). */
export const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

export function parseRecords(resourcesJson: string | undefined): ResourceRecord[] {
  return resourcesJson ? (JSON.parse(resourcesJson) as ResourceRecord[]) : [];
}

export function byKey(records: ResourceRecord[]): Map<string, ResourceRecord> {
  return new Map(records.map((r) => [keyOf(r), r]));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Dotted paths where `before` and `after` differ. Objects are followed key by key; arrays and
 * scalars are compared whole, so a changed list is one path (`instanceTypes`); a key present on
 * one side only is reported at that key.
 */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/** The value at a dotted path, or undefined. */
export function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), value);
}

/** metadata of a Kubernetes object record. */
export function k8sMeta(r: ResourceRecord): { name?: string; namespace?: string } {
  const m = r.inputs.metadata;
  return isObject(m)
    ? { name: m.name as string | undefined, namespace: m.namespace as string | undefined }
    : {};
}

/** `namespace/name` (or `name` for a cluster-scoped object). */
export function k8sId(r: ResourceRecord): string {
  const { name, namespace } = k8sMeta(r);
  return namespace ? `${namespace}/${name}` : String(name ?? r.name);
}

export const isKubernetes = (r: { type: string }) => r.type.startsWith("kubernetes:");
export const kindOf = (r: { type: string }) => r.type.split(":").pop()!;
