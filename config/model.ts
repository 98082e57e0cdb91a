/**
 * The resolved platform model: stack config with every inheritance made explicit (a job's
 * resources, version, image and HA mode), so components never look anything up twice.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FLINK_IMAGES, FlinkVersion } from "../components/versions";
import { taskManagersFor } from "./capacity";
import { Tier } from "./defaults";
import { PathSegment } from "./problems";
import { mergeLogging, mergePods, ResolvedLogging, ResolvedPod } from "./podMerge";
import {
  ApplicationJobConfig,
  HaMode,
  NamespaceConfig,
  SessionClusterConfig,
  SessionJobConfig,
  StackConfig,
  UpgradeMode,
  CapacityType,
} from "./schema";

export interface ProcessSpec {
  cpu: number;
  memoryBytes: number;
  replicas: number;
  /** Local disk for the Flink container (request and limit). */
  ephemeralStorageBytes?: number;
  /** Pod settings merged from every level (stack, namespace, cluster, process). */
  pod: ResolvedPod;
}

export interface JobModel {
  jarURI: string;
  entryClass?: string;
  args: string[];
  parallelism: number;
  state: "running" | "suspended";
  upgradeMode: UpgradeMode;
  /** The stack opted this job out of production's stateful-upgrade rule. */
  allowStatelessInProduction: boolean;
  initialSavepointPath?: string;
  savepointRedeployNonce?: number;
  allowNonRestoredState?: boolean;
}

export interface ReactiveModel {
  minTaskManagers: number;
  maxTaskManagers: number;
  cpuUtilization: number;
  memoryUtilization?: number;
  scaleDownStabilizationMs: number;
}

export interface AutoscalerModel {
  enabled: boolean;
  mode: "scale" | "advisory";
  targetUtilization: number;
  utilizationMin?: number;
  utilizationMax?: number;
  stabilizationIntervalMs: number;
  metricsWindowMs: number;
  scaleUpMaxFactor?: number;
  scaleDownMaxFactor?: number;
  catchUpDurationMs?: number;
  restartTimeMs?: number;
  minParallelism?: number;
  maxParallelism?: number;
  memoryTuning: boolean;
  inPlaceScaling: boolean;
}

/** One FlinkDeployment: an application job or a session cluster. */
export interface FlinkClusterModel {
  name: string;
  namespace: string;
  kind: "application" | "session";
  flinkVersion: FlinkVersion;
  image: string;
  taskSlots: number;
  jobManager: ProcessSpec;
  /** `replicasExplicit`: the user set replicas; otherwise derived from parallelism. */
  taskManager: ProcessSpec & { replicasExplicit: boolean };
  job?: JobModel;
  autoscaler?: AutoscalerModel;
  /** Reactive mode: standalone, TaskManagers scaled by an HPA between min and max. */
  reactive?: ReactiveModel;
  /** TaskManagers it may run at most: its replicas, or what its autoscaler (or HPA) may scale to. */
  taskManagerCeiling: number;
  /** The user's own Flink settings for this cluster (stack-wide, then per-cluster). */
  flinkConfiguration: Record<string, string>;
  logging: ResolvedLogging;
  /** Exposed through `ui.ingress`. */
  uiIngress: boolean;
  /** Karpenter: capacity types its TaskManagers may run on (JobManagers: on-demand only). */
  taskManagerCapacity?: CapacityType[];
  haMode: HaMode;
  /** Where this cluster is declared, for error messages. */
  path: PathSegment[];
}

export interface SessionJobModel extends JobModel {
  name: string;
  namespace: string;
  sessionCluster: string;
  autoscaler?: AutoscalerModel;
  flinkConfiguration: Record<string, string>;
  path: PathSegment[];
}

export interface SnapshotModel {
  name: string;
  namespace: string;
  jobKind: "FlinkDeployment" | "FlinkSessionJob";
  job: string;
  type: "savepoint" | "checkpoint";
  formatType: "CANONICAL" | "NATIVE";
  disposeOnDelete: boolean;
  backoffLimit: number;
}

