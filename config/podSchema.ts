/**
 * What a team may add to its Flink pods: environment (values, or references to its own Secrets
 * and ConfigMaps: the platform never reads them), volumes and mounts, sidecar and init
 * containers, image pulling, placement, labels, probes and logging. Every object is strict, so
 * a misspelt key is refused with a did-you-mean instead of being pruned by the API server (the
 * FlinkDeployment CRD's pod template is a full Pod schema, flink-kubernetes-operator
 * release-1.15.0 crds/flinkdeployments.flink.apache.org-v1.yml). Every field is optional
 * without a default so the stack, namespace, cluster and process levels can be merged: see
 * components/flink/podCustomisation.ts.
 */
import { z } from "zod";
import { count, cpu, dnsLabel, size } from "./primitives";

/** A Kubernetes object name (DNS subdomain, RFC 1123). */
const objectName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: "must be a Kubernetes object name: lowercase letters, digits, '-' and '.'",
  });
/** An environment variable name, as the API server accepts it (C identifier-like). */
const envName = z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, {
  error: "must be letters, digits, '_', '-' or '.', not starting with a digit",
});
/** A key of a Secret or ConfigMap. */
const dataKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { error: "must be letters, digits, '-', '_' or '.'" });
const absolutePath = z
  .string()
  .regex(/^\/[^\0:]*$/, { error: "must be an absolute path (starting with '/')" })
  .refine((p) => !p.split("/").includes(".."), { error: "must not contain '..'" });
const relativePath = z
  .string()
  .regex(/^[^/\0][^\0]*$/, { error: "must be a relative path" })
  .refine((p) => !p.split("/").includes(".."), { error: "must not contain '..'" });
const port = count(1, 65535);
/** A named container port (IANA_SVC_NAME: ≤ 15 characters, a letter somewhere). */
const portName = z.string().regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, {
  error: "must be at most 15 lowercase letters, digits and '-', with a letter",
});
/** Label keys (optionally prefixed) and values. */
const labelKey = z
  .string()
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, {
    error: "must be a label key such as team or example.com/tier",
  });
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
  error: "must be a label value (≤ 63 characters)",
});
const labels = z.record(labelKey, labelValue);

/**
 * A field the platform owns: named in the schema so that setting it is refused with the rule
 * it would break, not with a bare "unknown key".
 */
const platformOwned = (rule: string) => z.never({ error: rule }).optional().describe(`Not settable: ${rule}`);
const SECURITY_RULE =
  "the platform sets it: non-root uid 9999, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp (Pod Security restricted)";
const HOST_RULE = "host namespaces and host paths are refused: Pod Security restricted";

function exactlyOne<T extends Record<string, unknown>>(keys: (keyof T & string)[], what: string) {
  return (value: T, ctx: z.core.$RefinementCtx<T>) => {
    const set = keys.filter((k) => value[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `set exactly one of ${keys.join(", ")} for ${what}${set.length ? ` (got ${set.join(", ")})` : ""}`,
      });
    }
  };
}

const keyReference = z.strictObject({
  name: objectName.describe("The Secret or ConfigMap, in the job's namespace."),
  key: dataKey.describe("Its key."),
  optional: z.boolean().optional().describe("Start even when it is missing."),
});

export const envVar = z
  .strictObject({
    name: envName.describe("Variable name."),
    value: z.string().optional().describe("A plain value (never a credential: use secretKeyRef)."),
    secretKeyRef: keyReference.optional().describe("A key of a Secret in the namespace."),
    configMapKeyRef: keyReference.optional().describe("A key of a ConfigMap in the namespace."),
  })
  .superRefine(exactlyOne(["value", "secretKeyRef", "configMapKeyRef"], "an environment variable"));

export const envFromSource = z
  .strictObject({
    secretRef: objectName.optional().describe("Every key of this Secret as a variable."),
    configMapRef: objectName.optional().describe("Every key of this ConfigMap as a variable."),
    prefix: envName.optional().describe("Prefix for the variable names."),
  })
  .superRefine(exactlyOne(["secretRef", "configMapRef"], "envFrom"));

