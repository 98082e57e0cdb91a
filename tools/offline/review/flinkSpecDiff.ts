/**
 * How the Flink Kubernetes Operator classifies a change of a FlinkDeployment's or
 * FlinkSessionJob's spec, reproduced from its source (apache/flink-kubernetes-operator
 * release-1.15.0; paths below are under flink-kubernetes-operator[-api]/src/main/java/
 * org/apache/flink/kubernetes/operator/). Only `spec` is compared: labels and annotations
 * never restart anything (AbstractFlinkResourceReconciler.java:135-138 diffs the last
 * reconciled spec against the new spec).
 */

/**
 * The operator's DiffType, in its declaration order: the change of a whole spec is the largest
 * of its fields' (api/diff/DiffType.java:27-47).
 */
export const DIFF_TYPES = ["IGNORE", "SCALE", "UPGRADE", "SAVEPOINT_REDEPLOY"] as const;
export type DiffType = (typeof DIFF_TYPES)[number];

export type DeploymentMode = "native" | "standalone";

export interface FieldChange {
  /** Dotted spec path, e.g. `job.parallelism` or `flinkConfiguration.execution.checkpointing.interval`. */
  path: string;
  type: DiffType;
}

export interface SpecDiff {
  type: DiffType;
  changes: FieldChange[];
}

const maxType = (types: DiffType[]): DiffType =>
  types.reduce<DiffType>((a, b) => (DIFF_TYPES.indexOf(b) > DIFF_TYPES.indexOf(a) ? b : a), "IGNORE");

/** A field rule: its DiffType, the modes it applies in (else UPGRADE), and onNullIgnore. */
interface Rule {
  type: DiffType;
  modes?: DeploymentMode[];
  onNullIgnore?: boolean;
}

/**
 * `@SpecDiff` annotations; an unannotated field is UPGRADE (ReflectiveDiffBuilder.java:113-135,
 * a mode-limited annotation outside its mode is UPGRADE: lines 114-123).
 */
const JOB_RULES: Record<string, Rule> = {
  // JobSpec.java:50 — SCALE only for standalone clusters; the platform runs native ones.
  parallelism: { type: "SCALE", modes: ["standalone"] },
  savepointTriggerNonce: { type: "IGNORE" }, // JobSpec.java:66
  initialSavepointPath: { type: "IGNORE" }, // JobSpec.java:74
  checkpointTriggerNonce: { type: "IGNORE" }, // JobSpec.java:81
  upgradeMode: { type: "IGNORE" }, // JobSpec.java:86
  allowNonRestoredState: { type: "IGNORE" }, // JobSpec.java:90
  savepointRedeployNonce: { type: "SAVEPOINT_REDEPLOY", onNullIgnore: true }, // JobSpec.java:98
  autoscalerResetNonce: { type: "IGNORE" }, // JobSpec.java:107
};
// TaskManagerSpec.java:47
const TASK_MANAGER_RULES: Record<string, Rule> = { replicas: { type: "SCALE", modes: ["standalone"] } };
// AbstractFlinkSpec.java:51
const SPEC_RULES: Record<string, Rule> = { restartNonce: { type: "UPGRADE", onNullIgnore: true } };

/**
 * `flinkConfiguration` keys by prefix, first match wins, otherwise UPGRADE
 * (AbstractFlinkSpec.java:55-63, ReflectiveDiffBuilder.java:176-189). The operator reads the
 * ignored `kubernetes.operator.*` and `job.autoscaler.*` keys from the current spec
 * (config/FlinkConfigManager.java:343-367), so they apply without a restart.
 */
const CONFIG_PREFIXES: { prefix: string; type: DiffType; modes?: DeploymentMode[] }[] = [
  { prefix: "job.autoscaler", type: "IGNORE" },
  { prefix: "parallelism.default", type: "IGNORE" },
  { prefix: "kubernetes.operator", type: "IGNORE" },
  { prefix: "pipeline.jobvertex-parallelism-overrides", type: "SCALE", modes: ["native"] },
];

export function configKeyType(key: string, mode: DeploymentMode): DiffType {
  for (const e of CONFIG_PREFIXES) {
    if (e.modes && !e.modes.includes(mode)) continue;
    if (key.startsWith(e.prefix)) return e.type;
  }
  return "UPGRADE";
}

