/**
 * Flink configuration per cluster, generated for its Flink version: 1.20 key names on 1.20
 * and 2.x, the pre-1.20 names on 1.19, and nothing the operator forbids. All values strings.
 */
import { FlinkVersion } from "../versions";
import { formatDuration, formatFlinkSize } from "../../config/units";
import { AutoscalerModel, FlinkClusterModel } from "../../config/model";
import { StackConfig } from "../../config/schema";
import { TASKMANAGER_SERVICE_ACCOUNT } from "./rbac";

export const METRICS_PORT = 9249;
/** Flink's REST port (rest.port default), which the operator uses to submit, savepoint and observe jobs. */
export const FLINK_REST_PORT = 8081;

/** Options the platform writes whose values are lists: Flink separates list items with ';'. */
export const LIST_OPTIONS = [
  "metrics.job.status.enable",
  "kubernetes.operator.user.artifacts.allowed-schemes",
];
export const METRICS_PORT_NAME = "metrics";

/** Where a namespace's state lives on the object store (s3:// URIs). */
export interface StateLocations {
  checkpoints: string;
  savepoints: string;
  ha: string;
}

/** How Flink reaches the object store. */
export type S3Access =
  | { kind: "irsa"; region: string }
  /** In-cluster store: endpoint + path-style; credentials come from env vars set from a Secret. */
  | { kind: "endpoint"; endpoint: string };

export type HaSettings = { mode: "kubernetes" } | { mode: "zookeeper"; quorum: string } | { mode: "none" };

/** Keys whose name changed; index = [<=1.19 name, >=1.20 name]. */
const RENAMED = {
  checkpointDir: ["state.checkpoints.dir", "execution.checkpointing.dir"],
  savepointDir: ["state.savepoints.dir", "execution.checkpointing.savepoint-dir"],
  incremental: ["state.backend.incremental", "execution.checkpointing.incremental"],
  retained: ["state.checkpoints.num-retained", "execution.checkpointing.num-retained"],
} as const;

/**
 * Pre-1.20 names and older aliases, with their current name. Flink 2.x still reads them as
 * deprecated keys (CheckpointingOptions.withDeprecatedKeys, release-2.2.0), but the platform writes
 * the current names, and a second name for the same option would make the effective value depend
 * on key precedence, so on 2.x only the current name is accepted.
 */
export const DEPRECATED_IN_2: Record<string, string> = {
  "state.checkpoints.dir": "execution.checkpointing.dir",
  "state.savepoints.dir": "execution.checkpointing.savepoint-dir",
  "state.backend.incremental": "execution.checkpointing.incremental",
  "state.checkpoints.num-retained": "execution.checkpointing.num-retained",
  "state.backend": "state.backend.type",
  "high-availability": "high-availability.type",
  "restart-strategy": "restart-strategy.type",
};

/** Keys that only exist from 1.20 on. */
export const INTRODUCED_IN_1_20: Record<string, string> = Object.fromEntries(
  Object.values(RENAMED).map(([old, current]) => [current, old]),
);

/** Set by the operator; it refuses a FlinkDeployment that sets them. */
export const OPERATOR_FORBIDDEN_KEYS = [
  "kubernetes.namespace",
  "kubernetes.cluster-id",
  "high-availability.cluster-id",
];

export function isAtLeast(version: FlinkVersion, other: FlinkVersion): boolean {
  const [a, b] = [version, other].map((v) => v.split(".").map(Number));
  return a[0] !== b[0] ? a[0] > b[0] : a[1] >= b[1];
}

export function keyFor(version: FlinkVersion, key: keyof typeof RENAMED): string {
  return RENAMED[key][isAtLeast(version, "1.20") ? 1 : 0];
}

export function checkpointDirKey(version: FlinkVersion): string {
  return keyFor(version, "checkpointDir");
}
export function savepointDirKey(version: FlinkVersion): string {
  return keyFor(version, "savepointDir");
}

/**
 * Credentials provider for Flink's S3 plugin. Every line from 1.19 to 2.2 bundles Hadoop 3.3.4
 * with AWS SDK v1 (1.12.779) and relocates neither (apache/flink release-1.20.3 and
 * release-2.2.0: flink-filesystems/pom.xml `fs.hadoopshaded.version`, flink-s3-fs-base/pom.xml
 * `fs.s3.aws.version`, flink-s3-fs-hadoop NOTICE), so the SDK v1 class names apply to all of them;
 * an SDK v2 name would fail to load. Hadoop 3.3.4's default chain has no web-identity provider,
 * so IRSA needs it named.
 */
