/**
 * Flink's memory derivation (Flink ≥ 1.17 defaults), reproduced exactly so a size Flink
 * would refuse fails at preview with Flink's own message. The operator turns
 * `resource.memory` into `*.memory.process.size`; every other memory option a job sets in
 * its Flink configuration is honoured. Arithmetic is in BigInt: Flink multiplies sizes by
 * `BigDecimal.valueOf((double) floatFraction)` and truncates, so 0.1 is 0.10000000149011612.
 */

const MIB = 1024n * 1024n;

export interface JobManagerMemory {
  processBytes: number;
  heapBytes: number;
  offHeapBytes: number;
  metaspaceBytes: number;
  overheadBytes: number;
}

export interface TaskManagerMemory {
  processBytes: number;
  frameworkHeapBytes: number;
  taskHeapBytes: number;
  frameworkOffHeapBytes: number;
  taskOffHeapBytes: number;
  managedBytes: number;
  networkBytes: number;
  metaspaceBytes: number;
  overheadBytes: number;
  /** `-Xmx`: framework heap + task heap. */
  jvmHeapBytes: number;
  /** `-XX:MaxDirectMemorySize`: framework off-heap + task off-heap + network. */
  maxDirectBytes: number;
}

/** Flink's IllegalConfigurationException, carrying Flink's message text. */
export class FlinkMemoryError extends Error {}

type Options = Readonly<Record<string, string>>;

const LONG_MAX = 2n ** 63n - 1n;

const OPTION = {
  jm: {
    flinkSize: "jobmanager.memory.flink.size",
    heap: "jobmanager.memory.heap.size",
    offHeap: "jobmanager.memory.off-heap.size",
    metaspace: "jobmanager.memory.jvm-metaspace.size",
    overheadMin: "jobmanager.memory.jvm-overhead.min",
    overheadMax: "jobmanager.memory.jvm-overhead.max",
    overheadFraction: "jobmanager.memory.jvm-overhead.fraction",
  },
  tm: {
    flinkSize: "taskmanager.memory.flink.size",
    frameworkHeap: "taskmanager.memory.framework.heap.size",
    frameworkOffHeap: "taskmanager.memory.framework.off-heap.size",
    taskHeap: "taskmanager.memory.task.heap.size",
    taskOffHeap: "taskmanager.memory.task.off-heap.size",
    managedSize: "taskmanager.memory.managed.size",
    managedFraction: "taskmanager.memory.managed.fraction",
    networkMin: "taskmanager.memory.network.min",
    networkMax: "taskmanager.memory.network.max",
    networkFraction: "taskmanager.memory.network.fraction",
    metaspace: "taskmanager.memory.jvm-metaspace.size",
    overheadMin: "taskmanager.memory.jvm-overhead.min",
    overheadMax: "taskmanager.memory.jvm-overhead.max",
    overheadFraction: "taskmanager.memory.jvm-overhead.fraction",
  },
} as const;

/** Every memory option this model reads; the process size comes from `resource.memory`. */
export const MEMORY_OPTION_KEYS: readonly string[] = [
  ...Object.values(OPTION.jm),
  ...Object.values(OPTION.tm),
];

// ---------------------------------------------------------------------------- sizes

const FLINK_UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  bytes: 1n,
  k: 1024n,
  kb: 1024n,
  kibibytes: 1024n,
  m: MIB,
  mb: MIB,
  mebibytes: MIB,
  g: MIB * 1024n,
  gb: MIB * 1024n,
  gibibytes: MIB * 1024n,
  t: MIB * MIB,
  tb: MIB * MIB,
  tebibytes: MIB * MIB,
};

/** Flink's `MemorySize.parse`. */
export function parseFlinkMemory(key: string, text: string): bigint {
  const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = m ? FLINK_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new FlinkMemoryError(`Could not parse value '${text}' for key '${key}'.`);
  }
  return BigInt(m[1]) * unit;
}

/** Flink's `MemorySize.toHumanReadableString`: `128.000mb (134217728 bytes)`. */
export function humanReadable(bytes: bigint): string {
  const units: [string, bigint][] = [
    ["tb", MIB * MIB],
    ["gb", MIB * 1024n],
    ["mb", MIB],
    ["kb", 1024n],
  ];
  const unit = units.find(([, m]) => bytes > m);
  if (!unit) return `${bytes} bytes`;
  return `${(Number(bytes) / Number(unit[1])).toFixed(3)}${unit[0]} (${bytes} bytes)`;
}

/**
 * `size.multiply(fraction)` as Flink does it: the float option widened to double, turned
 * into a decimal by `BigDecimal.valueOf` (shortest round-trip digits), product truncated.
 */
export function multiplyByFraction(bytes: bigint, fraction: number): bigint {
  const [num, den] = decimalToRatio(String(fraction));
  return (bytes * num) / den;
}

