/**
 * The pod templates of Flink pods (JobManager and TaskManager): Flink node placement, zone
 * spread, non-root with no privilege escalation, the named metrics port the PodMonitors
 * scrape, the S3 plugin, dev object-store credentials from a Secret, and the team's own pod
 * settings (environment, volumes, sidecars, placement...).
 */
import type * as k8s from "@pulumi/kubernetes";
import { FLINK_IMAGES, FlinkVersion } from "../versions";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";
import { METRICS_PORT, METRICS_PORT_NAME } from "./flinkConfig";
import { Placement } from "../kube/placement";
import { formatQuantity } from "../../config/units";
import { containerResources } from "../kube/podSecurity";
import { ResolvedPod } from "../../config/podMerge";
import { EnvVarConfig, InitContainerConfig, SidecarConfig, VolumeConfig } from "../../config/podSchema";

/** The operator's name for the container it runs Flink in; the template extends it. */
export const MAIN_CONTAINER = "flink-main-container";
/** The `flink` user of the official images. */
export const FLINK_UID = 9999;

export interface PodTemplateInput {
  clusterName: string;
  flinkVersion: FlinkVersion;
  /** The namespace's `flink-<priority>` class, unless the pod settings name another. */
  priorityClassName: string;
  placement: Placement;
  /** Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (in-cluster store only). */
  credentialsSecret?: string;
  /** The team's pod settings, merged from every level. */
  pod: ResolvedPod;
  /** Karpenter: the capacity types (on-demand, spot) the pod may run on. */
  capacityTypes?: string[];
}

/** The label Karpenter puts on its nodes (karpenter.sh/capacity-type: on-demand | spot). */
export const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";

/**
 * The team's affinity with the capacity requirement added to every required node term (terms
 * are ORed, a term's expressions ANDed), so no term lets a pod past it.
 */
export function withCapacity(
  affinity: ResolvedPod["affinity"],
  capacityTypes: string[] | undefined,
): ResolvedPod["affinity"] {
  if (!capacityTypes) return affinity;
  const requirement = {
    key: CAPACITY_TYPE_LABEL,
    operator: "In" as const,
    values: [...capacityTypes].sort(),
  };
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required ? required.nodeSelectorTerms : [{ matchExpressions: [] }];
  return {
    ...affinity,
    nodeAffinity: {
      ...affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: terms.map((t) => ({
          ...t,
          matchExpressions: [...t.matchExpressions, requirement],
        })),
      },
    },
  };
}

/** Full Flink version of the pinned image for a line, e.g. 1.20 → 1.20.3 (names the S3 plugin jar). */
export function flinkPatchVersion(version: FlinkVersion): string {
  const match = /^flink:(\d+\.\d+\.\d+)/.exec(FLINK_IMAGES[version]);
  if (!match) throw new Error(`cannot read the Flink version from ${FLINK_IMAGES[version]}`);
  return match[1];
}

/** Environment variables the platform sets on the Flink container; a team may not redefine them. */
export function platformEnv(flinkVersion: FlinkVersion): k8s.types.input.core.v1.EnvVar[] {
  return [
    { name: "ENABLE_BUILT_IN_PLUGINS", value: `flink-s3-fs-hadoop-${flinkPatchVersion(flinkVersion)}.jar` },
  ];
}

function envVar(e: EnvVarConfig): k8s.types.input.core.v1.EnvVar {
  if (e.secretKeyRef) return { name: e.name, valueFrom: { secretKeyRef: e.secretKeyRef } };
  if (e.configMapKeyRef) return { name: e.name, valueFrom: { configMapKeyRef: e.configMapKeyRef } };
  return { name: e.name, value: e.value };
}

function envFrom(e: ResolvedPod["envFrom"][number]): k8s.types.input.core.v1.EnvFromSource {
  return {
    ...(e.prefix ? { prefix: e.prefix } : {}),
    ...(e.secretRef ? { secretRef: { name: e.secretRef } } : { configMapRef: { name: e.configMapRef! } }),
  };
}

function volume(v: VolumeConfig): k8s.types.input.core.v1.Volume {
  if (v.secret) return { name: v.name, secret: v.secret };
  if (v.configMap) return { name: v.name, configMap: v.configMap };
  if (v.emptyDir) {
    return {
      name: v.name,
      emptyDir: {
        sizeLimit: formatQuantity(v.emptyDir.sizeLimit),
        ...(v.emptyDir.medium === "Memory" ? { medium: "Memory" } : {}),
      },
    };
  }
  if (v.serviceAccountToken) {
    const t = v.serviceAccountToken;
    return {
      name: v.name,
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: t.audience,
              expirationSeconds: t.expirationSeconds ?? 3600,
              path: t.path ?? "token",
            },
          },
        ],
      },
    };
  }
  const pvc = v.persistentVolumeClaim!;
  // A generic ephemeral volume: the PVC is created with the pod and deleted with it.
  return {
    name: v.name,
    ephemeral: {
      volumeClaimTemplate: {
        metadata: { labels: { "app.kubernetes.io/part-of": "flink-platform" } },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(pvc.storageClassName ? { storageClassName: pvc.storageClassName } : {}),
          resources: { requests: { storage: formatQuantity(pvc.size) } },
        },
      },
    },
  };
}

type MountConfig = ResolvedPod["volumeMounts"][number];

