/**
 * The HorizontalPodAutoscaler of a reactive job: it scales the FlinkDeployment through the CRD's
 * scale subresource (specReplicasPath `.spec.taskManager.replicas`, labelSelectorPath
 * `.status.taskManager.labelSelector`: flink-kubernetes-operator release-1.15.0
 * crds/flinkdeployments.flink.apache.org-v1.yml), so it reads the TaskManager pods' usage and
 * changes only their count. Pure.
 */
import type * as k8s from "@pulumi/kubernetes";
import { FlinkClusterModel } from "../../config/model";
import { FLINK_API_VERSION } from "../flink/customResources";

export type HorizontalPodAutoscaler = k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler & {
  apiVersion: "autoscaling/v2";
  kind: "HorizontalPodAutoscaler";
  metadata: { name: string; namespace: string };
};

export function taskManagerHpa(cluster: FlinkClusterModel): HorizontalPodAutoscaler | undefined {
  const r = cluster.reactive;
  if (!r) return undefined;
  const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({
    type: "Resource" as const,
    resource: { name, target: { type: "Utilization" as const, averageUtilization } },
  });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name: cluster.name,
      namespace: cluster.namespace,
      labels: { "app.kubernetes.io/part-of": "flink-platform" },
    },
    spec: {
      scaleTargetRef: { apiVersion: FLINK_API_VERSION, kind: "FlinkDeployment", name: cluster.name },
      minReplicas: r.minTaskManagers,
      maxReplicas: r.maxTaskManagers,
      metrics: [
        utilization("cpu", r.cpuUtilization),
        ...(r.memoryUtilization !== undefined ? [utilization("memory", r.memoryUtilization)] : []),
      ],
      // Every change restarts the job from its last checkpoint: scale down only after a quiet spell.
      behavior: { scaleDown: { stabilizationWindowSeconds: Math.round(r.scaleDownStabilizationMs / 1000) } },
    },
  };
}
