import { strict as assert } from "assert";
import {
  FlinkMemoryError,
  humanReadable,
  jobManagerMemory,
  multiplyByFraction,
  taskManagerMemory,
} from "../components/flink/memory";

const MIB = 1024 * 1024;

describe("Flink memory model", () => {
  it("multiplies by Java float fractions as Flink does", () => {
    // 0.1f is 0.10000000149011612 once widened and turned into a BigDecimal.
    assert.equal(multiplyByFraction(4096n * 1024n * 1024n, Math.fround(0.1)), 429_496_736n);
  });

  it("derives a 4096m TaskManager", () => {
    const tm = taskManagerMemory(4096 * MIB);
    assert.deepEqual(tm, {
      processBytes: 4_294_967_296,
      overheadBytes: 429_496_736,
      metaspaceBytes: 268_435_456,
      frameworkHeapBytes: 134_217_728,
      frameworkOffHeapBytes: 134_217_728,
      taskOffHeapBytes: 0,
      managedBytes: 1_438_814_063,
      networkBytes: 359_703_515,
      taskHeapBytes: 1_530_082_070,
      jvmHeapBytes: 1_664_299_798,
      maxDirectBytes: 493_921_243,
    });
    const parts =
      tm.overheadBytes +
      tm.metaspaceBytes +
      tm.frameworkHeapBytes +
      tm.frameworkOffHeapBytes +
      tm.taskOffHeapBytes +
      tm.managedBytes +
      tm.networkBytes +
      tm.taskHeapBytes;
    assert.equal(parts, tm.processBytes);
  });

  it("derives a 2048m JobManager", () => {
    assert.deepEqual(jobManagerMemory(2048 * MIB), {
      processBytes: 2_147_483_648,
      overheadBytes: 214_748_368,
      metaspaceBytes: 268_435_456,
      offHeapBytes: 134_217_728,
      heapBytes: 1_530_082_096,
    });
  });

  it("clamps the JVM overhead to [192m, 1g] and network memory to at least 64m", () => {
    assert.equal(jobManagerMemory(1024 * MIB).overheadBytes, 192 * MIB);
    assert.equal(taskManagerMemory(16 * 1024 * MIB).overheadBytes, 1024 * MIB);
    // 1g: TFM 576m, network 0.1 × 576m = 57.6m < 64m.
    assert.equal(taskManagerMemory(1024 * MIB).networkBytes, 64 * MIB);
    // Since Flink 1.17 network memory has no maximum: 64g gets more than the old 1g cap.
    assert.ok(taskManagerMemory(64 * 1024 * MIB).networkBytes > 1024 * MIB);
  });

  it("knows the smallest sizes Flink accepts", () => {
    assert.doesNotThrow(() => taskManagerMemory(982 * MIB));
    assert.throws(() => taskManagerMemory(981 * MIB), FlinkMemoryError);
    assert.doesNotThrow(() => jobManagerMemory(577 * MIB));
    assert.throws(() => jobManagerMemory(576 * MIB), FlinkMemoryError);
  });

  it("refuses with Flink's own message text", () => {
    assert.throws(
      () => taskManagerMemory(900 * MIB),
      /^Error: Sum of configured Framework Heap Memory \(128\.000mb \(134217728 bytes\)\), Framework Off-Heap Memory .* exceed configured Total Flink Memory/,
    );
    assert.throws(
      () => jobManagerMemory(400 * MIB),
      /Sum of configured JVM Metaspace \(256\.000mb \(268435456 bytes\)\) and JVM Overhead \(192\.000mb \(201326592 bytes\)\) exceed configured Total Process Memory \(400\.000mb \(419430400 bytes\)\)\./,
    );
    assert.equal(humanReadable(1024n * 1024n * 1024n), "1024.000mb (1073741824 bytes)");
    assert.equal(humanReadable(512n), "512 bytes");
  });

  it("honours memory options in the job's Flink configuration", () => {
    const base = taskManagerMemory(8192 * MIB);
    const moreManaged = taskManagerMemory(8192 * MIB, { "taskmanager.memory.managed.fraction": "0.5" });
    assert.ok(moreManaged.managedBytes > base.managedBytes);
    assert.ok(moreManaged.taskHeapBytes < base.taskHeapBytes);
    const fixedNetwork = taskManagerMemory(8192 * MIB, {
      "taskmanager.memory.network.min": "256m",
      "taskmanager.memory.network.max": "256m",
    });
    assert.equal(fixedNetwork.networkBytes, 256 * MIB);
    const explicitHeap = taskManagerMemory(4096 * MIB, { "taskmanager.memory.task.heap.size": "1g" });
    assert.equal(explicitHeap.taskHeapBytes, 1024 * MIB);
    assert.throws(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.task.heap.size": "3g" }),
      /Task Heap Memory \(3\.000gb \(3221225472 bytes\)\)/,
    );
    const biggerMetaspace = jobManagerMemory(2048 * MIB, { "jobmanager.memory.jvm-metaspace.size": "512m" });
    assert.equal(biggerMetaspace.metaspaceBytes, 512 * MIB);
  });
});
