/**
 * The stack configuration schema: every key under `flink-platform:`, its type, range and
 * per-tier default. Objects are strict, so a misspelt key is an error, never ignored.
 */
import { z } from "zod";
import { FLINK_VERSIONS, EKS_VERSION_NAMES } from "../components/versions";
import { INSTANCE_TYPE_NAMES } from "../components/cluster/instanceCatalog";
import { parseDuration, parseSize, DURATION_HINT, SIZE_HINT } from "./units";
import { TIER_DEFAULTS, Tier } from "./defaults";

export const TIERS = ["development", "production"] as const;

/** Kubernetes object name (RFC 1123 label). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = (max = 63) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, { error: "must be lowercase letters, digits and '-', starting with a letter" });

const size = z.string().transform((text, ctx) => {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes === 0) {
    ctx.issues.push({ code: "custom", input: text, message: `"${text}" is not a size: use ${SIZE_HINT}` });
    return z.NEVER;
  }
  return bytes;
});

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0) {
    ctx.issues.push({
      code: "custom",
      input: text,
      message: `"${text}" is not a duration: use ${DURATION_HINT}`,
    });
    return z.NEVER;
  }
  return ms;
});

const cpu = z.number().positive().max(256);
const count = (min: number, max: number) => z.int().min(min).max(max);

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const cidr = z.string().refine(
  (text) => {
    const m = CIDR.exec(text);
    return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  },
  { error: (iss) => `"${String(iss.input)}" is not an IPv4 CIDR such as 203.0.113.0/24` },
);

const flinkConfiguration = z.record(
  z.string(),
  z.string({ error: "Flink configuration values must be strings" }),
);

/** Resources of a Flink process, every field optional so it can inherit the stack default. */
const processResources = z.strictObject({
  cpu: cpu.optional(),
  memory: size.optional(),
  replicas: count(1, 100).optional(),
});

const autoscaler = z.strictObject({
  enabled: z.boolean().default(true),
  targetUtilization: z.number().gt(0).lt(1).default(0.7),
  stabilizationInterval: duration.default(parseDuration("5 min")!),
  metricsWindow: duration.default(parseDuration("10 min")!),
  maxParallelism: count(1, 32768).optional(),
});

const UPGRADE_MODES = ["stateless", "savepoint", "last-state"] as const;
const JOB_STATES = ["running", "suspended"] as const;

const jobFields = {
  jarURI: z.string().regex(/^(local|s3|https?|file):\/\/\S+\.jar$/, {
    error: "must be a jar URI such as local:///opt/flink/usrlib/job.jar or s3://bucket/job.jar",
  }),
  entryClass: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  parallelism: count(1, 32768),
  state: z.enum(JOB_STATES).default("running"),
  upgradeMode: z.enum(UPGRADE_MODES).optional(),
  /** Production refuses `stateless` unless the job opts out explicitly. */
  allowStatelessInProduction: z.boolean().default(false),
  initialSavepointPath: z.string().min(1).optional(),
  /** Change (with initialSavepointPath) to redeploy a running job from that savepoint. */
  savepointRedeployNonce: count(1, 2_147_483_647).optional(),
  allowNonRestoredState: z.boolean().optional(),
  flinkConfiguration: flinkConfiguration.default({}),
};

const applicationJob = z.strictObject({
  name: dnsLabel(),
  ...jobFields,
  taskSlots: count(1, 64).optional(),
  flinkVersion: z.enum(FLINK_VERSIONS).optional(),
  image: z.string().min(1).optional(),
  jobManager: processResources.prefault({}),
  taskManager: processResources.prefault({}),
  autoscaler: autoscaler.optional(),
});

const sessionCluster = z.strictObject({
  name: dnsLabel(),
  taskSlots: count(1, 64).optional(),
  flinkVersion: z.enum(FLINK_VERSIONS).optional(),
  image: z.string().min(1).optional(),
  jobManager: processResources.prefault({}),
  taskManager: processResources.prefault({}),
  flinkConfiguration: flinkConfiguration.default({}),
});

const sessionJob = z.strictObject({
  name: dnsLabel(),
  sessionCluster: dnsLabel(),
  ...jobFields,
});

