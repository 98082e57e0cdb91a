/** TaskManagers a job needs: every parallel subtask gets a slot, so ⌈parallelism ÷ slots per TaskManager⌉. */
export function taskManagersFor(parallelism: number, slotsPerTaskManager: number): number {
  if (!(parallelism > 0) || !(slotsPerTaskManager > 0)) {
    throw new RangeError(
      `parallelism and slots must be positive (got ${parallelism}, ${slotsPerTaskManager})`,
    );
  }
  return Math.ceil(parallelism / slotsPerTaskManager);
}

/** What one pod asks for: cores, memory and local disk (bytes). */
export interface PodRequest {
  cpu: number;
  memoryBytes: number;
  ephemeralBytes: number;
}

interface ExtraContainer {
  resources: { cpu: number; memory: number; ephemeralStorage?: number };
}

/**
 * What one Flink pod asks the scheduler and the quota for: the Flink container plus its
 * sidecars, or the largest init container if that is larger (Kubernetes' effective pod request:
 * init containers run one at a time, before the others).
 */
export function flinkPodRequests(p: {
  cpu: number;
  memoryBytes: number;
  ephemeralStorageBytes?: number;
  pod: { sidecars: ExtraContainer[]; initContainers: ExtraContainer[] };
}): PodRequest {
  const milli = (cpu: number) => Math.round(cpu * 1000);
  const running = [
    { cpu: p.cpu, memory: p.memoryBytes, ephemeralStorage: p.ephemeralStorageBytes },
    ...p.pod.sidecars.map((s) => s.resources),
  ];
  const sum = (f: (r: ExtraContainer["resources"]) => number) => running.reduce((t, r) => t + f(r), 0);
  const max = (f: (r: ExtraContainer["resources"]) => number) =>
    Math.max(0, ...p.pod.initContainers.map((c) => f(c.resources)));
  return {
    cpu:
      Math.max(
        sum((r) => milli(r.cpu)),
        max((r) => milli(r.cpu)),
      ) / 1000,
    memoryBytes: Math.max(
      sum((r) => r.memory),
      max((r) => r.memory),
    ),
    ephemeralBytes: Math.max(
      sum((r) => r.ephemeralStorage ?? 0),
      max((r) => r.ephemeralStorage ?? 0),
    ),
  };
}