function decimalToRatio(text: string): [bigint, bigint] {
  const m = /^(\d+)(?:\.(\d+))?(?:e([-+]?\d+))?$/i.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const frac = m[2] ?? "";
  let num = BigInt(m[1] + frac);
  let den = 10n ** BigInt(frac.length);
  const exp = Number(m[3] ?? 0);
  if (exp > 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return [num, den];
}

/** A float config option, widened to double the way Java widens it. */
function floatOption(options: Options, key: string, fallback: number): number {
  const text = options[key];
  if (text === undefined) return Math.fround(fallback);
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new FlinkMemoryError(`Could not parse value '${text}' for key '${key}'.`);
  }
  return Math.fround(value);
}

function sizeOption(options: Options, key: string, fallback: bigint): bigint {
  const text = options[key];
  return text === undefined ? fallback : parseFlinkMemory(key, text);
}

interface RangeFraction {
  min: bigint;
  max: bigint;
  fraction: number;
}

function rangeFraction(
  options: Options,
  keys: { min: string; max: string; fraction: string },
  defaults: { min: bigint; max: bigint; fraction: number },
  name: string,
): RangeFraction {
  const min = sizeOption(options, keys.min, defaults.min);
  const max = sizeOption(options, keys.max, defaults.max);
  const fraction = fractionOption(options, keys.fraction, defaults.fraction, name);
  if (max < min) {
    throw new FlinkMemoryError(
      `Configured max ${name} (${humanReadable(max)}) is less than the configured min ${name} (${humanReadable(min)}).`,
    );
  }
  return { min, max, fraction };
}

/** A memory fraction option; Flink refuses one outside [0, 1) before deriving anything from it. */
function fractionOption(options: Options, key: string, fallback: number, name: string): number {
  const fraction = floatOption(options, key, fallback);
  if (fraction < 0 || fraction >= 1) {
    throw new FlinkMemoryError(`Configured ${name} fraction (${options[key]}) must be in [0, 1).`);
  }
  return fraction;
}

function clamp(value: bigint, range: RangeFraction): bigint {
  return value < range.min ? range.min : value > range.max ? range.max : value;
}

function deriveWithFraction(base: bigint, range: RangeFraction): bigint {
  return clamp(multiplyByFraction(base, range.fraction), range);
}

// ---------------------------------------------------------------------------- JVM part

interface JvmSpec {
  metaspace: bigint;
  overhead: bigint;
  totalFlink: bigint;
}

function overheadRange(options: Options, keys: typeof OPTION.jm | typeof OPTION.tm): RangeFraction {
  return rangeFraction(
    options,
    { min: keys.overheadMin, max: keys.overheadMax, fraction: keys.overheadFraction },
    { min: 192n * MIB, max: 1024n * MIB, fraction: 0.1 },
    "JVM Overhead",
  );
}

/** Metaspace and overhead from the total process size; what is left is Total Flink Memory. */
function jvmFromProcess(
  process: bigint,
  options: Options,
  keys: typeof OPTION.jm | typeof OPTION.tm,
): JvmSpec {
  const metaspace = sizeOption(options, keys.metaspace, 256n * MIB);
  const range = overheadRange(options, keys);
  const overhead = deriveWithFraction(process, range);
  if (metaspace + overhead > process) {
    throw new FlinkMemoryError(
      `Sum of configured JVM Metaspace (${humanReadable(metaspace)}) and JVM Overhead ` +
        `(${humanReadable(overhead)}) exceed configured Total Process Memory (${humanReadable(process)}).`,
    );
  }
  return { metaspace, overhead, totalFlink: process - metaspace - overhead };
}

/** Total Flink Memory set explicitly next to the process size: the overhead is what remains. */
function jvmFromProcessAndFlink(
  process: bigint,
  totalFlink: bigint,
  options: Options,
  keys: typeof OPTION.jm | typeof OPTION.tm,
): JvmSpec {
  const metaspace = sizeOption(options, keys.metaspace, 256n * MIB);
  const range = overheadRange(options, keys);
  // apache/flink@release-1.20.4 flink-runtime/.../config/memory/ProcessMemoryUtils.java:189-206:
  // the overhead is process − (Total Flink + metaspace), refused when negative or out of its range.
  if (process < totalFlink + metaspace) {
    throw new FlinkMemoryError(
      `The configured Total Process Memory size (${humanReadable(process)}) is less than the sum of the derived ` +
        `Total Flink Memory size (${humanReadable(totalFlink)}) and the configured or default JVM Metaspace size  ` +
        `(${humanReadable(metaspace)}).`,
    );
  }
  const overhead = process - totalFlink - metaspace;
  if (overhead < range.min || overhead > range.max) {
    throw new FlinkMemoryError(
      `Derived JVM Overhead size (${humanReadable(overhead)}) is not in configured JVM Overhead range ` +
        `[${humanReadable(range.min)}, ${humanReadable(range.max)}].`,
    );
  }
  return { metaspace, overhead, totalFlink };
}

function jvmSpec(process: bigint, options: Options, keys: typeof OPTION.jm | typeof OPTION.tm): JvmSpec {
  return options[keys.flinkSize] !== undefined
    ? jvmFromProcessAndFlink(
        process,
        parseFlinkMemory(keys.flinkSize, options[keys.flinkSize]),
        options,
        keys,
      )
    : jvmFromProcess(process, options, keys);
}

// ---------------------------------------------------------------------------- JobManager

