/**
 * What a change does to state and uptime, from two renders of one stack (resources.json):
 * the stateful resources it deletes or replaces, the Flink jobs the operator restarts, the
 * resources Pulumi replaces rather than updates, and the protections it removes. Pure.
 */
import { mockOutputs } from "../mockOutputs";
import { deploymentMode, flinkSpecDiff, scalesInPlace } from "./flinkSpecDiff";
import { at, byKey, isKubernetes, k8sId, k8sMeta, keyOf, kindOf, ResourceRecord } from "./records";
import { KubernetesProviderFlags, replaceRule, replacingChanges, replacingValues } from "./replaceRules";

const FLINK_DEPLOYMENT = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";
const FLINK_SESSION_JOB = "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob";
const FLINK_SNAPSHOT = "kubernetes:flink.apache.org/v1beta1:FlinkStateSnapshot";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const BUCKET = "aws:s3/bucket:Bucket";
const KMS_KEY = "aws:kms/key:Key";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SAVEPOINT_ON_DELETION = "kubernetes.operator.job.savepoint-on-deletion";
const RUNBOOK_RENAME = "docs/runbook.md §4b";
/**
 * Operator and autoscaler options are read from the current spec on every reconcile, so a change
 * applies without an upgrade (FlinkConfigManager.java:343-367, release-1.15.0).
 */
const LIVE_KEYS = ["flinkConfiguration.kubernetes.operator.", "flinkConfiguration.job.autoscaler."];

/** A deleted or replaced resource that holds state. */
export interface StateAtRisk {
  resource: string;
  /** `Kind namespace/name` and, for jobs, the upgrade mode. */
  what: string;
  change: string;
  lost: string;
  keep: string;
}

/** A protection a change removes from a resource (`protect`, `retainOnDelete`). */
export interface GuardRemoved {
  resource: string;
  option: "protect" | "retainOnDelete";
  meaning: string;
}

export interface JobRestart {
  resource: string;
  /** `namespace/name`. */
  job: string;
  kind: "application" | "session cluster" | "session job";
  /** savepoint | last-state | stateless, or `-` for a session cluster. */
  upgradeMode: string;
  /** The changed spec paths that make it an upgrade. */
  changes: string[];
  interruption: string;
}

/** A spec change the operator applies without restarting the job. */
export interface NoRestart {
  job: string;
  changes: string[];
  why: string;
}

export interface Replacement {
  resource: string;
  what: string;
  because: string[];
  effect: string;
  source: string;
}

export interface StackReview {
  atRisk: StateAtRisk[];
  guardsRemoved: GuardRemoved[];
  restarts: JobRestart[];
  noRestart: NoRestart[];
  replacements: Replacement[];
}

type Obj = Record<string, unknown>;
type Index = Map<string, ResourceRecord>;

const spec = (r: ResourceRecord) => (r.inputs.spec ?? {}) as Obj;
const job = (r: ResourceRecord) => spec(r).job as Obj | undefined;
const conf = (r: ResourceRecord | undefined) =>
  ((r && spec(r).flinkConfiguration) ?? {}) as Record<string, string>;
const code = (s: string) => `\`${s}\``;

function providerFlags(records: ResourceRecord[]): KubernetesProviderFlags {
  const p = records.find((r) => r.type === "pulumi:providers:kubernetes")?.inputs ?? {};
  return {
    enableConfigMapMutable: String(p.enableConfigMapMutable) === "true",
    enableSecretMutable: String(p.enableSecretMutable) === "true",
  };
}

/** What names one real object: two records with the same identity are one object under two Pulumi names. */
function physicalId(r: ResourceRecord): string | undefined {
  if (r.type === "kubernetes:helm.sh/v3:Release")
    return r.inputs.name ? `${r.type}|${r.inputs.namespace}/${r.inputs.name}` : undefined;
  if (isKubernetes(r)) return k8sMeta(r).name ? `${r.type}|${k8sId(r)}` : undefined;
  const name = { [BUCKET]: "bucket", [NODE_GROUP]: "nodeGroupName" }[r.type] ?? "name";
  return typeof r.inputs[name] === "string" ? `${r.type}|${r.inputs[name]}` : undefined;
}

/** A readable name: `FlinkDeployment analytics/sessionization`, `Bucket acme-flink-prod-analytics`. */
function describe(r: ResourceRecord): string {
  if (isKubernetes(r) && k8sMeta(r).name) return `${kindOf(r)} ${k8sId(r)}`;
  const id = r.inputs.bucket ?? r.inputs.name ?? r.inputs.nodeGroupName;
  return `${kindOf(r)} ${typeof id === "string" ? id : r.name}`;
}

