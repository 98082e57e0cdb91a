/**
 * Pod and container settings every workload shares: non-root, no privilege escalation, no
 * capabilities, the runtime's seccomp profile (Pod Security "restricted"), and resources with
 * memory limit equal to request, so a pod is never OOM-killed for memory it was promised.
 */
import type * as k8s from "@pulumi/kubernetes";
import { formatQuantity } from "../../config/units";

export function restrictedPodSecurity(uid: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurity(
  readOnlyRootFilesystem = false,
): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"] },
  };
}

/** Requests and limits: CPU limit at the request (no noisy neighbours), memory limit = request. */
export function containerResources(
  cpu: number,
  memoryBytes: number,
): k8s.types.input.core.v1.ResourceRequirements {
  const memory = formatQuantity(memoryBytes);
  const cpuText = formatCpu(cpu);
  return { requests: { cpu: cpuText, memory }, limits: { cpu: cpuText, memory } };
}

/** Cores as a Kubernetes quantity: whole cores as-is, fractions in millicores. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}
