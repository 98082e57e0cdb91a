/**
 * FlinkDeployment, FlinkSessionJob and FlinkStateSnapshot objects (flink.apache.org/v1beta1)
 * built from the model: pure, so tests read exactly what would be applied.
 */
import { FlinkClusterModel, JobModel, SessionJobModel, SnapshotModel } from "../../config/model";
import { formatFlinkSize } from "../../config/units";
import { FlinkVersion } from "../versions";
import { FLINK_SERVICE_ACCOUNT } from "./rbac";
import { deletionSafety } from "./flinkConfig";
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

export function flinkDeployment(
  cluster: FlinkClusterModel,
  flinkConfiguration: Record<string, string>,
  podTemplate: object,
  timeoutMs: number,
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
      imagePullPolicy: "IfNotPresent",
      flinkVersion: crdFlinkVersion(cluster.flinkVersion),
      serviceAccount: FLINK_SERVICE_ACCOUNT,
      mode: "native",
      flinkConfiguration,
      podTemplate,
      jobManager: {
        resource: { cpu: cluster.jobManager.cpu, memory: formatFlinkSize(cluster.jobManager.memoryBytes) },
        replicas: cluster.jobManager.replicas,
      },
      taskManager: {
        resource: { cpu: cluster.taskManager.cpu, memory: formatFlinkSize(cluster.taskManager.memoryBytes) },
        // Without replicas the operator derives ⌈parallelism ÷ slots⌉ itself (the same number).
        ...(cluster.taskManager.replicasExplicit ? { replicas: cluster.taskManager.replicas } : {}),
      },
      ...(cluster.job ? { job: jobSpec(cluster.job) } : {}),
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
      flinkConfiguration: { ...deletionSafety(job.upgradeMode), ...job.flinkConfiguration },
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