/** The session cluster a session job runs on, in the same render. */
function sessionCluster(r: ResourceRecord, index: Index): ResourceRecord | undefined {
  const ns = k8sMeta(r).namespace;
  return [...index.values()].find(
    (c) =>
      c.type === FLINK_DEPLOYMENT &&
      k8sMeta(c).namespace === ns &&
      k8sMeta(c).name === spec(r).deploymentName,
  );
}

/** The FlinkDeployment whose configuration and mode a job runs with (itself, or its session cluster). */
const clusterOf = (r: ResourceRecord, index: Index) =>
  r.type === FLINK_SESSION_JOB ? sessionCluster(r, index) : r;

const upgradeModeOf = (r: ResourceRecord) => String(job(r)?.upgradeMode ?? "stateless");

function statefulJob(r: ResourceRecord): boolean {
  return (
    (r.type === FLINK_DEPLOYMENT || r.type === FLINK_SESSION_JOB) &&
    !!job(r) &&
    upgradeModeOf(r) !== "stateless"
  );
}

/** Kubernetes objects that hold state: stateful jobs, volumes, snapshots that dispose their savepoint. */
function holdsState(r: ResourceRecord): boolean {
  return (
    statefulJob(r) ||
    (r.type === STATEFUL_SET && Array.isArray(spec(r).volumeClaimTemplates)) ||
    r.type === PVC ||
    (r.type === FLINK_SNAPSHOT && at(r.inputs, "spec.savepoint.disposeOnDelete") === true)
  );
}

const dirs = (cluster: ResourceRecord | undefined) => {
  const c = conf(cluster);
  return {
    savepoints: c["execution.checkpointing.savepoint-dir"] ?? c["state.savepoints.dir"],
    checkpoints: c["execution.checkpointing.dir"] ?? c["state.checkpoints.dir"],
  };
};

// --- State at risk -------------------------------------------------------------------------

interface Context {
  base: Index;
  /** Added records (in head only). */
  added: ResourceRecord[];
}

/** What a stateful resource loses, and how to keep it. */
interface Risk {
  what?: string;
  lost: string;
  keep: string;
}

const PROTECTED =
  "Nothing yet: it is protected, so `pulumi up` refuses to delete it and fails until a reviewed change removes `protect`.";

function jobRisk(r: ResourceRecord, ctx: Context): Risk {
  const cluster = clusterOf(r, ctx.base);
  const { savepoints, checkpoints } = dirs(cluster);
  const onDeletion = conf(r)[SAVEPOINT_ON_DELETION] ?? conf(cluster)[SAVEPOINT_ON_DELETION];
  // ApplicationReconciler.java:387-406 and SessionJobReconciler.java:199-205: a running job is
  // cancelled with a savepoint when savepoint-on-deletion is set, without one otherwise.
  const lost =
    onDeletion === "true"
      ? `The running job. The operator takes a savepoint before deleting it (${code(SAVEPOINT_ON_DELETION)}, set by the platform) into ${code(`${savepoints}/`)}; its path was in the resource's status, which goes with it.`
      : `The running job, without a savepoint (${code(SAVEPOINT_ON_DELETION)} is off): its state is only in the last retained checkpoint under ${code(`${checkpoints}/`)}.`;
  const what = `${describe(r)} (${upgradeModeOf(r)})`;
  const restoring = ctx.added.find(
    (a) =>
      a.type === r.type &&
      typeof job(a)?.initialSavepointPath === "string" &&
      [savepoints, checkpoints].some((d) => d && String(job(a)!.initialSavepointPath).startsWith(`${d}/`)),
  );
  if (restoring)
    return {
      what,
      lost,
      keep: `Kept: ${describe(restoring)} starts from ${code(String(job(restoring)!.initialSavepointPath))} (${RUNBOOK_RENAME}).`,
    };
  // A new job of the same kind running the same code is most likely this one renamed or moved.
  const entry = (x: ResourceRecord) => `${job(x)?.entryClass ?? ""}|${job(x)?.jarURI ?? ""}`;
  const candidates = ctx.added.filter((a) => a.type === r.type && job(a) && entry(a) === entry(r));
  const ns = k8sMeta(r).namespace;
  const renamed = candidates.find((a) => k8sMeta(a).namespace === ns) ?? candidates[0];
  const restore = `set ${code("initialSavepointPath")} to the savepoint this deletion takes (the newest under ${code(`${savepoints}/`)}) and deploy again, or take a snapshot first and rename with ${code("initialSavepointPath")} in one deploy (${RUNBOOK_RENAME})`;
  return {
    what,
    lost,
    keep: renamed
      ? `If ${describe(renamed)} is this job renamed or moved, it starts empty: ${restore}.`
      : `The savepoint stays in the bucket: a job started with ${code("initialSavepointPath")} from it resumes the state (docs/runbook.md §4a). For a rename: ${restore}.`,
  };
}

