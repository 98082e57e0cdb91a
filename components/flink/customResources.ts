/**
 * FlinkDeployment, FlinkSessionJob and FlinkStateSnapshot objects (flink.apache.org/v1beta1)
 * built from the model: pure, so tests read exactly what would be applied.
 */
import { FlinkClusterModel, JobModel, ProcessSpec, SessionJobModel, SnapshotModel } from "../../config/model";
import { formatFlinkSize, formatQuantity } from "../../config/units";
import { LOG4J_CONSOLE_FILE, log4jConsoleProperties } from "./logging";
import { FlinkVersion } from "../versions";
import { FLINK_SERVICE_ACCOUNT } from "./rbac";
import { autoscalerConfiguration, deletionSafety } from "./flinkConfig";
// Marks a job the stack opted out of production's stateful-upgrade rule; the policy pack honours it.
import { STATELESS_APPROVED_ANNOTATION } from "../../policies/annotations";

import { K8sObject } from "../kube/object";

export { K8sObject };

export const FLINK_API_VERSION = "flink.apache.org/v1beta1";

/** The CRD's `flinkVersion` enum value: 1.20 → v1_20. */
export function crdFlinkVersion(version: FlinkVersion): string {
  return `v${version.replace(".", "_")}`;
}

/** pulumi-kubernetes waits on a custom resource only when it carries this annotation (4.18+). */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
export const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/**
 * When `pulumi up` may call a Flink resource ready, in pulumi-kubernetes' `waitFor` syntax (a JSON
 * list: every expression must hold; provider/pkg/metadata/overrides.go). `condition=Running`
 * also waits until the operator has observed the current generation (await/condition/kubectl.go),
 * so an update is never judged on the previous spec's status. The operator sets that condition
 * True for an application when its job is RUNNING and for a session cluster when its JobManager
 * is READY (flink-kubernetes-operator release-1.15.0, api/utils/ConditionsUtils.java).
 * FlinkSessionJobs have no conditions, so their status fields are read directly.
 */
export function readiness(
  kind: "application" | "session" | "session-job" | "snapshot",
  state: "running" | "suspended" = "running",
): string[] {
  if (kind === "snapshot") return ["jsonpath={.status.state}=COMPLETED"];
  if (state === "suspended") return ["jsonpath={.status.lifecycleState}=SUSPENDED"];
  switch (kind) {
    case "application":
      return ["condition=Running", "jsonpath={.status.lifecycleState}=STABLE"];
    case "session":
      return ["condition=Running", "jsonpath={.status.jobManagerDeploymentStatus}=READY"];
    case "session-job":
      return ["jsonpath={.status.jobStatus.state}=RUNNING", "jsonpath={.status.lifecycleState}=STABLE"];
  }
}

function annotations(
  job: JobModel | undefined,
  wait: string[],
  timeoutMs: number,
): { annotations: Record<string, string> } {
  return {
    annotations: {
      [WAIT_FOR_ANNOTATION]: JSON.stringify(wait),
      [TIMEOUT_ANNOTATION]: String(Math.round(timeoutMs / 1000)),
      ...(job?.allowStatelessInProduction && job.upgradeMode === "stateless"
        ? { [STATELESS_APPROVED_ANNOTATION]: "true" }
        : {}),
    },
  };
}

function labels(component: string): Record<string, string> {
  return { "app.kubernetes.io/part-of": "flink-platform", "app.kubernetes.io/component": component };
}

function jobSpec(job: JobModel): Record<string, unknown> {
  return {
    jarURI: job.jarURI,
    ...(job.entryClass ? { entryClass: job.entryClass } : {}),
    args: job.args,
    parallelism: job.parallelism,
    state: job.state,
    upgradeMode: job.upgradeMode,
    ...(job.initialSavepointPath ? { initialSavepointPath: job.initialSavepointPath } : {}),
    ...(job.savepointRedeployNonce !== undefined
      ? { savepointRedeployNonce: job.savepointRedeployNonce }
      : {}),
    ...(job.allowNonRestoredState !== undefined ? { allowNonRestoredState: job.allowNonRestoredState } : {}),
  };
}

/** A Flink process's resources as the CRD takes them; ephemeral storage lands on the main container. */
function processResource(p: ProcessSpec): Record<string, unknown> {
  return {
    cpu: p.cpu,
    memory: formatFlinkSize(p.memoryBytes),
    // The operator writes it into the main container's requests and limits (FlinkConfigBuilder
    // applyResourceToPodTemplate, release-1.15.0); Flink keeps non-cpu/memory resources.
    ...(p.ephemeralStorageBytes !== undefined
      ? { ephemeralStorage: formatQuantity(p.ephemeralStorageBytes) }
      : {}),
  };
}