const keyToPath = z.strictObject({
  key: dataKey.describe("Key to project."),
  path: relativePath.describe("File name under the mount."),
});

export const volume = z
  .strictObject({
    name: dnsLabel().describe("Volume name, referenced by volumeMounts."),
    secret: z
      .strictObject({
        secretName: objectName.describe("Secret in the namespace (e.g. a truststore)."),
        items: z.array(keyToPath).optional().describe("Only these keys, at these paths."),
        optional: z.boolean().optional().describe("Start even when it is missing."),
      })
      .optional()
      .describe("A Secret's keys as files (e.g. a truststore)."),
    configMap: z
      .strictObject({
        name: objectName.describe("ConfigMap in the namespace."),
        items: z.array(keyToPath).optional().describe("Only these keys, at these paths."),
        optional: z.boolean().optional().describe("Start even when it is missing."),
      })
      .optional()
      .describe("A ConfigMap's keys as files."),
    emptyDir: z
      .strictObject({
        sizeLimit: size.describe("Required: an unbounded emptyDir can fill the node's disk."),
        medium: z.enum(["Disk", "Memory"]).optional().describe("`Memory` counts against the memory limit."),
      })
      .optional()
      .describe("Scratch space, deleted with the pod."),
    serviceAccountToken: z
      .strictObject({
        audience: z.string().min(1).describe("Who the token is for (e.g. vault)."),
        expirationSeconds: count(600, 86400)
          .optional()
          .describe("Lifetime; the kubelet rotates it (default 3600)."),
        path: relativePath.optional().describe("File name (default `token`)."),
      })
      .optional()
      .describe("A projected, audience-bound service-account token."),
    persistentVolumeClaim: z
      .strictObject({
        size: size.describe("Requested storage."),
        storageClassName: objectName.optional().describe("StorageClass; the cluster default when unset."),
      })
      .optional()
      .describe(
        "JobManager only: a PVC created with the pod and deleted with it (a generic ephemeral volume).",
      ),
    hostPath: platformOwned(HOST_RULE),
  })
  .superRefine(
    exactlyOne(
      ["secret", "configMap", "emptyDir", "serviceAccountToken", "persistentVolumeClaim"],
      "a volume",
    ),
  );

export const volumeMount = z.strictObject({
  name: dnsLabel().describe("A volume of the same pod."),
  mountPath: absolutePath.describe(
    "Where; not under /opt/flink/conf, /opt/flink/artifacts or /opt/flink/plugins.",
  ),
  subPath: relativePath.optional().describe("One file or folder of the volume."),
  readOnly: z.boolean().optional().describe("Read-only unless set to false."),
});

const probe = z
  .strictObject({
    httpGet: z
      .strictObject({
        path: absolutePath.describe("Path."),
        port: z.union([port, portName]).describe("Port number or name."),
        scheme: z.enum(["HTTP", "HTTPS"]).optional().describe("Scheme."),
      })
      .optional()
      .describe("An HTTP GET."),
    tcpSocket: z
      .strictObject({ port: z.union([port, portName]).describe("Port.") })
      .optional()
      .describe("A TCP connect."),
    exec: z
      .strictObject({ command: z.array(z.string()).min(1).describe("Command.") })
      .optional()
      .describe("A command."),
    initialDelaySeconds: count(0, 3600).optional().describe("Delay before the first probe."),
    periodSeconds: count(1, 3600).optional().describe("Interval."),
    timeoutSeconds: count(1, 3600).optional().describe("Timeout."),
    failureThreshold: count(1, 1000).optional().describe("Failures before acting."),
  })
  .superRefine(exactlyOne(["httpGet", "tcpSocket", "exec"], "a probe"));

