/**
 * Flink options the platform owns. A job's `flinkConfiguration` is merged last into its
 * FlinkDeployment, so an owned option set there would silently undo a guarantee: move state to
 * `file:///tmp`, turn HA off, delete checkpoints on cancel, swap S3 credentials, expose the REST
 * API, run on the host network, raise limit factors, switch service accounts. These are refused,
 * each naming the config key that owns it. Everything else stays tunable (checkpoint interval,
 * restart strategy, memory options, serializers, table and connector settings...): a denylist
 * of families, because a job's own options (connectors, table, state TTL) are open-ended.
 */

export interface OwnedOption {
  /** Why the key is refused: the config key (or platform rule) that owns it. */
  owner: string;
}

interface Rule extends OwnedOption {
  /** The keys, as the README lists them. */
  keys: string;
  match: (key: string) => boolean;
}

const exact =
  (...keys: string[]) =>
  (key: string) =>
    keys.includes(key);
const prefix =
  (...prefixes: string[]) =>
  (key: string) =>
    prefixes.some((p) => key === p.replace(/\.$/, "") || key.startsWith(p));

/** `kubernetes.operator.*` options a job may tune (dynamic, and harmless to the platform's guarantees). */
const TUNABLE_OPERATOR_OPTIONS = prefix(
  "kubernetes.operator.job.upgrade.",
  "kubernetes.operator.deployment.rollback.enabled",
  "kubernetes.operator.deployment.readiness.timeout",
  "kubernetes.operator.cluster.health-check.",
  "kubernetes.operator.job.restart.failed",
  "kubernetes.operator.periodic.checkpoint.interval",
  "kubernetes.operator.checkpoint.",
  "kubernetes.operator.savepoint.format.type",
  "kubernetes.operator.job.drain-on-savepoint-deletion",
);

const RULES: Rule[] = [
  {
    keys: "`high-availability.*`",
    match: prefix("high-availability."),
    owner: "ha.mode (and namespaces[].ha.mode); HA storage follows the namespace's bucket",
  },
  {
    keys: "checkpoint and savepoint directories, retention on cancel, retained count, restore path",
    match: exact(
      "execution.checkpointing.dir",
      "execution.checkpointing.savepoint-dir",
      "state.checkpoints.dir",
      "state.savepoints.dir",
      "state.backend.fs.checkpointdir",
      "state.backend.fs.savepointdir",
      "execution.checkpointing.externalized-checkpoint-retention",
      "execution.checkpointing.num-retained",
      "state.checkpoints.num-retained",
      "execution.savepoint.path",
      "execution.state-recovery.path",
    ),
    owner:
      "the platform's state layout (storage.*, flink.checkpointing.retained, initialSavepointPath): checkpoints live in the namespace's bucket and outlive cancellation",
  },
  {
    keys: "`s3.*`, `fs.s3a.*`, `fs.s3.*`, `presto.s3.*`, `fs.allowed-fallback-filesystems`, `fs.default-scheme`",
    match: prefix(
      "s3.",
      "fs.s3a.",
      "fs.s3.",
      "presto.s3.",
      "fs.allowed-fallback-filesystems",
      "fs.default-scheme",
    ),
    owner: "storage: S3 access, endpoints and credentials come from the namespace's role or store user",
  },
  {
    keys: "`kubernetes.operator.*` except the tunable ones named",
    match: (key) => key.startsWith("kubernetes.operator.") && !TUNABLE_OPERATOR_OPTIONS(key),
    owner:
      "the platform (savepoints: flink.savepoints.*; deletion savepoints and artifacts are set by the platform); tunable here: kubernetes.operator.job.upgrade.*, deployment.rollback.enabled, deployment.readiness.timeout, cluster.health-check.*, job.restart.failed, periodic.checkpoint.interval, checkpoint.*, savepoint.format.type",
  },
  {
    keys: "every other `kubernetes.*`",
    match: (key) => key.startsWith("kubernetes.") && !key.startsWith("kubernetes.operator."),
    owner:
      "the platform: service accounts, pod templates, placement, REST exposure and resource limit factors come from the job's config (jobManager, taskManager) and the namespace",
  },
  { keys: "`security.*`", match: prefix("security."), owner: "the platform (no per-job security settings)" },
  {
    keys: "`web.*`",
    match: prefix("web."),
    owner: "the platform (the Flink UI is read-only: no jar upload, no cancel)",
  },
  {
    keys: "`metrics.reporter.prom.*`, `metrics.job.status.enable`",
    match: (key) => key.startsWith("metrics.reporter.prom.") || key === "metrics.job.status.enable",
    owner:
      "monitoring (the Prometheus reporter on the scraped port and the job status gauges the alerts need)",
  },
  {
    keys: "RPC, blob, REST and data ports and addresses",
    match: exact(
      "jobmanager.rpc.port",
      "taskmanager.rpc.port",
      "blob.server.port",
      "rest.port",
      "rest.bind-port",
      "taskmanager.data.port",
      "jobmanager.rpc.address",
      "rest.address",
      "rest.bind-address",
    ),
    owner: "the platform's NetworkPolicies, which open Flink's default ports (6122–6124, 8081, 9249)",
  },
  {
    keys: "`scheduler-mode`",
    match: exact("scheduler-mode"),
    owner: "jobs[].reactive (reactive mode runs standalone, scaled by an HPA)",
  },
  {
    keys: "`taskmanager.numberOfTaskSlots`",
    match: exact("taskmanager.numberOfTaskSlots"),
    owner: "taskSlots",
  },
  { keys: "`parallelism.default`", match: exact("parallelism.default"), owner: "parallelism" },
  {
    keys: "`jobmanager.memory.process.size`, `taskmanager.memory.process.size`",
    match: exact("jobmanager.memory.process.size", "taskmanager.memory.process.size"),
    owner: "jobManager.memory / taskManager.memory",
  },
  {
    keys: "`state.backend.type`",
    match: exact("state.backend.type", "state.backend"),
    owner: "flink.stateBackend",
  },
  {
    keys: "`pipeline.jars`, `pipeline.classpaths`, `execution.target`, `$internal.*`",
    match: prefix("pipeline.jars", "pipeline.classpaths", "execution.target", "$internal."),
    owner: "the operator (jarURI and the deployment mode)",
  },
];

/** Key names that hold credentials: they would be written in plain text into the FlinkDeployment. */
export const CREDENTIAL =
  /(password|passwd|secret|token|credential|access[-_.]?key|private[-_.]?key|sasl\.jaas\.config|api[-_.]?key)/i;

const CREDENTIAL_OWNER =
  "a Kubernetes Secret: credentials in flinkConfiguration would be stored in plain text in the FlinkDeployment; read them from a Secret in the pod (env valueFrom / envFrom) instead";

/** The rule a user-set key breaks, or undefined when the key is the job's to tune. */
export function ownedOption(key: string): OwnedOption | undefined {
  const rule = RULES.find((r) => r.match(key));
  if (rule) return { owner: rule.owner };
  if (CREDENTIAL.test(key)) return { owner: CREDENTIAL_OWNER };
  return undefined;
}

/** The refused families with their owners, for the README (generated by `npm run docs`). */
export function ownedOptionFamilies(): { keys: string; owner: string }[] {
  return [
    ...RULES.map(({ keys, owner }) => ({ keys, owner })),
    {
      keys: "any key naming a password, secret, token, credential, access or private key, JAAS config or API key",
      owner: CREDENTIAL_OWNER,
    },
  ];
}
