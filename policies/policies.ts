/**
 * The platform's policies as pure functions over resource inputs. The PolicyPack (index.ts)
 * and the offline renderer (`npm run render -- --policy`) run exactly these; tests run each
 * over one compliant and one violating fixture.
 *
 * Values still unknown during a preview (ids, ARNs, JSON built from outputs) arrive as
 * `undefined`; a policy only fails on what is known to be wrong.
 */
import { parseFlinkMemory, parseQuantity } from "./quantities";

export interface PolicyResource {
  type: string;
  name: string;
  /** The parent component's name, when there is one. */
  parent?: string | null;
  props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resource options, where the caller knows them (`pulumi preview` hands the pack `protect`). */
  opts?: { protect?: boolean; retainOnDelete?: boolean };
}

/** Limits and switches from the policy config file (`config/<stack>.json`). */
export interface PolicySettings {
  maxContainerCpu: number;
  /** A Kubernetes quantity, e.g. `32Gi`. */
  maxContainerMemory: string;
  maxTaskManagers: number;
  maxParallelism: number;
}

export const DEFAULT_SETTINGS: PolicySettings = {
  maxContainerCpu: 8,
  maxContainerMemory: "32Gi",
  maxTaskManagers: 50,
  maxParallelism: 512,
};

interface PolicyBase {
  name: string;
  description: string;
  /** Why the platform insists: shown in the README's policy table. */
  rationale: string;
  /** Policies that only make sense in production are disabled in the dev config. */
  productionOnly?: boolean;
}

export interface ResourcePolicy extends PolicyBase {
  kind: "resource";
  check(resource: PolicyResource, settings: PolicySettings): string[];
}

export interface StackPolicy extends PolicyBase {
  kind: "stack";
  check(resources: PolicyResource[], settings: PolicySettings): { resource: string; message: string }[];
}

export type PlatformPolicy = ResourcePolicy | StackPolicy;

// ---------------------------------------------------------------------------------------------
// Reading Kubernetes objects

/** `kubernetes:apps/v1:Deployment` → `Deployment`; undefined for non-Kubernetes types. */
function kindOf(type: string): string | undefined {
  const [pkg, , kind] = type.split(":");
  return pkg === "kubernetes" ? kind : undefined;
}

interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

function podSpecsOf(
  r: PolicyResource,
): { where: string; spec: { containers?: Container[]; initContainers?: Container[] } }[] {
  const kind = kindOf(r.type);
  const p = r.props;
  switch (kind) {
    case "Pod":
      return [{ where: "pod", spec: p.spec ?? {} }];
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return [{ where: "pod template", spec: p.spec?.template?.spec ?? {} }];
    case "CronJob":
      return [{ where: "pod template", spec: p.spec?.jobTemplate?.spec?.template?.spec ?? {} }];
    case "FlinkDeployment":
      return [
        ["podTemplate", p.spec?.podTemplate],
        ["jobManager.podTemplate", p.spec?.jobManager?.podTemplate],
        ["taskManager.podTemplate", p.spec?.taskManager?.podTemplate],
      ]
        .filter(([, t]) => t?.spec)
        .map(([where, t]) => ({ where: where as string, spec: t.spec }));
    default:
      return [];
  }
}

