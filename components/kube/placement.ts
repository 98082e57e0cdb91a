/** Where a pod may run: the node pool's label and, for tainted pools, the toleration. */
import type * as k8s from "@pulumi/kubernetes";

export interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: k8s.types.input.core.v1.Toleration[];
}
