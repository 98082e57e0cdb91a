/**
 * The FlinkDeployment and FlinkSessionJob CRD schemas of flink-kubernetes-operator
 * release-1.15.0 (helm/flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml,
 * flinksessionjobs.flink.apache.org-v1.yml), as a cited fact table: the properties and types
 * the API server accepts. The pod templates are the full Pod schema, which prunes unknown
 * fields silently, so every field the platform emits is checked against the Kubernetes field
 * names it may use (core/v1 Pod, the subset the platform renders). Returns every mismatch.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Allowed keys of each object kind, and what their values are. */
type Shape = { [key: string]: Kind };
type Kind =
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "map"
  | "any"
  | { enum: readonly string[] }
  | { list: Kind }
  | { object: Shape };

const str: Kind = "string";
const int: Kind = "integer";
const bool: Kind = "boolean";
const list = (k: Kind): Kind => ({ list: k });
const obj = (s: Shape): Kind => ({ object: s });

// core/v1 shapes, the fields the platform may render.
const keyRef = obj({ name: str, key: str, optional: bool });
const envVar = obj({
  name: str,
  value: str,
  valueFrom: obj({ secretKeyRef: keyRef, configMapKeyRef: keyRef }),
});
const envFrom = obj({ prefix: str, secretRef: obj({ name: str }), configMapRef: obj({ name: str }) });
const volumeMount = obj({ name: str, mountPath: str, subPath: str, readOnly: bool });
const resources = obj({ requests: "map", limits: "map" });
const probe = obj({
  httpGet: obj({ path: str, port: "any", scheme: str }),
  tcpSocket: obj({ port: "any" }),
  exec: obj({ command: list(str) }),
  initialDelaySeconds: int,
  periodSeconds: int,
  timeoutSeconds: int,
  failureThreshold: int,
});
const securityContext = obj({
  allowPrivilegeEscalation: bool,
  privileged: bool,
  readOnlyRootFilesystem: bool,
  runAsNonRoot: bool,
  runAsUser: int,
  runAsGroup: int,
  capabilities: obj({ drop: list(str), add: list(str) }),
  seccompProfile: obj({ type: str }),
});
const container = obj({
  name: str,
  image: str,
  imagePullPolicy: { enum: ["Always", "Never", "IfNotPresent"] },
  command: list(str),
  args: list(str),
  workingDir: str,
  env: list(envVar),
  envFrom: list(envFrom),
  volumeMounts: list(volumeMount),
  ports: list(obj({ name: str, containerPort: int, protocol: str })),
  resources,
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
  securityContext,
});
const labelSelector = obj({
  matchLabels: "map",
  matchExpressions: list(obj({ key: str, operator: str, values: list(str) })),
});
const nodeSelectorTerm = obj({ matchExpressions: list(obj({ key: str, operator: str, values: list(str) })) });
const podAffinityTerm = obj({ labelSelector, namespaces: list(str), topologyKey: str });
const podAffinity = obj({
  requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: list(obj({ weight: int, podAffinityTerm })),
});
const volume = obj({
  name: str,
  secret: obj({ secretName: str, items: list(obj({ key: str, path: str })), optional: bool }),
  configMap: obj({ name: str, items: list(obj({ key: str, path: str })), optional: bool }),
  emptyDir: obj({ sizeLimit: str, medium: str }),
  projected: obj({
    sources: list(obj({ serviceAccountToken: obj({ audience: str, expirationSeconds: int, path: str }) })),
  }),
  ephemeral: obj({
    volumeClaimTemplate: obj({
      metadata: obj({ labels: "map" }),
      spec: obj({ accessModes: list(str), storageClassName: str, resources: obj({ requests: "map" }) }),
    }),
  }),
});
export const POD = obj({
  apiVersion: str,
  kind: str,
  metadata: obj({ labels: "map", annotations: "map" }),
  spec: obj({
    priorityClassName: str,
    securityContext: obj({
      runAsNonRoot: bool,
      runAsUser: int,
      runAsGroup: int,
      fsGroup: int,
      seccompProfile: obj({ type: str }),
    }),
    nodeSelector: "map",
    tolerations: list(obj({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int })),
    affinity: obj({
      nodeAffinity: obj({
        requiredDuringSchedulingIgnoredDuringExecution: obj({ nodeSelectorTerms: list(nodeSelectorTerm) }),
        preferredDuringSchedulingIgnoredDuringExecution: list(
          obj({ weight: int, preference: nodeSelectorTerm }),
        ),
      }),
      podAffinity,
      podAntiAffinity: podAffinity,
    }),
    imagePullSecrets: list(obj({ name: str })),
    terminationGracePeriodSeconds: int,
    topologySpreadConstraints: list(
      obj({ maxSkew: int, topologyKey: str, whenUnsatisfiable: str, labelSelector }),
    ),
    volumes: list(volume),
    initContainers: list(container),
    containers: list(container),
  }),
});