export interface NamespaceModel {
  name: string;
  quota: NamespaceConfig["quota"];
  artifacts: NamespaceConfig["artifacts"];
  egress: NamespaceConfig["egress"];
  priority: NamespaceConfig["priority"];
  haMode: HaMode;
  flinkClusters: FlinkClusterModel[];
  sessionJobs: SessionJobModel[];
  snapshots: SnapshotModel[];
}

export type LoggingModel = Omit<StackConfig["logging"], "destination"> & {
  destination: NonNullable<StackConfig["logging"]["destination"]>;
};

export interface PlatformModel {
  environment: { name: string; tier: Tier };
  cluster: StackConfig["cluster"];
  storage: StackConfig["storage"];
  ha: StackConfig["ha"];
  operator: StackConfig["operator"];
  flink: StackConfig["flink"];
  monitoring: StackConfig["monitoring"];
  /** `destination` resolved: `cloudwatch` on EKS and `none` on an existing cluster unless set. */
  logging: LoggingModel;
  policy: StackConfig["policy"];
  ui: StackConfig["ui"];
  namespaces: NamespaceModel[];
  /** Secret config values referenced by the model (alert receiver URLs), keyed by config key. */
  secrets: Record<string, pulumi.Output<string>>;
}

export function resolveModel(
  stack: StackConfig,
  secrets: Record<string, pulumi.Output<string>> = {},
): PlatformModel {
  return {
    environment: stack.environment,
    cluster: stack.cluster,
    storage: stack.storage,
    ha: stack.ha,
    operator: stack.operator,
    flink: stack.flink,
    monitoring: stack.monitoring,
    logging: {
      ...stack.logging,
      destination: stack.logging.destination ?? (stack.cluster.provider === "eks" ? "cloudwatch" : "none"),
    },
    policy: stack.policy,
    ui: stack.ui,
    namespaces: stack.namespaces.map((ns, i) => resolveNamespace(stack, ns, ["namespaces", i])),
    secrets,
  };
}

function resolveNamespace(stack: StackConfig, ns: NamespaceConfig, path: PathSegment[]): NamespaceModel {
  const haMode = ns.ha?.mode ?? stack.ha.mode;
  const sessionJobs = ns.sessionJobs.map((job, i) =>
    resolveSessionJob(stack, ns, job, [...path, "sessionJobs", i]),
  );
  const sessionJobNames = new Set(sessionJobs.map((j) => j.name));
  return {
    name: ns.name,
    quota: ns.quota,
    artifacts: ns.artifacts,
    egress: ns.egress,
    priority: ns.priority,
    haMode,
    flinkClusters: [
      ...ns.jobs.map((job, i) => resolveApplication(stack, ns, haMode, job, [...path, "jobs", i])),
      ...ns.sessionClusters.map((sc, i) =>
        resolveSession(stack, ns, haMode, sc, sessionJobs, [...path, "sessionClusters", i]),
      ),
    ],
    sessionJobs,
    snapshots: ns.snapshots.map((s) => ({
      name: s.name,
      namespace: ns.name,
      jobKind: sessionJobNames.has(s.job) ? "FlinkSessionJob" : "FlinkDeployment",
      job: s.job,
      type: s.type,
      formatType: s.formatType,
      disposeOnDelete: s.disposeOnDelete,
      backoffLimit: s.backoffLimit,
    })),
  };
}

type ClusterBase = Pick<
  FlinkClusterModel,
  | "flinkVersion"
  | "image"
  | "taskSlots"
  | "jobManager"
  | "haMode"
  | "logging"
  | "uiIngress"
  | "taskManagerCapacity"
>;