const snapshot = z.strictObject({
  name: dnsLabel(),
  /** Name of an application job or session job in the same namespace. */
  job: dnsLabel(),
  type: z.enum(["savepoint", "checkpoint"]).default("savepoint"),
  formatType: z.enum(["CANONICAL", "NATIVE"]).default("CANONICAL"),
  disposeOnDelete: z.boolean().default(false),
  backoffLimit: count(0, 10).default(1),
});

const HA_MODES = ["kubernetes", "zookeeper", "none"] as const;

/**
 * Where a namespace's job jars live on S3: read-only for its Flink pods (and for the operator,
 * which fetches session-job jars itself). EKS only.
 */
const artifactLocation = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" }),
  /** Key prefix, e.g. `analytics/`; empty for the whole bucket. */
  prefix: z
    .string()
    .regex(/^([^*?\s]+\/)?$/, { error: "must be empty or a key prefix ending in '/' without wildcards" })
    .default(""),
  /** The bucket's customer-managed KMS key, when it uses one (the role then may decrypt through S3). */
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, { error: "must be a KMS key ARN" })
    .optional(),
});

const port = count(1, 65535);
/**
 * One egress rule a team opens for its jobs' own systems (Kafka, a database, an HTTP API):
 * either CIDRs outside the cluster or pods of an in-cluster namespace, on listed ports only.
 */
const egressRule = z
  .strictObject({
    /** Names the NetworkPolicy `egress-<name>`. */
    name: dnsLabel(40),
    cidrs: z.array(cidr).min(1).optional(),
    namespace: dnsLabel().optional(),
    /** With `namespace`: only pods with these labels (all pods of the namespace otherwise). */
    podLabels: z.record(z.string(), z.string()).optional(),
    ports: z
      .array(
        z.strictObject({
          port,
          /** Last port of a range (`port`–`endPort`), e.g. MSK's 9092–9098. */
          endPort: port.optional(),
          protocol: z.enum(["TCP", "UDP"]).default("TCP"),
        }),
      )
      .min(1, { error: "list the ports to open; opening every port is not allowed" }),
  })
  .superRefine((rule, ctx) => {
    if ((rule.cidrs === undefined) === (rule.namespace === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "set exactly one of cidrs (outside the cluster) or namespace",
      });
    }
    if (rule.podLabels && !rule.namespace) {
      ctx.addIssue({ code: "custom", path: ["podLabels"], message: "podLabels needs namespace" });
    }
    rule.ports.forEach((p, i) => {
      if (p.endPort !== undefined && p.endPort < p.port) {
        ctx.addIssue({
          code: "custom",
          path: ["ports", i, "endPort"],
          message: `must not be below port ${p.port} (got ${p.endPort})`,
        });
      }
    });
  });

function namespaceSchema(d: (typeof TIER_DEFAULTS)[Tier]) {
  return z.strictObject({
    name: dnsLabel(),
    quota: z.strictObject({
      cpu: z.number().positive(),
      memory: size,
      pods: count(1, 10_000).default(d.quotaPods),
      persistentVolumeClaims: count(0, 1000).default(10),
      flinkDeployments: count(1, 1000).default(20),
    }),
    priority: z.enum(["critical", "standard"]).default(d.namespacePriority),
    ha: z.strictObject({ mode: z.enum(HA_MODES) }).optional(),
    /** S3 locations of the namespace's job jars (read-only). */
    artifacts: z.array(artifactLocation).default([]),
    /** Extra egress for the namespace's Flink pods, beyond DNS, HTTPS and the platform's own flows. */
    egress: z.array(egressRule).default([]),
    jobs: z.array(applicationJob).default([]),
    sessionClusters: z.array(sessionCluster).default([]),
    sessionJobs: z.array(sessionJob).default([]),
    snapshots: z.array(snapshot).default([]),
  });
}

const nodeGroup = z.strictObject({
  instanceTypes: z.array(z.enum(INSTANCE_TYPE_NAMES as [string, ...string[]])).min(1),
  minSize: count(0, 1000),
  desiredSize: count(0, 1000),
  maxSize: count(1, 1000),
  diskSizeGiB: count(20, 2000).default(50),
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
});

const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" });