function bucketRisk(r: ResourceRecord): Risk {
  const o = r.options ?? {};
  const tag = (r.inputs.tags as Record<string, string> | undefined)?.["flink-platform/namespace"];
  return {
    what: `state bucket ${r.inputs.bucket}${tag ? ` (namespace ${tag})` : ""}`,
    lost: o.protect
      ? PROTECTED
      : o.retainOnDelete
        ? "Nothing in AWS: `retainOnDelete` keeps the bucket and its data; the stack stops managing it."
        : r.inputs.forceDestroy === true
          ? "Every checkpoint, savepoint and HA file in it (`forceDestroy` deletes the objects)."
          : "Pulumi deletes it; S3 refuses while it holds objects (`forceDestroy` is off), so the deploy fails rather than losing data, but an emptied bucket is gone.",
    keep: "S3 cannot rename a bucket: create the new one, copy the state (`aws s3 sync`), move the jobs with `initialSavepointPath`, then retire the old one (docs/runbook.md §4c).",
  };
}

function keyRisk(r: ResourceRecord): Risk {
  const o = r.options ?? {};
  return {
    what: `KMS key ${r.name}${r.inputs.description ? ` (${r.inputs.description})` : ""}`,
    lost: o.protect
      ? PROTECTED
      : o.retainOnDelete
        ? "Nothing: `retainOnDelete` leaves the key in AWS."
        : // kms/key.go resourceKeyDelete: ScheduleKeyDeletion with deletion_window_in_days.
          `AWS deletes the key after ${r.inputs.deletionWindowInDays ?? 30} days; from then on everything encrypted with it (state objects, or the cluster's Secrets) is unreadable.`,
    keep: "Keep the key and its alias; within the window `aws kms cancel-key-deletion` undoes the deletion.",
  };
}

function volumeRisk(r: ResourceRecord): Risk {
  if (r.type === STATEFUL_SET)
    return {
      lost: "ZooKeeper's quorum while it is gone: the HA metadata of every Flink cluster using it (leaders, job graphs, pointers to the latest checkpoints). A deleted StatefulSet keeps its volumes (`persistentVolumeClaimRetentionPolicy` defaults to Retain) unless its namespace goes too, and a new `volumeClaimTemplates` size or class is not applied to them.",
      keep: "Suspend the jobs that use it first (`state: suspended` takes savepoints), so none needs ZooKeeper while it is gone.",
    };
  if (r.type === FLINK_SNAPSHOT)
    return {
      // StateSnapshotReconciler.java:98-124: a completed savepoint with disposeOnDelete is disposed.
      lost: `The savepoint's files: the operator disposes them when the snapshot is deleted (${code("disposeOnDelete: true")}).`,
      keep: `Set ${code("disposeOnDelete: false")} in a deploy before removing the snapshot.`,
    };
  const labels = at(r.inputs, "metadata.labels") as Obj | undefined;
  return {
    lost:
      (labels?.["app.kubernetes.io/name"] === "object-store"
        ? "The in-cluster object store's data: every namespace's checkpoints, savepoints and HA files. "
        : "") +
      "Its volume is deleted with the claim when the StorageClass's `reclaimPolicy` is Delete (the default for provisioned volumes).",
    keep: "Keep the claim's name and namespace; copy the data out before moving it.",
  };
}

function namespaceRisk(r: ResourceRecord, ctx: Context): Risk | undefined {
  const name = k8sMeta(r).name;
  const held = [...ctx.base.values()].filter((x) => k8sMeta(x).namespace === name && holdsState(x));
  if (!held.length) return undefined;
  return {
    lost: `Kubernetes deletes everything in it: ${held.map((x) => code(`${kindOf(x)} ${k8sMeta(x).name}`)).join(", ")} (each listed here).`,
    keep: `A namespace rename is a move: each job restores from its savepoint in the new namespace, whose role cannot read the old bucket, so copy the savepoints first (${RUNBOOK_RENAME}).`,
  };
}