const containerResources = z
  .strictObject({
    cpu: cpu.describe("Cores (request; the limit is the same)."),
    memory: size.describe("Memory (request and limit)."),
    ephemeralStorage: size.optional().describe("Local disk (request and limit)."),
  })
  .describe("Required: the quota and node fit checks count them.");

const containerFields = {
  name: dnsLabel().describe("Container name (not `flink-main-container`)."),
  image: z.string().min(1).describe("Image, pinned by tag (production: by digest)."),
  imagePullPolicy: z.enum(["IfNotPresent", "Always", "Never"]).optional().describe("Pull policy."),
  command: z.array(z.string()).optional().describe("Entrypoint."),
  args: z.array(z.string()).optional().describe("Arguments."),
  workingDir: absolutePath.optional().describe("Working directory."),
  env: z.array(envVar).optional().describe("Environment."),
  envFrom: z.array(envFromSource).optional().describe("Whole Secrets or ConfigMaps as environment."),
  volumeMounts: z.array(volumeMount).optional().describe("Mounts of the pod's volumes."),
  resources: containerResources,
  securityContext: platformOwned(SECURITY_RULE),
};

export const sidecar = z.strictObject({
  ...containerFields,
  ports: z
    .array(
      z.strictObject({
        name: portName.describe("Port name."),
        containerPort: port.describe("Port (not Flink's 6122–6124, 8081 or 9249)."),
        protocol: z.enum(["TCP", "UDP"]).optional().describe("Protocol."),
      }),
    )
    .optional()
    .describe("Ports it listens on."),
  readinessProbe: probe.optional().describe("Readiness probe."),
  livenessProbe: probe.optional().describe("Liveness probe."),
  startupProbe: probe.optional().describe("Startup probe."),
});

export const initContainer = z.strictObject(containerFields);

const toleration = z.strictObject({
  key: labelKey.optional().describe("Taint key (empty with Exists: every taint)."),
  operator: z.enum(["Equal", "Exists"]).optional().describe("Equal (default) or Exists."),
  value: labelValue.optional().describe("Taint value (Equal)."),
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
    .optional()
    .describe("Effect; every effect when unset."),
  tolerationSeconds: count(0, 86400 * 7)
    .optional()
    .describe("NoExecute: how long to stay."),
});

const labelSelector = z.strictObject({
  matchLabels: labels.optional().describe("Labels that must match."),
  matchExpressions: z
    .array(
      z.strictObject({
        key: labelKey.describe("Label key."),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]).describe("Operator."),
        values: z.array(labelValue).optional().describe("Values (In, NotIn)."),
      }),
    )
    .optional()
    .describe("Expressions that must hold."),
});

const nodeSelectorTerm = z.strictObject({
  matchExpressions: z
    .array(
      z.strictObject({
        key: labelKey.describe("Node label key."),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]).describe("Operator."),
        values: z.array(z.string()).optional().describe("Values."),
      }),
    )
    .min(1)
    .describe("Node label expressions."),
});

const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional().describe("Pods to be near (or away from)."),
  namespaces: z.array(dnsLabel()).optional().describe("Their namespaces; this one when unset."),
  topologyKey: labelKey.describe("Domain, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone."),
});

const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional().describe("Hard rules."),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: count(1, 100).describe("Weight."), podAffinityTerm }))
    .optional()
    .describe("Soft rules."),
});

export const affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1).describe("Any term may match.") })
        .optional()
        .describe("Hard rule."),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(z.strictObject({ weight: count(1, 100).describe("Weight."), preference: nodeSelectorTerm }))
        .optional()
        .describe("Soft rules."),
    })
    .optional()
    .describe("Which nodes (within the platform's Flink pool on EKS)."),
  podAffinity: podAffinity.optional().describe("Near which pods."),
  podAntiAffinity: podAffinity.optional().describe("Away from which pods."),
});

const topologySpreadConstraint = z.strictObject({
  maxSkew: count(1, 1000).describe("Allowed imbalance."),
  topologyKey: labelKey.describe("Domain."),
  whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"]).describe("Hard or soft."),
  labelSelector: labelSelector.optional().describe("Pods counted; this cluster's when unset."),
});