function clusterSchema(d: (typeof TIER_DEFAULTS)[Tier]) {
  const eks = z.strictObject({
    provider: z.literal("eks"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as eu-west-1" }),
    kubernetesVersion: z.enum(EKS_VERSION_NAMES),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/)).min(1),
    vpcCidr: cidr.default("10.40.0.0/16"),
    natGateways: z.enum(["single", "per-az"]).default(d.natGateways),
    endpoint: z
      .strictObject({
        privateAccess: z.boolean().default(true),
        publicAccessCidrs: z.array(cidr).default([]),
      })
      .prefault({}),
    /** The role `pulumi up` runs as (CI's deploy role): cluster admin through an access entry. */
    deployRoleArn: roleArn,
    /** The pull-request preview role: read-only cluster access (no Secrets). */
    previewRoleArn: roleArn.optional(),
    adminRoleArns: z.array(roleArn).default([]),
    /**
     * An IAM policy every role the platform creates carries as its permissions boundary, so the
     * deploy role may create roles only under it (docs/deploy-role-policy.json).
     */
    permissionsBoundaryArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/, { error: "must be an IAM policy ARN" })
      .optional(),
    nodeGroups: z.strictObject({ system: nodeGroup, flink: nodeGroup }),
  });
  const existing = z.strictObject({
    provider: z.literal("existing"),
    /** Path to a kubeconfig file; the provider's usual discovery when omitted. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    storageClass: z.string().min(1).optional(),
  });
  return z.discriminatedUnion("provider", [eks, existing], {
    error: 'cluster.provider must be "eks" or "existing"',
  });
}

export function stackSchema(tier: Tier) {
  const d = TIER_DEFAULTS[tier];
  return z.strictObject({
    environment: z.strictObject({ name: dnsLabel(20), tier: z.enum(TIERS) }),
    cluster: clusterSchema(d),
    storage: z
      .strictObject({
        /** EKS: every namespace's state bucket is `<bucketPrefix>-<namespace>`. */
        bucketPrefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/, {
            error: "must be 3–42 lowercase letters, digits and '-', starting and ending with a letter or digit",
          })
          .optional(),
        noncurrentVersionExpirationDays: count(1, 3650).default(d.noncurrentVersionExpirationDays),
        abortIncompleteUploadDays: count(1, 365).default(7),
        objectStore: z
          .strictObject({
            /** Each namespace's bucket is `<bucketPrefix>-<namespace>`, with its own store user. */
            bucketPrefix: dnsLabel(20).default("flink"),
            storageSize: size.default(parseSize("20Gi")!),
            cpu: cpu.default(0.5),
            memory: size.default(parseSize("1Gi")!),
          })
          .prefault({}),
      })
      .prefault({}),
    ha: z
      .strictObject({
        mode: z.enum(HA_MODES).default(d.haMode),
        jobManagerReplicas: count(1, 5).default(d.jobManagerReplicas),
        zookeeper: z
          .strictObject({
            replicas: count(1, 7).default(d.zookeeperReplicas),
            storageSize: size.default(parseSize("10Gi")!),
            cpu: cpu.default(0.5),
            memory: size.default(parseSize("1Gi")!),
          })
          .prefault({}),
      })
      .prefault({}),
    operator: z
      .strictObject({
        webhook: z.boolean().default(d.operatorWebhook),
        replicas: count(1, 3).default(d.operatorReplicas),
        cpu: cpu.default(0.5),
        memory: size.default(parseSize("1Gi")!),
      })
      .prefault({}),
    flink: z
      .strictObject({
        version: z.enum(FLINK_VERSIONS).default("1.20"),
        image: z.string().min(1).optional(),
        taskSlots: count(1, 64).default(2),
        jobManager: z
          .strictObject({ cpu: cpu.default(1), memory: size.default(parseSize("2g")!) })
          .prefault({}),
        taskManager: z
          .strictObject({ cpu: cpu.default(2), memory: size.default(parseSize("4g")!) })
          .prefault({}),
        upgradeMode: z.enum(UPGRADE_MODES).default(d.upgradeMode),
        /** How long `pulumi up` waits for each job to run (its upgrade included) before failing. */
        deployTimeout: duration.default(parseDuration(d.deployTimeout)!),
        stateBackend: z.enum(["rocksdb", "hashmap"]).default("rocksdb"),
        checkpointing: z
          .strictObject({
            interval: duration.default(parseDuration(d.checkpointInterval)!),
            mode: z.enum(["EXACTLY_ONCE", "AT_LEAST_ONCE"]).default("EXACTLY_ONCE"),
            incremental: z.boolean().default(true),
            retained: count(1, 100).default(d.retainedCheckpoints),
            timeout: duration.default(parseDuration("10 min")!),
            minPause: duration.default(parseDuration("10 s")!),
          })
          .prefault({}),
        restartStrategy: z
          .strictObject({
            type: z.enum(["exponential-delay", "fixed-delay", "failure-rate"]).default("exponential-delay"),
            attempts: count(1, 1000).default(10),
            delay: duration.default(parseDuration("10 s")!),
            maxDelay: duration.default(parseDuration("5 min")!),
          })
          .prefault({}),
        savepoints: z
          .strictObject({
            periodicInterval: duration.optional(),
            historyMaxAge: duration.default(parseDuration(d.savepointHistoryMaxAge)!),
            historyMaxCount: count(1, 1000).default(d.savepointHistoryMaxCount),
          })
          .prefault({}),
        flinkConfiguration: flinkConfiguration.default({}),
      })
      .prefault({}),
    namespaces: z.array(namespaceSchema(d)).min(1, { error: "at least one Flink namespace is required" }),
    monitoring: z
      .strictObject({
        enabled: z.boolean().default(true),
        retention: duration.default(parseDuration(d.metricsRetention)!),
        storageSize: size.default(parseSize(d.metricsStorage)!),
        /** Prometheus and Alertmanager replicas (2 in production: one may be lost or upgraded). */
        replicas: count(1, 3).default(d.monitoringReplicas),
        scrapeInterval: duration.default(parseDuration("30 s")!),
        prometheus: z
          .strictObject({
            cpu: cpu.default(d.prometheusCpu),
            memory: size.default(parseSize(d.prometheusMemory)!),
          })
          .prefault({}),
        /** Page that documents the alerts; each alert links to `<url>#<alertname in lower case>`. */
        runbookBaseUrl: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
        alerts: z
          .strictObject({
            restartsPer15m: count(1, 1000).default(d.alertRestartsPer15m),
            checkpointDurationSeconds: z.number().positive().default(d.alertCheckpointDurationSeconds),
            backpressureMsPerSecond: z.number().min(1).max(1000).default(500),
            heapUsageRatio: z.number().gt(0).lt(1).default(0.9),
            quotaUsageRatio: z.number().gt(0).lt(1).default(0.9),
          })
          .prefault({}),
        receivers: z
          .array(
            z.strictObject({
              name: dnsLabel(),
              type: z.enum(["slack", "pagerduty", "webhook"]),
              /** Name of a secret stack config key (`pulumi config set --secret <key> ...`). */
              secretKey: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, { error: "must be a config key name" }),
              severity: z.enum(["critical", "warning"]).default("critical"),
            }),
          )
          .default([]),
      })
      .prefault({}),
    policy: z
      .strictObject({
        enforcement: z.enum(["mandatory", "advisory"]).default(d.policyEnforcement),
        maxContainerCpu: cpu.default(d.maxContainerCpu),
        maxContainerMemory: size.default(parseSize(d.maxContainerMemory)!),
        maxTaskManagers: count(1, 1000).default(d.maxTaskManagers),
        maxParallelism: count(1, 32768).default(d.maxParallelism),
      })
      .prefault({}),
  });
}

export type StackConfig = z.output<ReturnType<typeof stackSchema>>;
export type NamespaceConfig = StackConfig["namespaces"][number];
export type ApplicationJobConfig = NamespaceConfig["jobs"][number];
export type SessionClusterConfig = NamespaceConfig["sessionClusters"][number];
export type SessionJobConfig = NamespaceConfig["sessionJobs"][number];
export type SnapshotConfig = NamespaceConfig["snapshots"][number];
export type ClusterConfig = StackConfig["cluster"];
export type EksClusterConfig = Extract<ClusterConfig, { provider: "eks" }>;
export type NodeGroupConfig = EksClusterConfig["nodeGroups"]["flink"];
export type HaMode = (typeof HA_MODES)[number];
export type EgressRuleConfig = NamespaceConfig["egress"][number];
export type ArtifactLocationConfig = NamespaceConfig["artifacts"][number];
export type UpgradeMode = (typeof UPGRADE_MODES)[number];

/** Top-level keys, for the did-you-mean on misspelt `flink-platform:` keys. */
export const TOP_LEVEL_KEYS = Object.keys(stackSchema("development").shape);