function riskOf(r: ResourceRecord, ctx: Context): Risk | undefined {
  if (statefulJob(r)) return jobRisk(r, ctx);
  if (r.type === NAMESPACE) return namespaceRisk(r, ctx);
  if (r.type === BUCKET) return bucketRisk(r);
  if (r.type === KMS_KEY) return keyRisk(r);
  if (holdsState(r)) return volumeRisk(r);
  return undefined;
}

/** The entry for a deleted or replaced resource, when it holds state; `twin` is the same object under a new Pulumi name. */
function atRisk(
  r: ResourceRecord,
  change: string,
  ctx: Context,
  twin?: ResourceRecord,
): StateAtRisk | undefined {
  const risk = riskOf(r, ctx);
  if (!risk) return undefined;
  const entry = {
    resource: keyOf(r),
    what: risk.what ?? describe(r),
    change,
    lost: risk.lost,
    keep: risk.keep,
  };
  return twin
    ? {
        ...entry,
        lost: `Nothing if aliased: only its Pulumi name changes (${code(r.name)} → ${code(twin.name)}). Without an alias: ${risk.lost}`,
        keep: `Add ${code(`aliases: [{ name: "${r.name}" }]`)} to the new resource.`,
      }
    : entry;
}

// --- Jobs that restart ---------------------------------------------------------------------

function interruption(mode: string, r: ResourceRecord, index: Index): string {
  const interval = conf(clusterOf(r, index))["execution.checkpointing.interval"];
  switch (mode) {
    case "savepoint":
      return "Stops with a savepoint and starts the new spec from it: down until its new JobManager and TaskManagers run the restored job.";
    case "last-state":
      return `Cancelled keeping its HA metadata and started from the latest checkpoint: down until the new pods run; input since that checkpoint${interval ? ` (up to one interval, ${interval})` : ""} is processed again.`;
    default:
      return "Cancelled and started again without state: down until the new pods run; whatever state it held starts over.";
  }
}

function suspendText(mode: string): string {
  return mode === "savepoint"
    ? "Suspended: stops with a savepoint and stays down until `state: running`."
    : mode === "last-state"
      ? "Suspended: cancelled keeping its HA metadata (resumes from the latest checkpoint); down until `state: running`."
      : "Suspended: cancelled without state; down until `state: running`.";
}

function jobChange(
  before: ResourceRecord,
  after: ResourceRecord,
  head: Index,
): { restart?: JobRestart; noRestart?: NoRestart } {
  const id = k8sId(after);
  const cluster = clusterOf(after, head);
  const diff = flinkSpecDiff(spec(before), spec(after), deploymentMode(cluster && spec(cluster)));
  if (!diff.changes.length) return {};
  const ignored = diff.changes.filter((c) => c.type === "IGNORE").map((c) => c.path);
  const none = (why: string) => ({ noRestart: { job: id, changes: diff.changes.map((c) => c.path), why } });
  if (diff.type === "IGNORE")
    return none(
      ignored.every((p) => LIVE_KEYS.some((k) => p.startsWith(k)))
        ? "The operator reads these from the current spec: they apply without a restart."
        : "The operator's spec diff ignores these: no restart; they take effect with the next upgrade (`initialSavepointPath` with a redeploy: bump `savepointRedeployNonce`).",
    );
  const [wasState, state] = [job(before)?.state ?? "running", job(after)?.state ?? "running"];
  if (wasState === "suspended" && state === "suspended")
    return none("Suspended: the new spec is used when it resumes.");
  if (diff.type === "SCALE" && cluster && scalesInPlace(spec(after), String(spec(cluster).flinkVersion)))
    return none("Rescaled in place (adaptive scheduler, resource-requirements API): no restart.");

  const restartPaths = diff.changes.filter((c) => c.type !== "IGNORE").map((c) => c.path);
  if (after.type === FLINK_DEPLOYMENT && !job(after)) {
    const jobs = [...head.values()]
      .filter((s) => s.type === FLINK_SESSION_JOB && sessionCluster(s, head) === after)
      .map((s) => code(String(k8sMeta(s).name)));
    return {
      restart: {
        resource: keyOf(after),
        job: id,
        kind: "session cluster",
        upgradeMode: "-",
        changes: restartPaths,
        // SessionReconciler.java:71-87: deleted (HA data kept) and deployed again.
        interruption: `Deleted and deployed again (HA data kept)${jobs.length ? `: its session jobs ${jobs.join(", ")} stop with it` : ""}.`,
      },
    };
  }
  const mode = upgradeModeOf(after);
  const wasMode = upgradeModeOf(before);
  const text =
    diff.type === "SAVEPOINT_REDEPLOY"
      ? `Cancelled without a savepoint and redeployed from ${code(String(job(after)?.initialSavepointPath))}: state since that savepoint is discarded (AbstractJobReconciler.java:619-645).`
      : wasState === "running" && state === "suspended"
        ? suspendText(mode)
        : wasState === "suspended"
          ? "Resumed: starts again from the state it was suspended with."
          : interruption(mode, after, head);
  return {
    restart: {
      resource: keyOf(after),
      job: id,
      kind: after.type === FLINK_SESSION_JOB ? "session job" : "application",
      upgradeMode: mode === wasMode ? mode : `${wasMode} → ${mode}`,
      changes: restartPaths,
      interruption:
        diff.type === "SCALE"
          ? `${text} (In-place rescaling needs the adaptive scheduler on Flink 1.18+.)`
          : text,
    },
  };
}