/**
 * The pod settings a team may set at the stack (`flink.pod`), namespace, cluster and process
 * levels; later levels add to or override earlier ones (see the README).
 */
export const podSettings = z
  .strictObject({
    env: z
      .array(envVar)
      .optional()
      .describe("Environment of the Flink container (by name: later levels win)."),
    envFrom: z
      .array(envFromSource)
      .optional()
      .describe("Whole Secrets or ConfigMaps as the Flink container's environment."),
    volumes: z.array(volume).optional().describe("Volumes (by name: later levels win)."),
    volumeMounts: z
      .array(volumeMount)
      .optional()
      .describe("Mounts into the Flink container (read-only unless `readOnly: false`)."),
    sidecars: z
      .array(sidecar)
      .optional()
      .describe("Extra containers beside Flink, with their own resources."),
    initContainers: z
      .array(initContainer)
      .optional()
      .describe("Containers run to completion before Flink starts."),
    imagePullSecrets: z
      .array(objectName)
      .optional()
      .describe("Secrets (in the namespace) for private registries."),
    imagePullPolicy: z
      .enum(["IfNotPresent", "Always", "Never"])
      .optional()
      .describe("The Flink image's pull policy (default IfNotPresent)."),
    priorityClassName: objectName
      .optional()
      .describe("A PriorityClass instead of the namespace's `flink-<priority>`."),
    nodeSelector: labels.optional().describe("Node labels (added to the platform's pool selector)."),
    tolerations: z.array(toleration).optional().describe("Tolerations (added to the platform's)."),
    affinity: affinity.optional().describe("Affinity and anti-affinity."),
    topologySpreadConstraints: z
      .array(topologySpreadConstraint)
      .optional()
      .describe("Spread rules (added to the platform's zone and node spread)."),
    labels: labels
      .optional()
      .describe("Pod labels (not `app`, `component`, `type` or `app.kubernetes.io/*`)."),
    annotations: z.record(z.string().min(1), z.string()).optional().describe("Pod annotations."),
    terminationGracePeriodSeconds: count(0, 3600).optional().describe("Grace period on shutdown."),
    livenessProbe: probe.optional().describe("The Flink container's liveness probe."),
    readinessProbe: probe.optional().describe("The Flink container's readiness probe."),
    securityContext: platformOwned(SECURITY_RULE),
    hostNetwork: platformOwned(HOST_RULE),
    hostPID: platformOwned(HOST_RULE),
    hostIPC: platformOwned(HOST_RULE),
    serviceAccountName: platformOwned(
      "the platform's: JobManagers run as `flink`, TaskManagers as `flink-taskmanager`, each bound to the namespace's IAM role",
    ),
  })
  .meta({ id: "PodSettings", title: "Pod settings" });

/** A process's own pod settings: the same keys, applied to the JobManager's or TaskManagers' pods only. */
export const processPod = podSettings;

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"] as const;

export const logging = z
  .strictObject({
    rootLevel: z.enum(LOG_LEVELS).optional().describe("Root logger level (INFO)."),
    levels: z
      .record(
        z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, {
          error: "must be a logger name such as org.apache.kafka",
        }),
        z.enum(LOG_LEVELS),
      )
      .optional()
      .describe("Levels per logger, e.g. `org.apache.kafka: WARN`."),
    log4jProperties: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A whole `log4j-console.properties` instead (the platform's stdout format is then yours to keep).",
      ),
  })
  .meta({ id: "Logging", title: "Flink log levels" });

export type PodSettingsConfig = z.output<typeof podSettings>;
export type LoggingConfig = z.output<typeof logging>;
export type VolumeConfig = z.output<typeof volume>;
export type SidecarConfig = z.output<typeof sidecar>;
export type InitContainerConfig = z.output<typeof initContainer>;
export type EnvVarConfig = z.output<typeof envVar>;