export function jobManagerMemory(processBytes: number, options: Options = {}): JobManagerMemory {
  const process = BigInt(processBytes);
  const keys = OPTION.jm;
  const jvm = jvmSpec(process, options, keys);
  const offHeap = sizeOption(options, keys.offHeap, 128n * MIB);
  let heap: bigint;
  if (options[keys.heap] !== undefined) {
    heap = parseFlinkMemory(keys.heap, options[keys.heap]);
    if (heap + offHeap !== jvm.totalFlink) {
      throw new FlinkMemoryError(
        `The configured JVM Heap Memory (${humanReadable(heap)}) and Off-heap Memory (${humanReadable(offHeap)}) ` +
          `do not add up to the Total Flink Memory (${humanReadable(jvm.totalFlink)}).`,
      );
    }
  } else {
    if (jvm.totalFlink <= offHeap) {
      throw new FlinkMemoryError(
        `The configured Total Flink Memory (${humanReadable(jvm.totalFlink)}) is less than or equal to ` +
          `the configured Off-heap Memory (${humanReadable(offHeap)}).`,
      );
    }
    heap = jvm.totalFlink - offHeap;
  }
  return {
    processBytes,
    heapBytes: Number(heap),
    offHeapBytes: Number(offHeap),
    metaspaceBytes: Number(jvm.metaspace),
    overheadBytes: Number(jvm.overhead),
  };
}

// ---------------------------------------------------------------------------- TaskManager

export function taskManagerMemory(processBytes: number, options: Options = {}): TaskManagerMemory {
  const process = BigInt(processBytes);
  const keys = OPTION.tm;
  const jvm = jvmSpec(process, options, keys);
  const tfm = jvm.totalFlink;
  const frameworkHeap = sizeOption(options, keys.frameworkHeap, 128n * MIB);
  const frameworkOffHeap = sizeOption(options, keys.frameworkOffHeap, 128n * MIB);
  const taskOffHeap = sizeOption(options, keys.taskOffHeap, 0n);
  const networkRange = rangeFraction(
    options,
    { min: keys.networkMin, max: keys.networkMax, fraction: keys.networkFraction },
    { min: 64n * MIB, max: LONG_MAX, fraction: 0.1 },
    "Network Memory",
  );
  const managed =
    options[keys.managedSize] !== undefined
      ? parseFlinkMemory(keys.managedSize, options[keys.managedSize])
      : deriveWithFraction(tfm, {
          min: 0n,
          max: LONG_MAX,
          fraction: fractionOption(options, keys.managedFraction, 0.4, "Managed Memory"),
        });

  let taskHeap: bigint;
  let network: bigint;
  if (options[keys.taskHeap] !== undefined) {
    taskHeap = parseFlinkMemory(keys.taskHeap, options[keys.taskHeap]);
    const rest = frameworkHeap + frameworkOffHeap + taskHeap + taskOffHeap + managed;
    if (rest > tfm) {
      throw new FlinkMemoryError(
        `Sum of configured Framework Heap Memory (${humanReadable(frameworkHeap)}), Framework Off-Heap Memory ` +
          `(${humanReadable(frameworkOffHeap)}), Task Heap Memory (${humanReadable(taskHeap)}), Task Off-Heap ` +
          `Memory (${humanReadable(taskOffHeap)}) and Managed Memory (${humanReadable(managed)}) exceed ` +
          `configured Total Flink Memory (${humanReadable(tfm)}).`,
      );
    }
    network = tfm - rest;
    if (network < networkRange.min || network > networkRange.max) {
      throw new FlinkMemoryError(
        `Derived Network Memory size (${humanReadable(network)}) is not in configured Network Memory range ` +
          `[${humanReadable(networkRange.min)}, ${humanReadable(networkRange.max)}].`,
      );
    }
  } else {
    network = deriveWithFraction(tfm, networkRange);
    const rest = frameworkHeap + frameworkOffHeap + taskOffHeap + managed + network;
    if (rest > tfm) {
      throw new FlinkMemoryError(
        `Sum of configured Framework Heap Memory (${humanReadable(frameworkHeap)}), Framework Off-Heap Memory ` +
          `(${humanReadable(frameworkOffHeap)}), Task Off-Heap Memory (${humanReadable(taskOffHeap)}), ` +
          `Managed Memory (${humanReadable(managed)}) and Network Memory (${humanReadable(network)}) exceed ` +
          `configured Total Flink Memory (${humanReadable(tfm)}).`,
      );
    }
    taskHeap = tfm - rest;
  }
  const n = Number;
  return {
    processBytes,
    frameworkHeapBytes: n(frameworkHeap),
    taskHeapBytes: n(taskHeap),
    frameworkOffHeapBytes: n(frameworkOffHeap),
    taskOffHeapBytes: n(taskOffHeap),
    managedBytes: n(managed),
    networkBytes: n(network),
    metaspaceBytes: n(jvm.metaspace),
    overheadBytes: n(jvm.overhead),
    jvmHeapBytes: n(frameworkHeap + taskHeap),
    maxDirectBytes: n(frameworkOffHeap + taskOffHeap + network),
  };
}
