/**
 * Pod settings from the stack (`flink.pod`), the namespace, the cluster and the process, merged
 * in that order: lists of named things by name (a later entry replaces an earlier one of the same
 * name, new names are added), mounts by path, maps by key, and single values by the last level
 * that sets them. Tolerations, spread constraints and envFrom only add. Pure.
 */
import { PodSettingsConfig, LoggingConfig } from "./podSchema";

type Named = { name: string };

export type ResolvedPod = Required<
  Pick<
    PodSettingsConfig,
    | "env"
    | "envFrom"
    | "volumes"
    | "volumeMounts"
    | "sidecars"
    | "initContainers"
    | "imagePullSecrets"
    | "nodeSelector"
    | "tolerations"
    | "topologySpreadConstraints"
    | "labels"
    | "annotations"
  >
> &
  Pick<
    PodSettingsConfig,
    | "imagePullPolicy"
    | "priorityClassName"
    | "affinity"
    | "terminationGracePeriodSeconds"
    | "livenessProbe"
    | "readinessProbe"
  >;

export const EMPTY_POD: ResolvedPod = {
  env: [],
  envFrom: [],
  volumes: [],
  volumeMounts: [],
  sidecars: [],
  initContainers: [],
  imagePullSecrets: [],
  nodeSelector: {},
  tolerations: [],
  topologySpreadConstraints: [],
  labels: {},
  annotations: {},
};

function byKey<T>(earlier: T[], later: T[] | undefined, key: (t: T) => string): T[] {
  if (!later) return earlier;
  const replaced = new Map(later.map((t) => [key(t), t]));
  return [
    ...earlier.map((t) => replaced.get(key(t)) ?? t),
    ...later.filter((t) => !earlier.some((e) => key(e) === key(t))),
  ];
}

const byName = <T extends Named>(earlier: T[], later: T[] | undefined) =>
  byKey(earlier, later, (t) => t.name);

/** `base` with `level` applied on top. */
export function mergePod(base: ResolvedPod, level: PodSettingsConfig | undefined): ResolvedPod {
  if (!level) return base;
  return {
    env: byName(base.env, level.env),
    envFrom: [...base.envFrom, ...(level.envFrom ?? [])],
    volumes: byName(base.volumes, level.volumes),
    volumeMounts: byKey(base.volumeMounts, level.volumeMounts, (m) => m.mountPath),
    sidecars: byName(base.sidecars, level.sidecars),
    initContainers: byName(base.initContainers, level.initContainers),
    imagePullSecrets: [...new Set([...base.imagePullSecrets, ...(level.imagePullSecrets ?? [])])],
    nodeSelector: { ...base.nodeSelector, ...level.nodeSelector },
    tolerations: [...base.tolerations, ...(level.tolerations ?? [])],
    topologySpreadConstraints: [
      ...base.topologySpreadConstraints,
      ...(level.topologySpreadConstraints ?? []),
    ],
    labels: { ...base.labels, ...level.labels },
    annotations: { ...base.annotations, ...level.annotations },
    imagePullPolicy: level.imagePullPolicy ?? base.imagePullPolicy,
    priorityClassName: level.priorityClassName ?? base.priorityClassName,
    affinity: level.affinity ? { ...base.affinity, ...level.affinity } : base.affinity,
    terminationGracePeriodSeconds: level.terminationGracePeriodSeconds ?? base.terminationGracePeriodSeconds,
    livenessProbe: level.livenessProbe ?? base.livenessProbe,
    readinessProbe: level.readinessProbe ?? base.readinessProbe,
  };
}

export function mergePods(...levels: (PodSettingsConfig | undefined)[]): ResolvedPod {
  return levels.reduce<ResolvedPod>((pod, level) => mergePod(pod, level), EMPTY_POD);
}

export interface ResolvedLogging {
  rootLevel: string;
  levels: Record<string, string>;
  /** A whole file the user supplied (replaces the platform's). */
  log4jProperties?: string;
}

export function mergeLogging(...levels: (LoggingConfig | undefined)[]): ResolvedLogging {
  return levels.reduce<ResolvedLogging>(
    (out, l) => ({
      rootLevel: l?.rootLevel ?? out.rootLevel,
      levels: { ...out.levels, ...l?.levels },
      log4jProperties: l?.log4jProperties ?? out.log4jProperties,
    }),
    { rootLevel: "INFO", levels: {} },
  );
}