// --- Replacements --------------------------------------------------------------------------

function effectOf(r: ResourceRecord): string {
  switch (r.type) {
    case NODE_GROUP:
      return "A new node group replaces it: every node goes, its pods are evicted and Flink pods restart on the new nodes (jobs recover from their latest checkpoint).";
    case BUCKET:
      return "A new, empty bucket replaces it (see State at risk).";
    case "aws:eks/cluster:Cluster":
      return "A new EKS cluster: every Kubernetes object is created again on it.";
    case "aws:ec2/subnet:Subnet":
      return "A new subnet: everything placed in it (nodes, NAT gateways, endpoints) must move.";
    default:
      return isKubernetes(r) && r.type !== "kubernetes:helm.sh/v3:Release"
        ? "Deleted, then created again with the same name (pulumi-kubernetes provider.go:1645-1658): briefly absent."
        : "Replaced: a new one is created and the old one deleted.";
  }
}

/** Strings by which other resources refer to `r` in a render: its mock id and ARN. */
function references(r: ResourceRecord, region: string): string[] {
  const { id, state } = mockOutputs(r.type, r.name, r.inputs, region);
  const arn = (state as Obj).arn;
  return [id, ...(typeof arn === "string" ? [arn] : [])].filter((s) => s.length > 6);
}

function replacements(
  base: Index,
  head: Index,
  flags: KubernetesProviderFlags,
  region: string,
): Replacement[] {
  const out = new Map<string, Replacement>();
  const row = (r: ResourceRecord, because: string[], effect = effectOf(r), source?: string) =>
    out.set(keyOf(r), {
      resource: keyOf(r),
      what: describe(r),
      because,
      effect,
      source: source ?? replaceRule(r, flags)?.source ?? "",
    });
  for (const [key, after] of head) {
    const before = base.get(key);
    if (!before) continue;
    const paths = replacingChanges(before, after, flags);
    if (paths.length) row(after, paths);
  }
  // A replaced resource gets a new id: whatever holds that id in a replacing input follows it.
  const queue = [...out.values()].map((x) => head.get(x.resource)!);
  while (queue.length) {
    const replaced = queue.shift()!;
    const refs = references(replaced, region);
    for (const dependent of head.values()) {
      if (out.has(keyOf(dependent)) || !base.has(keyOf(dependent))) continue;
      if (!((dependent.options?.dependsOn as string[] | undefined) ?? []).includes(replaced.name)) continue;
      const hit = replacingValues(dependent, flags).find(([, v]) =>
        refs.some((s) => JSON.stringify(v ?? "").includes(s)),
      );
      if (!hit) continue;
      row(dependent, [`${hit[0]} (${describe(replaced)} is replaced)`]);
      queue.push(dependent);
    }
  }
  // Node groups roll their nodes on a new launch-template version or Kubernetes version.
  for (const [key, after] of head) {
    const before = base.get(key);
    if (!before || out.has(key) || after.type !== NODE_GROUP) continue;
    const templateId = at(after.inputs, "launchTemplate.id");
    const template = [...head.values()].find(
      (t) => t.type === LAUNCH_TEMPLATE && mockOutputs(t.type, t.name, t.inputs, region).id === templateId,
    );
    const old = template && base.get(keyOf(template));
    const because = [
      ...(template && old && JSON.stringify(old.inputs) !== JSON.stringify(template.inputs)
        ? [`launch template ${template.name} (new version)`]
        : []),
      ...(before.inputs.version !== after.inputs.version ? ["version"] : []),
    ];
    if (because.length)
      row(
        after,
        because,
        `Nodes replaced in place, ${at(after.inputs, "updateConfig.maxUnavailable") ?? 1} at a time: pods on each node are evicted and Flink pods restart elsewhere (jobs recover from their latest checkpoint).`,
        "hashicorp/terraform-provider-aws internal/service/ec2/ec2_launch_template.go (an update creates a version), internal/service/eks/node_group.go (launch_template/version changes: UpdateNodegroupVersion)",
      );
  }
  return [...out.values()].sort((a, b) => a.resource.localeCompare(b.resource));
}

