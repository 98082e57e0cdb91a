/**
 * A FlinkDeployment's flinkConfiguration, built from the resolved model without rendering: the
 * keys each Flink line reads, what the operator acts on, and what the user may override.
 */
import { strict as assert } from "assert";
import { stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import {
  autoscalerConfiguration,
  checkpointDirKey,
  deletionSafety,
  flinkConfiguration,
  FlinkConfigInput,
  isAtLeast,
  savepointDirKey,
} from "../components/flink/flinkConfig";

const STATE = { checkpoints: "s3://b/checkpoints", savepoints: "s3://b/savepoints", ha: "s3://b/ha" };

function modelOf(edit: (c: Record<string, any>) => void = () => {}) {
  const v = validate(stackVariant("prod", edit));
  if (!v.ok) throw new Error(v.problems.join("\n"));
  return resolveModel(v.stack);
}

/** The configuration of prod's `name` (edited), with IRSA and Kubernetes HA unless given. */
function confOf(
  name: string,
  edit?: (c: Record<string, any>) => void,
  input: Partial<FlinkConfigInput> = {},
) {
  const model = modelOf(edit);
  const cluster = model.namespaces.flatMap((n) => n.flinkClusters).find((c) => c.name === name)!;
  return flinkConfiguration({
    cluster,
    flink: model.flink,
    state: STATE,
    s3: { kind: "irsa", region: "eu-west-1" },
    ha: { mode: "kubernetes" },
    ...input,
  });
}

describe("flinkConfiguration", () => {
  it("compares Flink versions numerically, major first", () => {
    assert.equal(isAtLeast("1.20", "1.19"), true);
    assert.equal(isAtLeast("1.20", "1.20"), true);
    assert.equal(isAtLeast("1.19", "1.20"), false);
    assert.equal(isAtLeast("2.0", "1.20"), true);
    assert.equal(isAtLeast("1.20", "2.0"), false);
  });

  it("names state locations as each Flink line reads them (1.20 renamed them)", () => {
    assert.equal(checkpointDirKey("1.19"), "state.checkpoints.dir");
    assert.equal(savepointDirKey("1.19"), "state.savepoints.dir");
    assert.equal(checkpointDirKey("1.20"), "execution.checkpointing.dir");
    assert.equal(savepointDirKey("2.0"), "execution.checkpointing.savepoint-dir");
    const conf = confOf("fraud-detection");
    assert.equal(conf["execution.checkpointing.dir"], "s3://b/checkpoints/fraud-detection");
    assert.equal(conf["execution.checkpointing.savepoint-dir"], "s3://b/savepoints/fraud-detection");
    assert.equal(conf["state.checkpoints.dir"], undefined);
  });

  it("keeps checkpoints on cancellation and reports job state the alerts read", () => {
    const conf = confOf("fraud-detection");
    // last-state upgrades and restores need the latest checkpoint after the job is cancelled.
    assert.equal(conf["execution.checkpointing.externalized-checkpoint-retention"], "RETAIN_ON_CANCELLATION");
    assert.equal(conf["metrics.job.status.enable"], "STATE;CURRENT_TIME");
    assert.equal(conf["metrics.reporter.prom.port"], "9249");
  });

  it("makes checkpoints incremental only on RocksDB", () => {
    assert.equal(confOf("fraud-detection")["execution.checkpointing.incremental"], "true");
    const hashmap = confOf("fraud-detection", (c) => (c.flink.stateBackend = "hashmap"));
    assert.equal(hashmap["execution.checkpointing.incremental"], "false");
    const off = confOf("fraud-detection", (c) => (c.flink.checkpointing = { incremental: false }));
    assert.equal(off["execution.checkpointing.incremental"], "false");
  });

  it("reaches S3 by region with IRSA, and an in-cluster store by endpoint and path style", () => {
    const irsa = confOf("fraud-detection");
    assert.equal(irsa["fs.s3a.endpoint.region"], "eu-west-1");
    assert.equal(irsa["s3.endpoint"], undefined);
    const store = confOf("fraud-detection", undefined, {
      s3: { kind: "endpoint", endpoint: "http://store:9000" },
    });
    assert.deepEqual([store["s3.endpoint"], store["s3.path.style.access"]], ["http://store:9000", "true"]);
    assert.equal(store["fs.s3a.endpoint.region"], undefined);
  });

  it("configures HA per mode: none, Kubernetes, or ZooKeeper with a path per cluster", () => {
    const none = confOf("fraud-detection", undefined, { ha: { mode: "none" } });
    assert.deepEqual(
      Object.keys(none).filter((k) => k.startsWith("high-availability")),
      [],
    );
    const k8s = confOf("fraud-detection");
    assert.equal(k8s["high-availability.type"], "kubernetes");
    assert.equal(k8s["high-availability.storageDir"], "s3://b/ha/fraud-detection");
    assert.equal(k8s["high-availability.zookeeper.quorum"], undefined);
    const zk = confOf("fraud-detection", undefined, {
      ha: { mode: "zookeeper", quorum: "zk-0:2181,zk-1:2181" },
    });
    assert.equal(zk["high-availability.type"], "zookeeper");
    assert.equal(zk["high-availability.zookeeper.quorum"], "zk-0:2181,zk-1:2181");
    assert.equal(zk["high-availability.zookeeper.path.root"], "/flink/payments/fraud-detection");
  });

  it("writes every restart strategy's own keys", () => {
    const strategy = (rs: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(confOf("fraud-detection", (c) => (c.flink.restartStrategy = rs))).filter(([k]) =>
          k.startsWith("restart-strategy"),
        ),
      );
    assert.deepEqual(strategy({ type: "exponential-delay", attempts: 4, delay: "5 s", maxDelay: "2 min" }), {
      "restart-strategy.type": "exponential-delay",
      "restart-strategy.exponential-delay.initial-backoff": "5 s",
      "restart-strategy.exponential-delay.max-backoff": "2 min",
      "restart-strategy.exponential-delay.attempts-before-reset-backoff": "4",
    });
    assert.deepEqual(strategy({ type: "fixed-delay", attempts: 3, delay: "10 s" }), {
      "restart-strategy.type": "fixed-delay",
      "restart-strategy.fixed-delay.attempts": "3",
      "restart-strategy.fixed-delay.delay": "10 s",
    });
    assert.deepEqual(strategy({ type: "failure-rate", attempts: 5, delay: "1 s", maxDelay: "10 min" }), {
      "restart-strategy.type": "failure-rate",
      "restart-strategy.failure-rate.max-failures-per-interval": "5",
      "restart-strategy.failure-rate.failure-rate-interval": "10 min",
      "restart-strategy.failure-rate.delay": "1 s",
    });
  });

  it("savepoints stateful jobs on deletion and disposes the operator's savepoints with their history", () => {
    assert.deepEqual(deletionSafety("stateless"), {});
    for (const mode of ["savepoint", "last-state"]) {
      assert.deepEqual(deletionSafety(mode), { "kubernetes.operator.job.savepoint-on-deletion": "true" });
    }
    const conf = confOf("fraud-detection");
    assert.equal(conf["kubernetes.operator.job.savepoint-on-deletion"], "true");
    assert.equal(conf["kubernetes.operator.savepoint.dispose-on-delete"], "true");
    assert.equal(conf["kubernetes.operator.periodic.savepoint.interval"], "6 h");
    const noPeriodic = confOf("fraud-detection", (c) => delete c.flink.savepoints.periodicInterval);
    assert.equal(noPeriodic["kubernetes.operator.periodic.savepoint.interval"], undefined);
  });

  it("runs reactive jobs in reactive scheduler mode, and lets the user's own settings win", () => {
    assert.equal(confOf("ledger-reconciliation")["scheduler-mode"], "REACTIVE");
    assert.equal(confOf("fraud-detection")["scheduler-mode"], undefined);
    const own = confOf("fraud-detection", (c) => {
      c.namespaces[1].jobs[0].flinkConfiguration = { "execution.checkpointing.mode": "AT_LEAST_ONCE" };
    });
    assert.equal(own["execution.checkpointing.mode"], "AT_LEAST_ONCE");
  });

  it("lists keys in order, so the custom resource and its diff are stable", () => {
    const keys = Object.keys(confOf("fraud-detection"));
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => a.localeCompare(b)),
    );
  });
});

