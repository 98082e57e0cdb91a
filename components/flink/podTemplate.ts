/**
 * The pod template every Flink pod gets (JobManager and TaskManager): Flink node placement,
 * zone spread, non-root with no privilege escalation, the named metrics port the
 * PodMonitors scrape, the S3 plugin, and dev object-store credentials from a Secret.
 */
import type * as k8s from "@pulumi/kubernetes";
import { FLINK_IMAGES, FlinkVersion } from "../versions";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";
import { METRICS_PORT, METRICS_PORT_NAME } from "./flinkConfig";
import { Placement } from "../kube/placement";

/** The operator's name for the container it runs Flink in; the template extends it. */
export const MAIN_CONTAINER = "flink-main-container";
/** The `flink` user of the official images. */
export const FLINK_UID = 9999;

export interface PodTemplateInput {
  clusterName: string;
  flinkVersion: FlinkVersion;
  priorityClassName: string;
  placement: Placement;
  /** Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (in-cluster store only). */
  credentialsSecret?: string;
}

/** Full Flink version of the pinned image for a line, e.g. 1.20 → 1.20.3 (names the S3 plugin jar). */
export function flinkPatchVersion(version: FlinkVersion): string {
  const match = /^flink:(\d+\.\d+\.\d+)/.exec(FLINK_IMAGES[version]);
  if (!match) throw new Error(`cannot read the Flink version from ${FLINK_IMAGES[version]}`);
  return match[1];
}

export function podTemplate(input: PodTemplateInput): k8s.types.input.core.v1.Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { labels: { "app.kubernetes.io/part-of": "flink-platform" } },
    spec: {
      priorityClassName: input.priorityClassName,
      securityContext: restrictedPodSecurity(FLINK_UID),
      ...(input.placement.nodeSelector ? { nodeSelector: input.placement.nodeSelector } : {}),
      ...(input.placement.tolerations ? { tolerations: input.placement.tolerations } : {}),
      // The operator labels Flink pods app=<deployment>; spreading on it keeps a job alive through a zone loss.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { app: input.clusterName } },
        },
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { app: input.clusterName } },
        },
      ],
      containers: [
        {
          name: MAIN_CONTAINER,
          ports: [{ name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: "TCP" }],
          env: [
            {
              name: "ENABLE_BUILT_IN_PLUGINS",
              value: `flink-s3-fs-hadoop-${flinkPatchVersion(input.flinkVersion)}.jar`,
            },
          ],
          ...(input.credentialsSecret ? { envFrom: [{ secretRef: { name: input.credentialsSecret } }] } : {}),
          securityContext: restrictedContainerSecurity(),
        },
      ],
    },
  };
}