// flinkdeployments.flink.apache.org-v1.yml, spec at line 32.
const resource = obj({ cpu: "number", memory: str, ephemeralStorage: str }); // 3628–3636
const jobSpec = obj({
  // 80–115
  allowNonRestoredState: bool,
  args: list(str),
  autoscalerResetNonce: int,
  checkpointTriggerNonce: int,
  entryClass: str,
  initialSavepointPath: str,
  jarURI: str,
  parallelism: int,
  savepointRedeployNonce: int,
  savepointTriggerNonce: int,
  state: { enum: ["running", "suspended"] },
  upgradeMode: { enum: ["last-state", "savepoint", "stateless"] },
});
const processSpec = obj({ podTemplate: POD, replicas: int, resource }); // 116–3637, 7159–10680
export const FLINK_DEPLOYMENT_SPEC: Shape = {
  flinkConfiguration: "map", // 34–35, preserve-unknown-fields
  flinkVersion: {
    enum: ["v1_13", "v1_14", "v1_15", "v1_16", "v1_17", "v1_18", "v1_19", "v1_20", "v2_0", "v2_1", "v2_2"],
  }, // 36–49
  image: str,
  imagePullPolicy: str, // 50–53
  ingress: obj({
    annotations: "map",
    className: str,
    labels: "map",
    template: str,
    tls: list(obj({ hosts: list(str), secretName: str })),
  }), // 54–79
  job: jobSpec,
  jobManager: processSpec,
  logConfiguration: "map", // 3638–3641
  mode: { enum: ["native", "standalone"] }, // 3642–3646
  podTemplate: POD, // 3647–7154
  restartNonce: int,
  serviceAccount: str, // 7157
  taskManager: processSpec,
};

// flinksessionjobs.flink.apache.org-v1.yml: deploymentName 34, flinkConfiguration 36–37, job 38–73.
export const FLINK_SESSION_JOB_SPEC: Shape = {
  deploymentName: str,
  flinkConfiguration: "map",
  job: jobSpec,
  restartNonce: int,
};

function check(value: unknown, kind: Kind, path: string, out: string[]): void {
  if (kind === "any") return;
  if (kind === "string" || kind === "boolean") {
    if (typeof value !== kind) out.push(`${path}: must be a ${kind} (got ${JSON.stringify(value)})`);
  } else if (kind === "number" || kind === "integer") {
    if (typeof value !== "number" || (kind === "integer" && !Number.isInteger(value)))
      out.push(
        `${path}: must be ${kind === "integer" ? "an integer" : "a number"} (got ${JSON.stringify(value)})`,
      );
  } else if (kind === "map") {
    if (!isObj(value) || Object.values(value).some((v) => typeof v !== "string"))
      out.push(`${path}: must be a map of strings`);
  } else if ("enum" in kind) {
    if (!kind.enum.includes(value as string))
      out.push(`${path}: ${JSON.stringify(value)} is not one of ${kind.enum.join(", ")}`);
  } else if ("list" in kind) {
    if (!Array.isArray(value)) out.push(`${path}: must be a list`);
    else value.forEach((v, i) => check(v, kind.list, `${path}[${i}]`, out));
  } else {
    checkShape(value, kind.object, path, out);
  }
}

function checkShape(value: unknown, shape: Shape, path: string, out: string[]): void {
  if (!isObj(value)) {
    out.push(`${path}: must be an object`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!(key in shape)) out.push(`${path}.${key}: not in the schema (the API server would prune it)`);
    else check(v, shape[key], `${path}.${key}`, out);
  }
}

/** Every way a rendered Flink custom resource's spec departs from the operator's CRD. */
export function crdProblems(kind: "FlinkDeployment" | "FlinkSessionJob", spec: unknown): string[] {
  const out: string[] = [];
  checkShape(spec, kind === "FlinkDeployment" ? FLINK_DEPLOYMENT_SPEC : FLINK_SESSION_JOB_SPEC, "spec", out);
  return out;
}