/** The TaskManager's resources and pod settings (replicas are the caller's). */
function taskManagerBase(
  stack: StackConfig,
  ns: NamespaceConfig,
  c: ApplicationJobConfig | SessionClusterConfig,
): Omit<ProcessSpec, "replicas"> {
  return {
    cpu: c.taskManager.cpu ?? stack.flink.taskManager.cpu,
    memoryBytes: c.taskManager.memory ?? stack.flink.taskManager.memory,
    ephemeralStorageBytes: c.taskManager.ephemeralStorage ?? stack.flink.taskManager.ephemeralStorage,
    pod: mergePods(stack.flink.pod, stack.flink.taskManager.pod, ns.pod, c.pod, c.taskManager.pod),
  };
}

function clusterBase(
  stack: StackConfig,
  ns: NamespaceConfig,
  haMode: HaMode,
  c: ApplicationJobConfig | SessionClusterConfig,
): ClusterBase {
  const flinkVersion = c.flinkVersion ?? stack.flink.version;
  const defaultJmReplicas = haMode === "none" ? 1 : stack.ha.jobManagerReplicas;
  return {
    flinkVersion,
    image:
      c.image ??
      (flinkVersion === stack.flink.version && stack.flink.image
        ? stack.flink.image
        : FLINK_IMAGES[flinkVersion]),
    taskSlots: c.taskSlots ?? stack.flink.taskSlots,
    jobManager: {
      cpu: c.jobManager.cpu ?? stack.flink.jobManager.cpu,
      memoryBytes: c.jobManager.memory ?? stack.flink.jobManager.memory,
      replicas: c.jobManager.replicas ?? defaultJmReplicas,
      ephemeralStorageBytes: c.jobManager.ephemeralStorage ?? stack.flink.jobManager.ephemeralStorage,
      pod: mergePods(stack.flink.pod, stack.flink.jobManager.pod, ns.pod, c.pod, c.jobManager.pod),
    },
    haMode,
    logging: mergeLogging(stack.flink.logging, c.logging),
    uiIngress: c.ui?.ingress ?? false,
    taskManagerCapacity:
      stack.cluster.provider === "eks" && stack.cluster.karpenter
        ? (c.taskManagerCapacity ?? ns.taskManagerCapacity ?? stack.cluster.karpenter.taskManagerCapacity)
        : undefined,
  };
}

function jobModel(stack: StackConfig, job: ApplicationJobConfig | SessionJobConfig): JobModel {
  return {
    jarURI: job.jarURI,
    entryClass: job.entryClass,
    args: job.args,
    parallelism: job.parallelism,
    state: job.state,
    upgradeMode: job.upgradeMode ?? stack.flink.upgradeMode,
    allowStatelessInProduction: job.allowStatelessInProduction,
    initialSavepointPath: job.initialSavepointPath,
    savepointRedeployNonce: job.savepointRedeployNonce,
    allowNonRestoredState: job.allowNonRestoredState,
  };
}

function resolveApplication(
  stack: StackConfig,
  ns: NamespaceConfig,
  haMode: HaMode,
  job: ApplicationJobConfig,
  path: PathSegment[],
): FlinkClusterModel {
  const base = clusterBase(stack, ns, haMode, job);
  const autoscaler = autoscalerModel(job.autoscaler);
  const r = job.reactive;
  const reactive: ReactiveModel | undefined = r && {
    minTaskManagers: r.minTaskManagers ?? taskManagersFor(job.parallelism, base.taskSlots),
    maxTaskManagers: r.maxTaskManagers,
    cpuUtilization: r.cpuUtilization,
    memoryUtilization: r.memoryUtilization,
    scaleDownStabilizationMs: r.scaleDownStabilization,
  };
  // Reactive jobs start with their minimum; the operator then runs every slot of every TaskManager.
  const replicas =
    job.taskManager.replicas ?? reactive?.minTaskManagers ?? taskManagersFor(job.parallelism, base.taskSlots);
  return {
    name: job.name,
    namespace: ns.name,
    kind: "application",
    ...base,
    taskManager: {
      ...taskManagerBase(stack, ns, job),
      replicas,
      replicasExplicit: job.taskManager.replicas !== undefined || reactive !== undefined,
    },
    // Explicit replicas are fixed; an HPA may grow a reactive job to its maximum, the autoscaler
    // a native one to its ceiling.
    taskManagerCeiling:
      reactive?.maxTaskManagers ??
      job.taskManager.replicas ??
      Math.max(replicas, taskManagersFor(slotCeiling(job.parallelism, autoscaler), base.taskSlots)),
    job: jobModel(stack, job),
    autoscaler,
    reactive,
    flinkConfiguration: { ...stack.flink.flinkConfiguration, ...job.flinkConfiguration },
    path,
  };
}