/** Read-only unless the team says otherwise. */
function mount(m: MountConfig): k8s.types.input.core.v1.VolumeMount {
  return {
    name: m.name,
    mountPath: m.mountPath,
    ...(m.subPath ? { subPath: m.subPath } : {}),
    readOnly: m.readOnly ?? true,
  };
}

/** A sidecar's or init container's resources: limits equal requests. */
export function extraContainerResources(
  r: SidecarConfig["resources"],
): k8s.types.input.core.v1.ResourceRequirements {
  const base = containerResources(r.cpu, r.memory) as {
    requests: Record<string, string>;
    limits: Record<string, string>;
  };
  if (r.ephemeralStorage === undefined) return base;
  const storage = formatQuantity(r.ephemeralStorage);
  return {
    requests: { ...base.requests, "ephemeral-storage": storage },
    limits: { ...base.limits, "ephemeral-storage": storage },
  };
}

function extraContainer(c: SidecarConfig | InitContainerConfig): k8s.types.input.core.v1.Container {
  const sidecar = c as SidecarConfig;
  return {
    name: c.name,
    image: c.image,
    ...(c.imagePullPolicy ? { imagePullPolicy: c.imagePullPolicy } : {}),
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(c.env?.length ? { env: c.env.map(envVar) } : {}),
    ...(c.envFrom?.length ? { envFrom: c.envFrom.map(envFrom) } : {}),
    ...(c.volumeMounts?.length ? { volumeMounts: c.volumeMounts.map(mount) } : {}),
    ...(sidecar.ports?.length
      ? {
          ports: sidecar.ports.map((p) => ({
            name: p.name,
            containerPort: p.containerPort,
            protocol: p.protocol ?? "TCP",
          })),
        }
      : {}),
    ...(sidecar.readinessProbe ? { readinessProbe: sidecar.readinessProbe } : {}),
    ...(sidecar.livenessProbe ? { livenessProbe: sidecar.livenessProbe } : {}),
    ...(sidecar.startupProbe ? { startupProbe: sidecar.startupProbe } : {}),
    resources: extraContainerResources(c.resources),
    // The platform's last word: whatever the image's USER, the pod runs as uid 9999 without privilege.
    securityContext: restrictedContainerSecurity(),
  };
}

/**
 * The pod template of one Flink component: the platform's baseline (placement, spread, non-root,
 * the metrics port, the S3 plugin) with the team's settings merged in. The platform keeps the
 * last word on what makes a pod admissible: security contexts, its labels, selector and
 * toleration for the Flink pool. Flink itself then adds its ports, config volume and
 * resources to the main container (native Kubernetes pod template rules, Flink 1.20
 * native_kubernetes.md "Pod Template").
 */
export function podTemplate(input: PodTemplateInput): k8s.types.input.core.v1.Pod {
  const pod = input.pod;
  const appSpread = { matchLabels: { app: input.clusterName } };
  const main: k8s.types.input.core.v1.Container = {
    name: MAIN_CONTAINER,
    ports: [{ name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: "TCP" }],
    env: [...platformEnv(input.flinkVersion), ...pod.env.map(envVar)],
    ...(input.credentialsSecret || pod.envFrom.length
      ? {
          envFrom: [
            ...(input.credentialsSecret ? [{ secretRef: { name: input.credentialsSecret } }] : []),
            ...pod.envFrom.map(envFrom),
          ],
        }
      : {}),
    ...(pod.volumeMounts.length ? { volumeMounts: pod.volumeMounts.map(mount) } : {}),
    ...(pod.livenessProbe ? { livenessProbe: pod.livenessProbe } : {}),
    ...(pod.readinessProbe ? { readinessProbe: pod.readinessProbe } : {}),
    securityContext: restrictedContainerSecurity(),
  };
  const nodeSelector = { ...pod.nodeSelector, ...input.placement.nodeSelector };
  const tolerations = [...(input.placement.tolerations ?? []), ...pod.tolerations];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      labels: { ...pod.labels, "app.kubernetes.io/part-of": "flink-platform" },
      ...(Object.keys(pod.annotations).length ? { annotations: pod.annotations } : {}),
    },
    spec: {
      priorityClassName: pod.priorityClassName ?? input.priorityClassName,
      securityContext: restrictedPodSecurity(FLINK_UID),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(tolerations.length ? { tolerations } : {}),
      ...(pod.affinity || input.capacityTypes
        ? { affinity: withCapacity(pod.affinity, input.capacityTypes) }
        : {}),
      ...(pod.imagePullSecrets.length
        ? { imagePullSecrets: pod.imagePullSecrets.map((name) => ({ name })) }
        : {}),
      ...(pod.terminationGracePeriodSeconds !== undefined
        ? { terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds }
        : {}),
      // The operator labels Flink pods app=<deployment>; spreading on it keeps a job alive through a zone loss.
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: appSpread,
        },
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: appSpread,
        },
        ...pod.topologySpreadConstraints.map((t) => ({ ...t, labelSelector: t.labelSelector ?? appSpread })),
      ],
      ...(pod.volumes.length ? { volumes: pod.volumes.map(volume) } : {}),
      ...(pod.initContainers.length ? { initContainers: pod.initContainers.map(extraContainer) } : {}),
      containers: [main, ...pod.sidecars.map(extraContainer)],
    },
  };
}
