/**
 * What a Flink JobManager in native mode does with the Kubernetes API, and nothing more:
 * it creates and deletes its TaskManager pods, keeps its configuration and (with
 * Kubernetes HA) leader ConfigMaps, and tears down its own Deployment when a job finishes.
 */
import type * as k8s from "@pulumi/kubernetes";

export const FLINK_SERVICE_ACCOUNT = "flink";

export function flinkRoleRules(kubernetesHa: boolean): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    {
      apiGroups: [""],
      resources: ["pods"],
      verbs: ["create", "delete", "get", "list", "watch", "patch", "update"],
    },
    {
      apiGroups: [""],
      resources: ["configmaps"],
      verbs: ["create", "delete", "get", "list", "watch", "patch", "update"],
    },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch", "delete"] },
    // Owner references from TaskManager pods to the JobManager Deployment.
    { apiGroups: ["apps"], resources: ["deployments/finalizers"], verbs: ["update"] },
    ...(kubernetesHa
      ? [
          {
            apiGroups: ["coordination.k8s.io"],
            resources: ["leases"],
            verbs: ["create", "delete", "get", "list", "watch", "patch", "update"],
          },
        ]
      : []),
  ];
}