function resolveSession(
  stack: StackConfig,
  ns: NamespaceConfig,
  haMode: HaMode,
  sc: SessionClusterConfig,
  sessionJobs: SessionJobModel[],
  path: PathSegment[],
): FlinkClusterModel {
  const base = clusterBase(stack, ns, haMode, sc);
  // Session jobs share the cluster's TaskManagers, so the demand is the sum of their slots.
  const mine = sessionJobs.filter((j) => j.sessionCluster === sc.name);
  const slotsNeeded = mine.reduce((sum, j) => sum + j.parallelism, 0);
  const slotsAtCeiling = mine.reduce((sum, j) => sum + slotCeiling(j.parallelism, j.autoscaler), 0);
  const replicas =
    sc.taskManager.replicas ?? (slotsNeeded > 0 ? taskManagersFor(slotsNeeded, base.taskSlots) : 0);
  return {
    name: sc.name,
    namespace: ns.name,
    kind: "session",
    ...base,
    taskManager: {
      ...taskManagerBase(stack, ns, sc),
      replicas,
      replicasExplicit: sc.taskManager.replicas !== undefined,
    },
    // Native session clusters start TaskManagers for the slots their jobs ask for.
    taskManagerCeiling:
      sc.taskManager.replicas ??
      Math.max(replicas, slotsAtCeiling > 0 ? taskManagersFor(slotsAtCeiling, base.taskSlots) : 0),
    flinkConfiguration: { ...stack.flink.flinkConfiguration, ...sc.flinkConfiguration },
    path,
  };
}

function resolveSessionJob(
  stack: StackConfig,
  ns: NamespaceConfig,
  job: SessionJobConfig,
  path: PathSegment[],
): SessionJobModel {
  return {
    name: job.name,
    namespace: ns.name,
    sessionCluster: job.sessionCluster,
    ...jobModel(stack, job),
    autoscaler: autoscalerModel(job.autoscaler),
    flinkConfiguration: job.flinkConfiguration,
    path,
  };
}

type AutoscalerConfig = NonNullable<ApplicationJobConfig["autoscaler"]>;

function autoscalerModel(a: AutoscalerConfig | undefined): AutoscalerModel | undefined {
  return (
    a && {
      enabled: a.enabled,
      mode: a.mode,
      targetUtilization: a.targetUtilization,
      utilizationMin: a.utilizationMin,
      utilizationMax: a.utilizationMax,
      stabilizationIntervalMs: a.stabilizationInterval,
      metricsWindowMs: a.metricsWindow,
      scaleUpMaxFactor: a.scaleUpMaxFactor,
      scaleDownMaxFactor: a.scaleDownMaxFactor,
      catchUpDurationMs: a.catchUpDuration,
      restartTimeMs: a.restartTime,
      minParallelism: a.minParallelism,
      maxParallelism: a.maxParallelism,
      memoryTuning: a.memoryTuning,
      inPlaceScaling: a.inPlaceScaling,
    }
  );
}

/** Slots a job may use at most: its parallelism, or its autoscaler's ceiling when that is higher. */
function slotCeiling(parallelism: number, a: AutoscalerModel | undefined): number {
  return a?.enabled && a.mode === "scale" && a.maxParallelism
    ? Math.max(parallelism, a.maxParallelism)
    : parallelism;
}