describe("autoscalerConfiguration", () => {
  const base = {
    enabled: true,
    mode: "scale" as "scale" | "advisory",
    targetUtilization: 0.7,
    stabilizationIntervalMs: 300_000,
    metricsWindowMs: 600_000,
    memoryTuning: false,
    inPlaceScaling: true,
  };

  it("writes only the settings given, plus the quota and in-place scaling for application jobs", () => {
    assert.deepEqual(autoscalerConfiguration(base, undefined, false), {
      "job.autoscaler.enabled": "true",
      "job.autoscaler.scaling.enabled": "true",
      "job.autoscaler.utilization.target": "0.7",
      "job.autoscaler.stabilization.interval": "5 min",
      "job.autoscaler.metrics.window": "10 min",
      "job.autoscaler.memory.tuning.enabled": "false",
    });
    const full = autoscalerConfiguration(
      {
        ...base,
        utilizationMin: 0.5,
        utilizationMax: 0.9,
        scaleUpMaxFactor: 2,
        scaleDownMaxFactor: 0.5,
        catchUpDurationMs: 900_000,
        restartTimeMs: 120_000,
        minParallelism: 2,
        maxParallelism: 64,
        memoryTuning: true,
      },
      { cpu: 40, memoryBytes: 160 * 1024 ** 3 },
      true,
    );
    assert.deepEqual(full, {
      "job.autoscaler.enabled": "true",
      "job.autoscaler.scaling.enabled": "true",
      "job.autoscaler.utilization.target": "0.7",
      "job.autoscaler.utilization.min": "0.5",
      "job.autoscaler.utilization.max": "0.9",
      "job.autoscaler.stabilization.interval": "5 min",
      "job.autoscaler.metrics.window": "10 min",
      "job.autoscaler.scale-up.max-factor": "2",
      "job.autoscaler.scale-down.max-factor": "0.5",
      "job.autoscaler.catch-up.duration": "15 min",
      "job.autoscaler.restart.time": "2 min",
      "job.autoscaler.vertex.min-parallelism": "2",
      "job.autoscaler.vertex.max-parallelism": "64",
      "job.autoscaler.memory.tuning.enabled": "true",
      "job.autoscaler.quota.cpu": "40",
      "job.autoscaler.quota.memory": "160g",
      "jobmanager.scheduler": "adaptive",
      "kubernetes.operator.job.upgrade.inplace-scaling.enabled": "true",
    });
  });

  it("switches to the adaptive scheduler only for an application job that scales in place", () => {
    const inPlace = (a: Partial<typeof base>, application = true) =>
      autoscalerConfiguration({ ...base, ...a }, undefined, application)["jobmanager.scheduler"] ===
      "adaptive";
    assert.equal(inPlace({}), true);
    assert.equal(inPlace({}, false), false, "session job");
    assert.equal(inPlace({ mode: "advisory" }), false);
    assert.equal(inPlace({ enabled: false }), false);
    assert.equal(inPlace({ inPlaceScaling: false }), false);
    assert.equal(
      autoscalerConfiguration({ ...base, mode: "advisory" }, undefined, true)[
        "job.autoscaler.scaling.enabled"
      ],
      "false",
    );
  });
});
