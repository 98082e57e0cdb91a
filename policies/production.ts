/** Rules only production enforces (disabled in the development policy config). */
import { STATELESS_APPROVED_ANNOTATION } from "./annotations";
import { isKind, PolicyResource, ResourcePolicy } from "./model";

function flinkConf(r: PolicyResource): Record<string, string> {
  return r.props.spec?.flinkConfiguration ?? {};
}

export const productionHa: ResourcePolicy = {
  kind: "resource",
  name: "production-ha",
  productionOnly: true,
  description: "Production FlinkDeployments run with high availability (Kubernetes or ZooKeeper).",
  rationale: "Without HA a JobManager loss restarts the job from scratch or from an old savepoint.",
  check(r) {
    if (!isKind(r, "FlinkDeployment")) return [];
    const conf = flinkConf(r);
    // Flink reads the value case-insensitively (`NONE`, `None`, `none` all turn HA off).
    const ha = (conf["high-availability.type"] ?? conf["high-availability"])?.toLowerCase();
    return ha === "kubernetes" || ha === "zookeeper" || (ha && ha.includes("."))
      ? []
      : ["runs without high availability"];
  },
};

export const productionStatefulUpgrade: ResourcePolicy = {
  kind: "resource",
  name: "production-stateful-upgrade",
  productionOnly: true,
  description:
    "Production jobs upgrade with `savepoint` or `last-state`, unless the stack explicitly approved `stateless`.",
  rationale: "A stateless upgrade throws the job's state away on every spec change.",
  check(r) {
    if (!isKind(r, "FlinkDeployment") && !isKind(r, "FlinkSessionJob")) return [];
    const mode = r.props.spec?.job?.upgradeMode;
    if (mode === undefined || mode === "savepoint" || mode === "last-state") return [];
    const approved = r.props.metadata?.annotations?.[STATELESS_APPROVED_ANNOTATION] === "true";
    return approved
      ? []
      : [`upgrades with "${mode}", losing state (approve with allowStatelessInProduction)`];
  },
};

export const productionStandbyJobManagers: ResourcePolicy = {
  kind: "resource",
  name: "production-standby-jobmanagers",
  productionOnly: true,
  description: "Production FlinkDeployments run at least one standby JobManager.",
  rationale:
    "A standby takes over in seconds; without one, recovery waits for a new pod to be scheduled and start.",
  check(r) {
    if (!isKind(r, "FlinkDeployment")) return [];
    const replicas = r.props.spec?.jobManager?.replicas ?? 1;
    return replicas >= 2 ? [] : [`runs ${replicas} JobManager, no standby`];
  },
};

export const productionZookeeperQuorum: ResourcePolicy = {
  kind: "resource",
  name: "production-zookeeper-quorum",
  productionOnly: true,
  description: "A ZooKeeper ensemble in production has an odd number of members, at least 3.",
  rationale:
    "ZooKeeper needs a majority: 1 member has no failover, an even count tolerates no more failures than one fewer.",
  check(r) {
    const labels = r.props.metadata?.labels ?? {};
    const zookeeper = isKind(r, "StatefulSet") && labels["app.kubernetes.io/name"] === "zookeeper";
    if (!zookeeper) return [];
    const replicas = r.props.spec?.replicas ?? 1;
    return replicas >= 3 && replicas % 2 === 1 ? [] : [`has ${replicas} members; use an odd number ≥ 3`];
  },
};

/** Stateful resources whose loss loses the jobs' state or makes it unreadable. */
const STATE_TYPES: Record<string, string> = {
  "aws:s3/bucket:Bucket": "state bucket",
  "aws:s3/bucketV2:BucketV2": "state bucket",
  "aws:kms/key:Key": "KMS key",
  "aws:eks/cluster:Cluster": "EKS cluster",
};

export const productionStateProtected: ResourcePolicy = {
  kind: "resource",
  name: "production-state-protected",
  productionOnly: true,
  description:
    "Production state buckets, KMS keys and the cluster are `protect`ed; buckets are also kept on delete (`retainOnDelete`).",
  rationale:
    "A dropped `protect` turns a rename or a destroy into deleted checkpoints, or a scheduled key deletion that makes every encrypted object unreadable.",
  check(r) {
    const what = STATE_TYPES[r.type];
    if (!what || !r.opts) return [];
    const problems: string[] = [];
    if (r.opts.protect === false) problems.push(`${what} is not protected (protect: true)`);
    if (what === "state bucket" && r.opts.retainOnDelete === false) {
      problems.push("state bucket is not kept on delete (retainOnDelete: true)");
    }
    return problems;
  },
};
