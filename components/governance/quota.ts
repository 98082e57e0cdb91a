/** Namespace quota and limit objects from the model: pure data. */
import { NamespaceModel, PlatformModel } from "../../config/model";
import { formatQuantity } from "../../config/units";
import { formatCpu } from "../kube/podSecurity";

export function resourceQuotaHard(ns: NamespaceModel): Record<string, string> {
  const q = ns.quota;
  return {
    "requests.cpu": formatCpu(q.cpu),
    "limits.cpu": formatCpu(q.cpu),
    "requests.memory": formatQuantity(q.memory),
    "limits.memory": formatQuantity(q.memory),
    pods: String(q.pods),
    persistentvolumeclaims: String(q.persistentVolumeClaims),
    "count/flinkdeployments.flink.apache.org": String(q.flinkDeployments),
  };
}

/** Priority classes Flink pods use: prod streaming jobs preempt batch and best-effort work. */
export const PRIORITY_CLASSES = [
  { name: "flink-critical", value: 1_000_000, description: "Production streaming Flink jobs" },
  { name: "flink-standard", value: 100_000, description: "Non-critical Flink jobs and session clusters" },
] as const;

/** Container defaults (for anything without resources) and maxima per team namespace. */
export function limitRangeSpec(policy: PlatformModel["policy"]) {
  const fallback = { cpu: "500m", memory: "512Mi" };
  return {
    limits: [
      {
        type: "Container",
        default: fallback,
        defaultRequest: fallback,
        max: { cpu: formatCpu(policy.maxContainerCpu), memory: formatQuantity(policy.maxContainerMemory) },
        // A memory limit above the request lets a pod be OOM-killed for memory it was never promised.
        maxLimitRequestRatio: { memory: "1" },
      },
    ],
  };
}