/**
 * One FlinkDeployment. Each process gets its whole pod template (no common `spec.podTemplate`):
 * the operator merges a common template into the process's one array by array, by position
 * unless `merge-arrays-by-name` is set (FlinkUtils.mergePodTemplates, release-1.15.0), which
 * would pair the platform's containers and tolerations with unrelated ones.
 */
export function flinkDeployment(
  cluster: FlinkClusterModel,
  flinkConfiguration: Record<string, string>,
  podTemplates: { jobManager: object; taskManager: object },
  timeoutMs: number,
  ingress?: Record<string, unknown>,
): K8sObject {
  return {
    apiVersion: FLINK_API_VERSION,
    kind: "FlinkDeployment",
    metadata: {
      name: cluster.name,
      namespace: cluster.namespace,
      labels: labels(cluster.kind),
      ...annotations(cluster.job, readiness(cluster.kind, cluster.job?.state), timeoutMs),
    },
    spec: {
      image: cluster.image,
      // Sets kubernetes.container.image.pull-policy for every Flink pod (FlinkConfigBuilder).
      imagePullPolicy: cluster.jobManager.pod.imagePullPolicy ?? "IfNotPresent",
      flinkVersion: crdFlinkVersion(cluster.flinkVersion),
      serviceAccount: FLINK_SERVICE_ACCOUNT,
      // Reactive jobs run standalone: the operator scales their TaskManager Deployment in place.
      mode: cluster.reactive ? "standalone" : "native",
      flinkConfiguration,
      // The whole console log configuration: the operator ships it instead of its default file.
      logConfiguration: { [LOG4J_CONSOLE_FILE]: log4jConsoleProperties(cluster.logging) },
      jobManager: {
        resource: processResource(cluster.jobManager),
        replicas: cluster.jobManager.replicas,
        podTemplate: podTemplates.jobManager,
      },
      taskManager: {
        resource: processResource(cluster.taskManager),
        // Without replicas the operator derives ⌈parallelism ÷ slots⌉ itself (the same number).
        ...(cluster.taskManager.replicasExplicit ? { replicas: cluster.taskManager.replicas } : {}),
        podTemplate: podTemplates.taskManager,
      },
      ...(cluster.job
        ? {
            job: cluster.reactive
              ? // With replicas set the operator uses replicas × slots (FlinkConfigBuilder, release-1.15.0).
                { ...jobSpec(cluster.job), parallelism: cluster.taskManager.replicas * cluster.taskSlots }
              : jobSpec(cluster.job),
          }
        : {}),
      ...(ingress ? { ingress } : {}),
    },
  };
}

export function flinkSessionJob(job: SessionJobModel, timeoutMs: number): K8sObject {
  return {
    apiVersion: FLINK_API_VERSION,
    kind: "FlinkSessionJob",
    metadata: {
      name: job.name,
      namespace: job.namespace,
      labels: labels("session-job"),
      ...annotations(job, readiness("session-job", job.state), timeoutMs),
    },
    spec: {
      deploymentName: job.sessionCluster,
      flinkConfiguration: {
        ...deletionSafety(job.upgradeMode),
        // A session job scales its own parallelism; the session cluster starts TaskManagers for it.
        ...(job.autoscaler ? autoscalerConfiguration(job.autoscaler, undefined, false) : {}),
        ...job.flinkConfiguration,
      },
      job: jobSpec(job),
    },
  };
}

export function flinkStateSnapshot(snapshot: SnapshotModel, timeoutMs: number): K8sObject {
  return {
    apiVersion: FLINK_API_VERSION,
    kind: "FlinkStateSnapshot",
    metadata: {
      name: snapshot.name,
      namespace: snapshot.namespace,
      labels: labels("snapshot"),
      ...annotations(undefined, readiness("snapshot"), timeoutMs),
    },
    spec: {
      jobReference: { kind: snapshot.jobKind, name: snapshot.job },
      backoffLimit: snapshot.backoffLimit,
      // The savepoint path is left to the job's configured savepoint directory.
      ...(snapshot.type === "savepoint"
        ? {
            savepoint: {
              formatType: snapshot.formatType,
              disposeOnDelete: snapshot.disposeOnDelete,
              alreadyExists: false,
            },
          }
        : { checkpoint: {} }),
    },
  };
}