// --- The review ----------------------------------------------------------------------------

export function reviewStack(baseRecords: ResourceRecord[], headRecords: ResourceRecord[]): StackReview {
  const base = byKey(baseRecords);
  const head = byKey(headRecords);
  const flags = providerFlags(headRecords.length ? headRecords : baseRecords);
  const region = String(
    headRecords.find((r) => r.type === "pulumi:providers:aws")?.inputs.region ?? "eu-west-1",
  );
  const added = headRecords.filter((r) => !base.has(keyOf(r)));
  const removed = baseRecords.filter((r) => !head.has(keyOf(r)));
  const ctx: Context = { base, added };

  const replaced = replacements(base, head, flags, region);
  // Pulumi-only renames: an added record naming the same object as a removed one.
  const twins = new Map<string, ResourceRecord>();
  for (const r of removed) {
    const id = physicalId(r);
    const twin = id && added.find((a) => a.type === r.type && physicalId(a) === id);
    if (twin) twins.set(keyOf(r), twin);
  }
  for (const [old, twin] of twins) {
    replaced.push({
      resource: old,
      what: describe(twin),
      because: [`Pulumi name ${base.get(old)!.name} → ${twin.name}`],
      effect: `Deleted and created again unless aliased: add ${code(`aliases: [{ name: "${base.get(old)!.name}" }]`)}.`,
      source:
        "Pulumi: a resource is identified by its type and name (URN); aliases map an old name to a new one",
    });
  }

  const risks: StateAtRisk[] = [];
  for (const r of removed) {
    const twin = twins.get(keyOf(r));
    const entry = atRisk(r, twin ? "Pulumi name changed" : "deleted", ctx, twin);
    if (entry) risks.push(entry);
  }
  for (const x of replaced) {
    const before = base.get(x.resource);
    if (!before || !head.has(x.resource)) continue;
    const entry = atRisk(before, `replaced (${x.because.join(", ")})`, ctx);
    if (entry) risks.push(entry);
  }

  const guardsRemoved: GuardRemoved[] = [];
  for (const [key, after] of head) {
    const before = base.get(key);
    if (!before) continue;
    if (before.options?.protect && !after.options?.protect)
      guardsRemoved.push({
        resource: key,
        option: "protect",
        meaning: `${describe(after)} can now be deleted by a later change (a rename, a removed namespace) or \`pulumi destroy\`.`,
      });
    if (before.options?.retainOnDelete && !after.options?.retainOnDelete)
      guardsRemoved.push({
        resource: key,
        option: "retainOnDelete",
        meaning: `Deleting ${describe(after)} from the stack will now delete it in the cloud too.`,
      });
  }

  const restarts: JobRestart[] = [];
  const noRestart: NoRestart[] = [];
  for (const [key, after] of head) {
    const before = base.get(key);
    if (!before || (after.type !== FLINK_DEPLOYMENT && after.type !== FLINK_SESSION_JOB)) continue;
    if (replaced.some((x) => x.resource === key)) continue;
    const { restart, noRestart: none } = jobChange(before, after, head);
    if (restart) restarts.push(restart);
    if (none) noRestart.push(none);
  }

  const byResource = (a: { resource: string }, b: { resource: string }) =>
    a.resource.localeCompare(b.resource);
  return {
    atRisk: risks.sort(byResource),
    guardsRemoved: guardsRemoved.sort(byResource),
    restarts: restarts.sort(byResource),
    noRestart: noRestart.sort((a, b) => a.job.localeCompare(b.job)),
    replacements: replaced.sort(byResource),
  };
}