export function credentialsProvider(access: S3Access): string {
  return access.kind === "irsa"
    ? "com.amazonaws.auth.WebIdentityTokenCredentialsProvider"
    : "com.amazonaws.auth.EnvironmentVariableCredentialsProvider";
}

export interface FlinkConfigInput {
  cluster: FlinkClusterModel;
  flink: StackConfig["flink"];
  state: StateLocations;
  s3: S3Access;
  ha: HaSettings;
  /** What the namespace quota leaves the job's autoscaler (components/governance/fit.ts). */
  autoscalerQuota?: { cpu: number; memoryBytes: number };
}

/** The complete `flinkConfiguration` of one FlinkDeployment. */
export function flinkConfiguration(input: FlinkConfigInput): Record<string, string> {
  const { cluster, flink, state, s3, ha } = input;
  const v = cluster.flinkVersion;
  const cp = flink.checkpointing;
  const rs = flink.restartStrategy;
  const conf: Record<string, string> = {
    "taskmanager.numberOfTaskSlots": String(cluster.taskSlots),
    "state.backend.type": flink.stateBackend,
    [keyFor(v, "checkpointDir")]: `${state.checkpoints}/${cluster.name}`,
    [keyFor(v, "savepointDir")]: `${state.savepoints}/${cluster.name}`,
    [keyFor(v, "incremental")]: String(cp.incremental && flink.stateBackend === "rocksdb"),
    [keyFor(v, "retained")]: String(cp.retained),
    "execution.checkpointing.interval": formatDuration(cp.interval),
    "execution.checkpointing.mode": cp.mode,
    "execution.checkpointing.timeout": formatDuration(cp.timeout),
    "execution.checkpointing.min-pause": formatDuration(cp.minPause),
    "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
    "restart-strategy.type": rs.type,
    ...restartStrategy(rs),
    "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "metrics.reporter.prom.port": String(METRICS_PORT),
    // <status>State gauges (runningState, restartingState…) drive the "job not running" alert.
    // A list of enum values: Flink splits list values on ';' (a comma would be read as one value
    // and refused when the scheduler starts).
    "metrics.job.status.enable": "STATE;CURRENT_TIME",
    "fs.s3a.aws.credentials.provider": credentialsProvider(s3),
    // TaskManagers run user code: their own service account, without the JobManager's API rights.
    // The operator sets only the fallback key kubernetes.service-account (FlinkConfigBuilder.applyServiceAccount).
    "kubernetes.taskmanager.service-account": TASKMANAGER_SERVICE_ACCOUNT,
    ...(s3.kind === "endpoint"
      ? { "s3.endpoint": s3.endpoint, "s3.path.style.access": "true" }
      : { "fs.s3a.endpoint.region": s3.region }),
    ...haConfiguration(cluster, state, ha),
    ...savepointHistory(flink),
    ...(cluster.job ? deletionSafety(cluster.job.upgradeMode) : {}),
    ...(cluster.autoscaler ? autoscalerConfiguration(cluster.autoscaler, input.autoscalerQuota, true) : {}),
    // Standalone reactive mode: the job takes every slot of the TaskManagers the HPA runs.
    ...(cluster.reactive ? { "scheduler-mode": "REACTIVE" } : {}),
    // The user's own settings win; admission checks refuse the keys that must not be set.
    ...cluster.flinkConfiguration,
  };
  return Object.fromEntries(Object.entries(conf).sort(([a], [b]) => a.localeCompare(b)));
}

function restartStrategy(rs: StackConfig["flink"]["restartStrategy"]): Record<string, string> {
  switch (rs.type) {
    case "exponential-delay":
      return {
        "restart-strategy.exponential-delay.initial-backoff": formatDuration(rs.delay),
        "restart-strategy.exponential-delay.max-backoff": formatDuration(rs.maxDelay),
        "restart-strategy.exponential-delay.attempts-before-reset-backoff": String(rs.attempts),
      };
    case "fixed-delay":
      return {
        "restart-strategy.fixed-delay.attempts": String(rs.attempts),
        "restart-strategy.fixed-delay.delay": formatDuration(rs.delay),
      };
    case "failure-rate":
      return {
        "restart-strategy.failure-rate.max-failures-per-interval": String(rs.attempts),
        "restart-strategy.failure-rate.failure-rate-interval": formatDuration(rs.maxDelay),
        "restart-strategy.failure-rate.delay": formatDuration(rs.delay),
      };
  }
}

