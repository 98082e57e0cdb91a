/**
 * What Flink's processes do with the Kubernetes API, and nothing more. The JobManager (native
 * mode) creates and deletes its TaskManager pods, keeps its configuration and (with Kubernetes
 * HA) leader ConfigMaps, and tears down its own Deployment when a job finishes. TaskManagers run
 * user code, so they get their own service account: it carries only the S3 role, plus, with
 * Kubernetes HA, read access to the leader ConfigMaps they retrieve the JobManager's address from.
 * Flink ≥ 1.15 elects leaders on ConfigMaps, not Leases, so no Lease grant exists.
 */
import type * as k8s from "@pulumi/kubernetes";

export const FLINK_SERVICE_ACCOUNT = "flink";
export const TASKMANAGER_SERVICE_ACCOUNT = "flink-taskmanager";

const ALL = ["create", "delete", "get", "list", "watch", "patch", "update"];

export function jobManagerRoleRules(): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["pods"], verbs: ALL },
    { apiGroups: [""], resources: ["configmaps"], verbs: ALL },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch", "delete"] },
    // Owner references from TaskManager pods to the JobManager Deployment.
    { apiGroups: ["apps"], resources: ["deployments/finalizers"], verbs: ["update"] },
  ];
}

/** None without Kubernetes HA: then TaskManagers never call the Kubernetes API. */
export function taskManagerRoleRules(kubernetesHa: boolean): k8s.types.input.rbac.v1.PolicyRule[] {
  return kubernetesHa
    ? [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }]
    : [];
}
