/**
 * How Helm combines a chart's values.yaml with the values a release passes (`helm install -f`):
 * maps merge key by key, anything else (lists included) is replaced, and `null` removes a key.
 * The chart models beside this file use it so a test sees the values a template really reads.
 */
export type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => !!v && typeof v === "object" && !Array.isArray(v);

export function mergeValues(defaults: Values, overrides: Values): Values {
  const out: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

/** `.Values.a.b.c`, or undefined. */
export function at(values: Values, path: string): any {
  return path.split(".").reduce<any>((v, k) => (isMap(v) ? v[k] : undefined), values);
}

/** A Pod as a chart template would render it, for Pod Security and scheduling checks. */
export interface RenderedPod {
  /** `<kind>/<name>` of the workload that owns it. */
  owner: string;
  namespace: string;
  replicas: number;
  spec: any;
}