/** Every container with where it is declared. Flink's main container takes its resources from the CR. */
function containersOf(r: PolicyResource): { label: string; container: Container; flinkMain: boolean }[] {
  const flink = kindOf(r.type) === "FlinkDeployment";
  return podSpecsOf(r).flatMap(({ where, spec }) =>
    [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((container) => ({
      label: `container "${container.name ?? "?"}" (${where})`,
      container,
      flinkMain: flink && container.name === "flink-main-container",
    })),
  );
}

const flinkProcesses = ["jobManager", "taskManager"] as const;

function flinkMemoryBytes(value: unknown): number | undefined {
  return parseFlinkMemory(value) ?? parseQuantity(value);
}

const GiB = 2 ** 30;
const formatBytes = (b: number) => (b % GiB === 0 ? `${b / GiB}Gi` : `${Math.round(b / 2 ** 20)}Mi`);

function isKind(r: PolicyResource, kind: string): boolean {
  return kindOf(r.type) === kind;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes and Flink resources

const containerResources: ResourcePolicy = {
  kind: "resource",
  name: "container-resources",
  description: "Every container and Flink process has CPU and memory requests and a memory limit.",
  rationale:
    "Without requests the scheduler packs pods blindly and quotas cannot account for them; without a memory limit one pod can starve a node.",
  check(r) {
    const problems: string[] = [];
    for (const { label, container, flinkMain } of containersOf(r)) {
      if (flinkMain && !container.resources) continue;
      const req = container.resources?.requests ?? {};
      const lim = container.resources?.limits ?? {};
      const missing = [
        req.cpu === undefined ? "requests.cpu" : "",
        req.memory === undefined ? "requests.memory" : "",
        lim.memory === undefined ? "limits.memory" : "",
      ].filter(Boolean);
      if (missing.length) problems.push(`${label} has no ${missing.join(", ")}`);
    }
    if (isKind(r, "FlinkDeployment")) {
      for (const process of flinkProcesses) {
        const resource = r.props.spec?.[process]?.resource ?? {};
        if (resource.cpu === undefined || resource.memory === undefined) {
          problems.push(`${process}.resource must set cpu and memory`);
        }
      }
    }
    return problems;
  },
};

const memoryLimitEqualsRequest: ResourcePolicy = {
  kind: "resource",
  name: "memory-limit-equals-request",
  description: "Memory limits equal memory requests; Flink's memory limit factors stay at 1.",
  rationale:
    "Flink sizes its heap, managed and network memory from the process size; memory above the request is not guaranteed and gets a JVM OOM-killed under node pressure.",
  check(r) {
    const problems: string[] = [];
    for (const { label, container } of containersOf(r)) {
      const req = parseQuantity(container.resources?.requests?.memory);
      const lim = parseQuantity(container.resources?.limits?.memory);
      if (req !== undefined && lim !== undefined && req !== lim) {
        problems.push(
          `${label} has memory limit ${container.resources!.limits!.memory} ≠ request ${container.resources!.requests!.memory}`,
        );
      }
    }
    if (isKind(r, "FlinkDeployment")) {
      for (const process of ["jobmanager", "taskmanager"]) {
        const key = `kubernetes.${process}.memory.limit-factor`;
        const factor = r.props.spec?.flinkConfiguration?.[key];
        if (factor !== undefined && Number(factor) !== 1) problems.push(`${key} is ${factor}; it must be 1`);
      }
    }
    return problems;
  },
};

const resourceCaps: ResourcePolicy = {
  kind: "resource",
  name: "resource-caps",
  description:
    "Containers and Flink processes stay within the CPU and memory caps; jobs within the TaskManager and parallelism caps.",
  rationale:
    "A typo (`parallelism: 4000`, `memory: 400g`) should be stopped at preview, not discovered as a bill or as pods that can never be scheduled.",
  check(r, s) {
    const maxMemory = parseQuantity(s.maxContainerMemory) ?? Infinity;
    const problems: string[] = [];
    const cap = (label: string, cpu: unknown, memoryBytes: number | undefined) => {
      const c = parseQuantity(cpu);
      if (c !== undefined && c > s.maxContainerCpu)
        problems.push(`${label} asks for ${c} cpu, above the cap of ${s.maxContainerCpu}`);
      if (memoryBytes !== undefined && memoryBytes > maxMemory) {
        problems.push(
          `${label} asks for ${formatBytes(memoryBytes)} memory, above the cap of ${s.maxContainerMemory}`,
        );
      }
    };
    for (const { label, container } of containersOf(r)) {
      cap(label, container.resources?.requests?.cpu, parseQuantity(container.resources?.requests?.memory));
      cap(label, container.resources?.limits?.cpu, parseQuantity(container.resources?.limits?.memory));
    }
    const spec = r.props.spec ?? {};
    if (isKind(r, "FlinkDeployment")) {
      for (const process of flinkProcesses) {
        cap(process, spec[process]?.resource?.cpu, flinkMemoryBytes(spec[process]?.resource?.memory));
      }
      const slots = Number(spec.flinkConfiguration?.["taskmanager.numberOfTaskSlots"] ?? 1);
      const replicas =
        spec.taskManager?.replicas ??
        (spec.job?.parallelism ? Math.ceil(spec.job.parallelism / slots) : undefined);
      if (replicas !== undefined && replicas > s.maxTaskManagers) {
        problems.push(`${replicas} TaskManagers, above the cap of ${s.maxTaskManagers}`);
      }
    }
    if (isKind(r, "FlinkDeployment") || isKind(r, "FlinkSessionJob")) {
      const parallelism = spec.job?.parallelism;
      if (parallelism !== undefined && parallelism > s.maxParallelism) {
        problems.push(`parallelism ${parallelism}, above the cap of ${s.maxParallelism}`);
      }
    }
    return problems;
  },
};

const namespaceGuards: StackPolicy = {
  kind: "stack",
  name: "namespace-quota-and-limits",
  description: "Every namespace with Flink workloads has a ResourceQuota (CPU and memory) and a LimitRange.",
  rationale:
    "The quota is what stops one team's job from taking the cluster; the LimitRange gives defaults and maxima to anything created by hand.",
  check(resources) {
    const flinkNamespaces = new Set(
      resources
        .filter((r) => isKind(r, "FlinkDeployment") || isKind(r, "FlinkSessionJob"))
        .map((r) => r.props.metadata?.namespace)
        .filter((ns): ns is string => typeof ns === "string"),
    );
    const inNamespace = (kind: string, ns: string) =>
      resources.filter((r) => isKind(r, kind) && r.props.metadata?.namespace === ns);
    const problems: { resource: string; message: string }[] = [];
    for (const ns of [...flinkNamespaces].sort()) {
      const quotas = inNamespace("ResourceQuota", ns);
      const hard = Object.assign({}, ...quotas.map((q) => q.props.spec?.hard ?? {}));
      const missing = ["requests.cpu", "requests.memory", "limits.memory"].filter(
        (k) => hard[k] === undefined,
      );
      if (quotas.length === 0)
        problems.push({
          resource: `namespace/${ns}`,
          message: `namespace "${ns}" runs Flink but has no ResourceQuota`,
        });
      else if (missing.length)
        problems.push({
          resource: `namespace/${ns}`,
          message: `the ResourceQuota of "${ns}" does not limit ${missing.join(", ")}`,
        });
      if (inNamespace("LimitRange", ns).length === 0) {
        problems.push({
          resource: `namespace/${ns}`,
          message: `namespace "${ns}" runs Flink but has no LimitRange`,
        });
      }
    }
    return problems;
  },
};

/** `repo/image:tag` or `repo/image@sha256:…`; a registry port (`host:5000/image`) is not a tag. */
export function imageProblem(image: string): string | undefined {
  if (image.includes("@sha256:")) return undefined;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  if (colon < 0) return `image "${image}" has no tag`;
  if (lastSegment.slice(colon + 1) === "latest") return `image "${image}" uses the mutable "latest" tag`;
  return undefined;
}

const imagesPinned: ResourcePolicy = {
  kind: "resource",
  name: "images-pinned",
  description: "Every image names a version tag or digest: no `latest`, no missing tag.",
  rationale:
    "A moving tag changes what runs without a diff: a node restart silently upgrades Flink or the store.",
  check(r) {
    const images: [string, unknown][] = containersOf(r).map(({ label, container }) => [
      label,
      container.image,
    ]);
    if (isKind(r, "FlinkDeployment")) images.push(["spec.image", r.props.spec?.image]);
    return images.flatMap(([label, image]) => {
      if (typeof image !== "string") return [];
      const problem = imageProblem(image);
      return problem ? [`${label}: ${problem}`] : [];
    });
  },
};

// ---------------------------------------------------------------------------------------------
// AWS

const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(policy: unknown): Statement[] | undefined {
  let doc = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  const statements = (doc as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  if (statements === undefined) return undefined;
  return Array.isArray(statements) ? statements : [statements];
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const s3BucketHardened: StackPolicy = {
  kind: "stack",
  name: "s3-bucket-hardened",
  description: "S3 buckets are KMS-encrypted, versioned, block all public access and deny non-TLS requests.",
  rationale:
    "The bucket holds every checkpoint and savepoint: losing, leaking or overwriting it loses the jobs' state.",
  check(resources) {
    const problems: { resource: string; message: string }[] = [];
    for (const bucket of resources.filter((r) => BUCKET_TYPES.has(r.type))) {
      const name = bucket.props.bucket;
      // Settings resources point at the bucket by name; while that is unknown, by their shared parent.
      const about = (type: string) =>
        resources.filter(
          (r) =>
            r.type === type &&
            (r.props.bucket !== undefined
              ? r.props.bucket === name
              : !!bucket.parent && r.parent === bucket.parent),
        );
      const report = (message: string) => problems.push({ resource: bucket.name, message });

      const sse = [
        ...about("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
        ...about(
          "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        ),
      ].flatMap((r) => r.props.rules ?? []);
      const inline = bucket.props.serverSideEncryptionConfiguration?.rule;
      const algorithms = [...sse, ...(inline ? [inline] : [])].map(
        (rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
      );
      if (!algorithms.some((a) => a === "aws:kms" || a === "aws:kms:dsse"))
        report("is not encrypted with KMS (SSE-KMS)");

      const versioned =
        about("aws:s3/bucketVersioning:BucketVersioning").some(
          (r) => r.props.versioningConfiguration?.status === "Enabled",
        ) ||
        about("aws:s3/bucketVersioningV2:BucketVersioningV2").some(
          (r) => r.props.versioningConfiguration?.status === "Enabled",
        ) ||
        bucket.props.versioning?.enabled === true;
      if (!versioned) report("does not have versioning enabled");

      const blocks = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
      const pab = about("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      if (!pab.some((r) => blocks.every((k) => r.props[k] === true)))
        report("does not block all four kinds of public access");

      const policies = about("aws:s3/bucketPolicy:BucketPolicy");
      const tlsOnly = policies.some((p) =>
        (statementsOf(p.props.policy) ?? []).some(
          (st) => st.Effect === "Deny" && String(st.Condition?.Bool?.["aws:SecureTransport"]) === "false",
        ),
      );
      // A policy still unknown at preview (built from outputs) is not evidence of a missing rule.
      const unknown = policies.some((p) => statementsOf(p.props.policy) === undefined);
      if (!tlsOnly && !unknown)
        report("has no bucket policy denying requests without TLS (aws:SecureTransport)");
    }
    return problems;
  },
};

const IAM_DOCUMENTS: Record<string, (props: PolicyResource["props"]) => unknown[]> = {
  "aws:iam/policy:Policy": (p) => [p.policy],
  "aws:iam/rolePolicy:RolePolicy": (p) => [p.policy],
  "aws:iam/userPolicy:UserPolicy": (p) => [p.policy],
  "aws:iam/groupPolicy:GroupPolicy": (p) => [p.policy],
  "aws:iam/role:Role": (p) => (p.inlinePolicies ?? []).map((i: { policy?: unknown }) => i.policy),
};

const iamNoWildcardAdmin: ResourcePolicy = {
  kind: "resource",
  name: "iam-no-wildcard-admin",
  description: "No IAM statement allows a wildcard action on a wildcard resource.",
  rationale: "`*` on `*` is administrator access; every role here has a narrow job and gets only that.",
  check(r) {
    const documents = IAM_DOCUMENTS[r.type]?.(r.props) ?? [];
    return documents.flatMap((doc) =>
      (statementsOf(doc) ?? [])
        .filter(
          (st) =>
            st.Effect === "Allow" &&
            list(st.Action).some((a) => a === "*" || a === "*:*") &&
            list(st.Resource).includes("*"),
        )
        .map(() => `allows action "*" on resource "*"`),
    );
  },
};

const eksSecretsEncryption: ResourcePolicy = {
  kind: "resource",
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  rationale:
    "Secrets hold the store credentials and Grafana's password; etcd snapshots must not expose them.",
  check(r) {
    if (r.type !== "aws:eks/cluster:Cluster") return [];
    const config = r.props.encryptionConfig;
    const configs = Array.isArray(config) ? config : config ? [config] : [];
    return configs.some((c) => (c.resources ?? []).includes("secrets"))
      ? []
      : ["does not encrypt secrets with KMS"];
  },
};

const eksImdsV2: ResourcePolicy = {
  kind: "resource",
  name: "eks-imdsv2-required",
  description: "Node launch templates require IMDSv2 (hop limit 1), and every node group uses one.",
  rationale: "With IMDSv1 or a hop limit above 1, any pod can read the node role's credentials.",
  check(r) {
    if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      const m = r.props.metadataOptions ?? {};
      const problems =
        m.httpTokens === "required" ? [] : ["does not require IMDSv2 (metadataOptions.httpTokens)"];
      if (m.httpPutResponseHopLimit !== undefined && m.httpPutResponseHopLimit > 1) {
        problems.push(`lets pods reach instance metadata (hop limit ${m.httpPutResponseHopLimit} > 1)`);
      }
      return problems;
    }
    if (r.type === "aws:eks/nodeGroup:NodeGroup" && !r.props.launchTemplate) {
      return ["has no launch template, so its nodes accept IMDSv1"];
    }
    return [];
  },
};

const eksEndpointNotOpen: ResourcePolicy = {
  kind: "resource",
  name: "eks-endpoint-not-open",
  description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  rationale: "An API server open to the internet is one leaked token away from the whole platform.",
  check(r) {
    if (r.type !== "aws:eks/cluster:Cluster") return [];
    const vpc = r.props.vpcConfig ?? {};
    if (vpc.endpointPublicAccess === false) return [];
    const cidrs: string[] | undefined = vpc.publicAccessCidrs;
    // EKS defaults publicAccessCidrs to 0.0.0.0/0 when public access is on.
    if (!cidrs || cidrs.length === 0)
      return ["has a public API endpoint open to 0.0.0.0/0 (no publicAccessCidrs)"];
    return cidrs.includes("0.0.0.0/0") ? ["has a public API endpoint open to 0.0.0.0/0"] : [];
  },
};

// ---------------------------------------------------------------------------------------------
// Production rules

function flinkConf(r: PolicyResource): Record<string, string> {
  return r.props.spec?.flinkConfiguration ?? {};
}

const productionHa: ResourcePolicy = {
  kind: "resource",
  name: "production-ha",
  productionOnly: true,
  description: "Production FlinkDeployments run with high availability (Kubernetes or ZooKeeper).",
  rationale: "Without HA a JobManager loss restarts the job from scratch or from an old savepoint.",
  check(r) {
    if (!isKind(r, "FlinkDeployment")) return [];
    const conf = flinkConf(r);
    const ha = conf["high-availability.type"] ?? conf["high-availability"];
    return ha && !["none", "NONE"].includes(ha) ? [] : ["runs without high availability"];
  },
};

/** Stateful resources whose loss loses the jobs' state or makes it unreadable. */
const STATE_TYPES: Record<string, string> = {
  "aws:s3/bucket:Bucket": "state bucket",
  "aws:s3/bucketV2:BucketV2": "state bucket",
  "aws:kms/key:Key": "KMS key",
  "aws:eks/cluster:Cluster": "EKS cluster",
};

const productionStateProtected: ResourcePolicy = {
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

export const STATELESS_APPROVED_ANNOTATION = "flink-platform/stateless-upgrade-approved";

const productionStatefulUpgrade: ResourcePolicy = {
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

const productionStandbyJobManagers: ResourcePolicy = {
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

const productionZookeeperQuorum: ResourcePolicy = {
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

export const POLICIES: PlatformPolicy[] = [
  containerResources,
  memoryLimitEqualsRequest,
  resourceCaps,
  namespaceGuards,
  imagesPinned,
  s3BucketHardened,
  iamNoWildcardAdmin,
  eksSecretsEncryption,
  eksImdsV2,
  eksEndpointNotOpen,
  productionHa,
  productionStatefulUpgrade,
  productionStandbyJobManagers,
  productionZookeeperQuorum,
  productionStateProtected,
];
