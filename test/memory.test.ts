import { strict as assert } from "assert";
import {
  FlinkMemoryError,
  humanReadable,
  jobManagerMemory,
  multiplyByFraction,
  parseFlinkMemory,
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

  // Total Flink Memory set next to the process size (what `resource.memory` becomes): Flink takes
  // the JVM overhead as what remains, process − (Total Flink + metaspace), and refuses it outside
  // its range (apache/flink@release-1.20.4 flink-runtime/.../config/memory/ProcessMemoryUtils.java:189-230).
  it("derives a JobManager from an explicit total Flink memory: the overhead is what remains", () => {
    // 2048m − 1600m − 256m = 192m: exactly the overhead's minimum, which Flink accepts.
    assert.deepEqual(jobManagerMemory(2048 * MIB, { "jobmanager.memory.flink.size": "1600m" }), {
      processBytes: 2048 * MIB,
      overheadBytes: 192 * MIB,
      metaspaceBytes: 256 * MIB,
      offHeapBytes: 128 * MIB,
      heapBytes: (1600 - 128) * MIB,
    });
    // One MiB more for Flink leaves 191m of overhead: below the minimum.
    assert.throws(
      () => jobManagerMemory(2048 * MIB, { "jobmanager.memory.flink.size": "1601m" }),
      /^Error: Derived JVM Overhead size \(191\.000mb \(200278016 bytes\)\) is not in configured JVM Overhead range \[192\.000mb \(201326592 bytes\), 1024\.000mb \(1073741824 bytes\)\]\.$/,
    );
    // More than the process holds besides the metaspace: Flink's own message, not a negative overhead.
    assert.throws(
      () => jobManagerMemory(2048 * MIB, { "jobmanager.memory.flink.size": "1900m" }),
      /^Error: The configured Total Process Memory size \(2\.000gb \(2147483648 bytes\)\) is less than the sum of the derived Total Flink Memory size \(1\.855gb \(1992294400 bytes\)\) and the configured or default JVM Metaspace size {2}\(256\.000mb \(268435456 bytes\)\)\.$/,
    );
    // A heap set as well must add up with the off-heap memory to the total Flink memory.
    const both = { "jobmanager.memory.flink.size": "1600m", "jobmanager.memory.heap.size": "1472m" };
    assert.equal(jobManagerMemory(2048 * MIB, both).heapBytes, 1472 * MIB);
  });

  it("derives a TaskManager from an explicit total Flink memory, within the overhead's maximum", () => {
    // TFM 3456m: managed 0.4 and network 0.1 of it (Java floats), task heap the rest.
    assert.deepEqual(taskManagerMemory(4096 * MIB, { "taskmanager.memory.flink.size": "3456m" }), {
      processBytes: 4096 * MIB,
      overheadBytes: (4096 - 3456 - 256) * MIB,
      metaspaceBytes: 256 * MIB,
      frameworkHeapBytes: 128 * MIB,
      frameworkOffHeapBytes: 128 * MIB,
      taskOffHeapBytes: 0,
      managedBytes: 1_449_551_484,
      networkBytes: 362_387_871,
      taskHeapBytes: 1_543_503_845,
      jvmHeapBytes: 128 * MIB + 1_543_503_845,
      maxDirectBytes: 128 * MIB + 362_387_871,
    });
    // 8192m − 6000m − 256m = 1936m of overhead: above its 1g maximum.
    assert.throws(
      () => taskManagerMemory(8192 * MIB, { "taskmanager.memory.flink.size": "6000m" }),
      /Derived JVM Overhead size \(1\.891gb \(2030043136 bytes\)\) is not in configured JVM Overhead range/,
    );
    // A wider range accepts it: the range options are read on this path too.
    const wide = { "taskmanager.memory.flink.size": "6000m", "taskmanager.memory.jvm-overhead.max": "2g" };
    assert.equal(taskManagerMemory(8192 * MIB, wide).overheadBytes, 1936 * MIB);
  });

  it("takes fixed framework, task off-heap and managed sizes from the configuration", () => {
    const tm = taskManagerMemory(4096 * MIB, {
      "taskmanager.memory.framework.heap.size": "64m",
      "taskmanager.memory.framework.off-heap.size": "96m",
      "taskmanager.memory.task.off-heap.size": "256m",
      "taskmanager.memory.managed.size": "1g",
    });
    // TFM 3597035104 (as for the default 4096m); network 0.1f of it; task heap what remains.
    assert.deepEqual(tm, {
      processBytes: 4096 * MIB,
      overheadBytes: 429_496_736,
      metaspaceBytes: 256 * MIB,
      frameworkHeapBytes: 64 * MIB,
      frameworkOffHeapBytes: 96 * MIB,
      taskOffHeapBytes: 256 * MIB,
      managedBytes: 1024 * MIB,
      networkBytes: 359_703_515,
      taskHeapBytes: 3_597_035_104 - (64 + 96 + 256 + 1024) * MIB - 359_703_515,
      // -Xmx: framework heap + task heap; direct memory: framework off-heap + task off-heap + network.
      jvmHeapBytes: 3_597_035_104 - (96 + 256 + 1024) * MIB - 359_703_515,
      maxDirectBytes: (96 + 256) * MIB + 359_703_515,
    });
  });

  it("gives the network what remains when the task heap is fixed, within the network range", () => {
    const tm = taskManagerMemory(4096 * MIB, {
      "taskmanager.memory.task.heap.size": "1g",
      "taskmanager.memory.task.off-heap.size": "128m",
    });
    // 3597035104 − 128m − 128m − 1g − 128m − managed 1438814063.
    assert.equal(tm.networkBytes, 681_826_033);
    assert.equal(tm.maxDirectBytes, 128 * MIB + 128 * MIB + 681_826_033);
    assert.equal(tm.jvmHeapBytes, (128 + 1024) * MIB);
    assert.throws(
      () =>
        taskManagerMemory(4096 * MIB, {
          "taskmanager.memory.task.heap.size": "1g",
          "taskmanager.memory.network.max": "512m",
        }),
      /^Error: Derived Network Memory size \(778\.240mb \(816043761 bytes\)\) is not in configured Network Memory range \[64\.000mb \(67108864 bytes\), 512\.000mb \(536870912 bytes\)\]\.$/,
    );
    assert.throws(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.task.heap.size": "1800m" }),
      /Derived Network Memory size \(2\.240mb \(2348785 bytes\)\) is not in configured Network Memory range \[64\.000mb/,
    );
  });

  it("refuses inconsistent ranges, fractions and explicit sizes", () => {
    const refuses = (f: () => unknown, message: RegExp) =>
      assert.throws(f, (e: Error) => {
        assert.ok(e instanceof FlinkMemoryError, String(e));
        assert.match(e.message, message);
        return true;
      });
    refuses(
      () =>
        taskManagerMemory(4096 * MIB, {
          "taskmanager.memory.network.min": "512m",
          "taskmanager.memory.network.max": "256m",
        }),
      /^Configured max Network Memory \(256\.000mb \(268435456 bytes\)\) is less than the configured min Network Memory \(512\.000mb \(536870912 bytes\)\)\.$/,
    );
    // An equal min and max is a fixed size, not an error.
    assert.equal(
      jobManagerMemory(4096 * MIB, {
        "jobmanager.memory.jvm-overhead.min": "300m",
        "jobmanager.memory.jvm-overhead.max": "300m",
      }).overheadBytes,
      300 * MIB,
    );
    refuses(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.managed.fraction": "1" }),
      /^Configured Managed Memory fraction \(1\) must be in \[0, 1\)\.$/,
    );
    refuses(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.network.fraction": "-0.1" }),
      /^Configured Network Memory fraction \(-0\.1\) must be in \[0, 1\)\.$/,
    );
    // Zero is a valid fraction: no managed memory at all.
    assert.equal(
      taskManagerMemory(4096 * MIB, { "taskmanager.memory.managed.fraction": "0" }).managedBytes,
      0,
    );
    refuses(
      () => jobManagerMemory(4096 * MIB, { "jobmanager.memory.jvm-overhead.fraction": "" }),
      /^Could not parse value '' for key 'jobmanager\.memory\.jvm-overhead\.fraction'\.$/,
    );
    refuses(
      () => jobManagerMemory(4096 * MIB, { "jobmanager.memory.jvm-overhead.fraction": "a lot" }),
      /^Could not parse value 'a lot' for key 'jobmanager\.memory\.jvm-overhead\.fraction'\.$/,
    );
    refuses(
      () => jobManagerMemory(2048 * MIB, { "jobmanager.memory.heap.size": "1g" }),
      /^The configured JVM Heap Memory \(1024\.000mb \(1073741824 bytes\)\) and Off-heap Memory \(128\.000mb \(134217728 bytes\)\) do not add up to the Total Flink Memory \(1\.550gb \(1664299824 bytes\)\)\.$/,
    );
    // TFM equal to the off-heap memory leaves no heap: Flink needs it strictly larger.
    refuses(
      () =>
        jobManagerMemory(2048 * MIB, {
          "jobmanager.memory.flink.size": "128m",
          "jobmanager.memory.jvm-overhead.max": "2g",
        }),
      /^The configured Total Flink Memory \(128\.000mb \(134217728 bytes\)\) is less than or equal to the configured Off-heap Memory \(128\.000mb \(134217728 bytes\)\)\.$/,
    );
    refuses(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.task.heap.size": "2200m" }),
      /^Sum of configured Framework Heap Memory \(128\.000mb \(134217728 bytes\)\), Framework Off-Heap Memory \(128\.000mb \(134217728 bytes\)\), Task Heap Memory \(2\.148gb \(2306867200 bytes\)\), Task Off-Heap Memory \(0 bytes\) and Managed Memory \(1\.340gb \(1438814063 bytes\)\) exceed configured Total Flink Memory \(3\.350gb \(3597035104 bytes\)\)\.$/,
    );
    refuses(
      () => taskManagerMemory(4096 * MIB, { "taskmanager.memory.managed.size": "3g" }),
      /^Sum of configured Framework Heap Memory \(128\.000mb \(134217728 bytes\)\), Framework Off-Heap Memory \(128\.000mb \(134217728 bytes\)\), Task Off-Heap Memory \(0 bytes\), Managed Memory \(3\.000gb \(3221225472 bytes\)\) and Network Memory \(343\.040mb \(359703515 bytes\)\) exceed configured Total Flink Memory \(3\.350gb \(3597035104 bytes\)\)\.$/,
    );
  });

  it("reads sizes as Flink's MemorySize does, and prints them as Flink prints them", () => {
    for (const [text, bytes] of [
      ["42", 42n],
      ["42b", 42n],
      ["42 bytes", 42n],
      ["3k", 3n * 1024n],
      ["3 KB", 3n * 1024n],
      ["3kibibytes", 3n * 1024n],
      ["2m", 2n * 1024n ** 2n],
      ["2mb", 2n * 1024n ** 2n],
      ["2 mebibytes", 2n * 1024n ** 2n],
      ["1g", 1024n ** 3n],
      ["1gb", 1024n ** 3n],
      ["1gibibytes", 1024n ** 3n],
      ["1t", 1024n ** 4n],
      ["1tb", 1024n ** 4n],
      ["1 tebibytes", 1024n ** 4n],
      ["  512M  ", 512n * 1024n ** 2n],
    ] as const) {
      assert.equal(parseFlinkMemory("k", text), bytes, text);
    }
    for (const text of ["", "m", "1.5g", "-1m", "1 pb", "1g 2m"]) {
      assert.throws(
        () => parseFlinkMemory("some.key", text),
        (e: Error) => {
          assert.ok(e instanceof FlinkMemoryError);
          assert.equal(e.message, `Could not parse value '${text}' for key 'some.key'.`);
          return true;
        },
      );
    }
    // MemorySize.toHumanReadableString: the largest unit the size strictly exceeds.
    assert.equal(humanReadable(1024n), "1024 bytes");
    assert.equal(humanReadable(1025n), "1.001kb (1025 bytes)");
    assert.equal(humanReadable(1024n ** 2n), "1024.000kb (1048576 bytes)");
    assert.equal(humanReadable(1024n ** 3n + 1n), "1.000gb (1073741825 bytes)");
    assert.equal(humanReadable(1024n ** 4n + 1024n ** 3n), "1.001tb (1100585369600 bytes)");
    assert.equal(humanReadable(0n), "0 bytes");
  });

  it("multiplies by fractions in any decimal notation, truncating", () => {
    assert.equal(multiplyByFraction(1000n, 0.5), 500n);
    assert.equal(multiplyByFraction(999n, 0.5), 499n);
    assert.equal(multiplyByFraction(10n ** 9n, 5e-7), 500n);
    assert.equal(multiplyByFraction(3n, 1e21), 3n * 10n ** 21n);
    assert.equal(multiplyByFraction(7n, 0), 0n);
    assert.throws(() => multiplyByFraction(1n, -0.5), RangeError);
  });
});