function haConfiguration(
  cluster: FlinkClusterModel,
  state: StateLocations,
  ha: HaSettings,
): Record<string, string> {
  if (ha.mode === "none") return {};
  const common = {
    "high-availability.type": ha.mode,
    "high-availability.storageDir": `${state.ha}/${cluster.name}`,
  };
  return ha.mode === "kubernetes"
    ? common
    : {
        ...common,
        "high-availability.zookeeper.quorum": ha.quorum,
        "high-availability.zookeeper.path.root": `/flink/${cluster.namespace}/${cluster.name}`,
      };
}

/**
 * A stateful job's state survives the removal (or rename) of its resource: the operator takes a
 * savepoint before deleting the cluster (`kubernetes.operator.job.savepoint-on-deletion`,
 * dynamic, default false; KubernetesOperatorConfigOptions, release-1.15.0). The path is in the
 * resource's last status and under the job's savepoint directory; restore it with
 * `initialSavepointPath` (README, Operations).
 */
export function deletionSafety(upgradeMode: string): Record<string, string> {
  return upgradeMode === "stateless" ? {} : { "kubernetes.operator.job.savepoint-on-deletion": "true" };
}

function savepointHistory(flink: StackConfig["flink"]): Record<string, string> {
  const sp = flink.savepoints;
  return {
    // Periodic and upgrade savepoints the operator creates are disposed (their data deleted) when
    // they leave the history; otherwise their data piles up forever (dispose-on-delete defaults to
    // false). Manual FlinkStateSnapshots keep their own `disposeOnDelete`, false unless asked.
    "kubernetes.operator.savepoint.dispose-on-delete": "true",
    ...(sp.periodicInterval
      ? { "kubernetes.operator.periodic.savepoint.interval": formatDuration(sp.periodicInterval) }
      : {}),
    "kubernetes.operator.savepoint.history.max.age": formatDuration(sp.historyMaxAge),
    "kubernetes.operator.savepoint.history.max.count": String(sp.historyMaxCount),
  };
}

/**
 * The operator autoscaler's options (AutoScalerOptions, flink-kubernetes-operator release-1.15.0),
 * the quota the namespace leaves it (see autoscalerQuota), and, for application jobs that ask for
 * in-place scaling, the adaptive scheduler the operator's in-place rescale needs
 * (NativeFlinkService.supportsInPlaceScaling: Flink 1.18+, `jobmanager.scheduler: adaptive`).
 */
export function autoscalerConfiguration(
  a: AutoscalerModel,
  quota: { cpu: number; memoryBytes: number } | undefined,
  application: boolean,
): Record<string, string> {
  const optional = (key: string, value: string | undefined) => (value === undefined ? {} : { [key]: value });
  const inPlace = application && a.enabled && a.mode === "scale" && a.inPlaceScaling;
  return {
    "job.autoscaler.enabled": String(a.enabled),
    "job.autoscaler.scaling.enabled": String(a.mode === "scale"),
    "job.autoscaler.utilization.target": String(a.targetUtilization),
    ...optional("job.autoscaler.utilization.min", a.utilizationMin?.toString()),
    ...optional("job.autoscaler.utilization.max", a.utilizationMax?.toString()),
    "job.autoscaler.stabilization.interval": formatDuration(a.stabilizationIntervalMs),
    "job.autoscaler.metrics.window": formatDuration(a.metricsWindowMs),
    ...optional("job.autoscaler.scale-up.max-factor", a.scaleUpMaxFactor?.toString()),
    ...optional("job.autoscaler.scale-down.max-factor", a.scaleDownMaxFactor?.toString()),
    ...optional(
      "job.autoscaler.catch-up.duration",
      a.catchUpDurationMs === undefined ? undefined : formatDuration(a.catchUpDurationMs),
    ),
    ...optional(
      "job.autoscaler.restart.time",
      a.restartTimeMs === undefined ? undefined : formatDuration(a.restartTimeMs),
    ),
    ...optional("job.autoscaler.vertex.min-parallelism", a.minParallelism?.toString()),
    ...optional("job.autoscaler.vertex.max-parallelism", a.maxParallelism?.toString()),
    "job.autoscaler.memory.tuning.enabled": String(a.memoryTuning),
    ...(quota
      ? {
          "job.autoscaler.quota.cpu": String(quota.cpu),
          "job.autoscaler.quota.memory": formatFlinkSize(quota.memoryBytes),
        }
      : {}),
    ...(inPlace
      ? {
          "jobmanager.scheduler": "adaptive",
          "kubernetes.operator.job.upgrade.inplace-scaling.enabled": "true",
        }
      : {}),
  };
}