/** Diffable nested specs, compared field by field when both sides exist (ReflectiveDiffBuilder.java:125-131). */
const DIFFABLE: Record<string, Record<string, Rule>> = { job: JOB_RULES, taskManager: TASK_MANAGER_RULES };

/** JobSpec defaults, so an omitted field equals its default (JobSpec.java:57-87). */
const JOB_DEFAULTS: Record<string, unknown> = { args: [], state: "running", upgradeMode: "stateless" };

type Obj = Record<string, unknown>;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The operator compares pod templates as fabric8 PodTemplateSpecs (metadata and spec) and clears
 * anything else, such as `apiVersion` and `kind` (ReflectiveDiffBuilder.java:198-224).
 */
function podTemplate(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const { metadata, spec } = value as Obj;
  return { metadata, spec };
}

function normalize(spec: Obj): Obj {
  const out: Obj = { ...spec, podTemplate: podTemplate(spec.podTemplate) };
  for (const side of ["jobManager", "taskManager"]) {
    const s = spec[side] as Obj | undefined;
    if (s) out[side] = { ...s, podTemplate: podTemplate(s.podTemplate) };
  }
  const jm = out.jobManager as Obj | undefined;
  if (jm) out.jobManager = { replicas: 1, ...jm }; // JobManagerSpec.java:43
  if (spec.job) out.job = { ...JOB_DEFAULTS, ...(spec.job as Obj) };
  return out;
}

function fieldChanges(
  before: Obj,
  after: Obj,
  rules: Record<string, Rule>,
  mode: DeploymentMode,
  prefix: string,
): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const [l, r] = [before[key], after[key]];
    const path = prefix + key;
    if (same(l, r)) continue;
    if (key === "flinkConfiguration") {
      const [lc, rc] = [(l ?? {}) as Record<string, string>, (r ?? {}) as Record<string, string>];
      for (const k of [...new Set([...Object.keys(lc), ...Object.keys(rc)])].sort()) {
        if (lc[k] !== rc[k]) changes.push({ path: `${path}.${k}`, type: configKeyType(k, mode) });
      }
      continue;
    }
    const nested = DIFFABLE[key];
    if (nested && l && r) {
      changes.push(...fieldChanges(l as Obj, r as Obj, nested, mode, `${path}.`));
      continue;
    }
    const rule = rules[key];
    if (rule?.onNullIgnore && (r === undefined || r === null)) continue;
    const applies = !rule?.modes || rule.modes.includes(mode);
    changes.push({ path, type: rule && applies ? rule.type : "UPGRADE" });
  }
  return changes;
}

/** A FlinkDeployment's mode; unset means native (api/spec/KubernetesDeploymentMode.java:44-46). */
export function deploymentMode(spec: Obj | undefined): DeploymentMode {
  return spec?.mode === "standalone" ? "standalone" : "native";
}

/**
 * The operator's diff of two specs of one resource. `mode` is the FlinkDeployment's (for a
 * session job, its session cluster's: FlinkSessionJobContext.java:84-87).
 */
export function flinkSpecDiff(before: Obj, after: Obj, mode: DeploymentMode): SpecDiff {
  const changes = fieldChanges(normalize(before), normalize(after), SPEC_RULES, mode, "");
  return { type: maxType(changes.map((c) => c.type)), changes };
}

/**
 * Whether a SCALE change is applied in place, without a restart: the operator first tries the
 * resource-requirements API, which needs a job, `kubernetes.operator.job.upgrade.inplace-scaling.enabled`
 * (default true), Flink 1.18+ and the adaptive scheduler; otherwise it falls back to a full
 * upgrade (AbstractFlinkResourceReconciler.java:157-164, NativeFlinkService.java:175-270,
 * KubernetesOperatorConfigOptions.java:176-181).
 */
export function scalesInPlace(spec: Obj, flinkVersion: string | undefined): boolean {
  const conf = (spec.flinkConfiguration ?? {}) as Record<string, string>;
  const [major, minor] = (flinkVersion ?? "").replace(/^v/, "").split("_").map(Number);
  return (
    !!spec.job &&
    conf["kubernetes.operator.job.upgrade.inplace-scaling.enabled"] !== "false" &&
    (major > 1 || (major === 1 && minor >= 18)) &&
    (conf["jobmanager.scheduler"] ?? "").toLowerCase() === "adaptive"
  );
}
