/** Kubernetes quantities and a pod's effective requests, as the scheduler computes them. */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes quantity (`500m`, `2`, `512Mi`, `1G`) as a number; throws on anything else. */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/.exec(value.trim());
  if (!m) throw new RangeError(`not a Kubernetes quantity: ${value}`);
  const unit = m[2] ?? "";
  return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

export interface Requests {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface ContainerLike {
  resources?: { requests?: { cpu?: string | number; memory?: string | number } };
}

const milli = (cpu: number) => Math.round(cpu * 1000);

function requestsOf(c: ContainerLike): Requests {
  const r = c.resources?.requests ?? {};
  return {
    cpu: r.cpu === undefined ? 0 : parseQuantity(r.cpu),
    memory: r.memory === undefined ? 0 : parseQuantity(r.memory),
  };
}

export function addRequests(a: Requests, b: Requests): Requests {
  return { cpu: (milli(a.cpu) + milli(b.cpu)) / 1000, memory: a.memory + b.memory };
}

/**
 * A pod's effective requests: the sum of its containers, or its largest init container if that
 * is more (init containers run one at a time, before the others).
 */
export function podRequests(spec: {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
}): Requests {
  const sum = (spec.containers ?? []).map(requestsOf).reduce(addRequests, { cpu: 0, memory: 0 });
  const init = (spec.initContainers ?? []).map(requestsOf);
  return {
    cpu: Math.max(sum.cpu, ...init.map((r) => r.cpu)),
    memory: Math.max(sum.memory, ...init.map((r) => r.memory)),
  };
}
