/** TaskManagers a job needs: every parallel subtask gets a slot, so ⌈parallelism ÷ slots per TaskManager⌉. */
export function taskManagersFor(parallelism: number, slotsPerTaskManager: number): number {
  if (!(parallelism > 0) || !(slotsPerTaskManager > 0)) {
    throw new RangeError(
      `parallelism and slots must be positive (got ${parallelism}, ${slotsPerTaskManager})`,
    );
  }
  return Math.ceil(parallelism / slotsPerTaskManager);
}
