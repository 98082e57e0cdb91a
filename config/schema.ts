/**
 * The stack configuration schema: every key under `flink-platform:`, its type, range, per-tier
 * default and meaning. Objects are strict, so a misspelt key is an error, never ignored. The
 * descriptions here are the configuration reference: `npm run docs` writes docs/configuration.md
 * and schema/stack.schema.json from them (tests keep both in step).
 */
import { z } from "zod";
import { FLINK_VERSIONS, EKS_VERSION_NAMES } from "../components/versions";
import { INSTANCE_FAMILY_NAMES, INSTANCE_TYPE_NAMES } from "../components/cluster/instanceCatalog";
import {
  cidr,
  count,
  cpu,
  dnsLabel,
  duration,
  durationDefault,
  ratio,
  size,
  sizeDefault,
} from "./primitives";
import { logging, podSettings, processPod } from "./podSchema";
import { TIER_DEFAULTS, Tier } from "./defaults";

export const TIERS = ["development", "production"] as const;

const flinkConfiguration = z.record(
  z.string(),
  z.string({ error: "Flink configuration values must be strings" }),
);

const CAPACITY_TYPES = ["on-demand", "spot"] as const;
/** Where TaskManagers may run: a spot interruption costs a restart from the last checkpoint. */
const capacityTypes = z
  .array(z.enum(CAPACITY_TYPES))
  .min(1)
  .refine((xs) => new Set(xs).size === xs.length, { error: "list each capacity type once" });

/** Resources of a Flink process, every field optional so it can inherit the stack default. */
const processResources = z.strictObject({
  cpu: cpu.optional().describe("Cores (requests = limits); the stack's `flink.*.cpu` when unset."),
  memory: size.optional().describe("Process size (Flink's `*.memory.process.size`); the stack's when unset."),
  replicas: count(1, 100)
    .optional()
    .describe(
      "JobManagers: HA standbys included (default `ha.jobManagerReplicas` with HA, else 1); TaskManagers: default ⌈parallelism ÷ slots⌉.",
    ),
  ephemeralStorage: size
    .optional()
    .describe(
      "Local disk for the Flink container (RocksDB, spilling): request and limit; the stack's when unset.",
    ),
  pod: processPod.optional().describe("Pod settings for this process only (see `flink.pod`)."),
});

/**
 * The operator's job autoscaler (flink-autoscaler AutoScalerOptions, operator release-1.15.0):
 * every key below maps to one `job.autoscaler.*` option; unset ones keep the operator's default.
 */
const autoscaler = z.strictObject({
  enabled: z.boolean().default(true).describe("The operator's job autoscaler (`job.autoscaler.enabled`)."),
  mode: z
    .enum(["scale", "advisory"])
    .default("scale")
    .describe("`advisory` only computes and reports parallelism (`job.autoscaler.scaling.enabled: false`)."),
  targetUtilization: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.7)
    .describe("Busy-time target per vertex (`job.autoscaler.utilization.target`)."),
  utilizationMin: z.number().gt(0).lt(1).optional().describe("Scale down below this (`utilization.min`)."),
  utilizationMax: z.number().gt(0).lt(1).optional().describe("Scale up above this (`utilization.max`)."),
  stabilizationInterval: durationDefault("5 min").describe("No scaling this long after a rescale."),
  metricsWindow: durationDefault("10 min").describe("Window the autoscaler averages metrics over."),
  scaleUpMaxFactor: z
    .number()
    .positive()
    .max(100000)
    .optional()
    .describe("Largest scale-up step (`scale-up.max-factor`)."),
  scaleDownMaxFactor: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe("Largest scale-down step, as a fraction (`scale-down.max-factor`, operator default 0.6)."),
  catchUpDuration: duration
    .optional()
    .describe("Time to catch up on backlog after a rescale (`catch-up.duration`)."),
  restartTime: duration.optional().describe("Expected restart time, counted in catch-up (`restart.time`)."),
  minParallelism: count(1, 32768).optional().describe("Floor per vertex (`vertex.min-parallelism`)."),
  maxParallelism: count(1, 32768)
    .optional()
    .describe("Ceiling per vertex; the quota and node checks count TaskManagers at this ceiling."),
  memoryTuning: z
    .boolean()
    .default(false)
    .describe("Let the autoscaler tune TaskManager memory (`memory.tuning.enabled`)."),
  inPlaceScaling: z
    .boolean()
    .default(true)
    .describe(
      "Rescale without a savepoint redeploy: the adaptive scheduler and the operator's in-place scaling (Flink 1.18+; application jobs).",
    ),
});

const UPGRADE_MODES = ["stateless", "savepoint", "last-state"] as const;
const JOB_STATES = ["running", "suspended"] as const;

const jobFields = {
  jarURI: z
    .string()
    .regex(/^(local|s3|https|file):\/\/\S+\.jar$/, {
      error:
        "must be a jar URI: local:///opt/flink/usrlib/job.jar, s3://bucket/job.jar or https://host/job.jar (plain http is refused: a jar fetched without TLS can be swapped in transit)",
    })
    .describe(
      "The job's jar: `local://` (in the image), `s3://` (in one of the namespace's `artifacts`, EKS), `https://`. Session jobs: `https://`, or `s3://` on EKS.",
    ),
  entryClass: z.string().min(1).optional().describe("Main class, when the jar's manifest names none."),
  args: z.array(z.string()).default([]).describe("Program arguments."),
  parallelism: count(1, 32768).describe("Job parallelism (required)."),
  state: z
    .enum(JOB_STATES)
    .default("running")
    .describe("`suspended` stops the job (stateful modes keep its state)."),
  upgradeMode: z
    .enum(UPGRADE_MODES)
    .optional()
    .describe("How a spec change is applied; the stack's `flink.upgradeMode` when unset."),
  allowStatelessInProduction: z
    .boolean()
    .default(false)
    .describe("Opt out of production's rule that jobs upgrade with state."),
  initialSavepointPath: z
    .string()
    .min(1)
    .optional()
    .describe("Start (or, with the nonce, restart) from this savepoint."),
  savepointRedeployNonce: count(1, 2_147_483_647)
    .optional()
    .describe("Change it (with `initialSavepointPath`) to redeploy a running job from that savepoint."),
  allowNonRestoredState: z.boolean().optional().describe("Let a restore skip state no operator claims."),
  flinkConfiguration: flinkConfiguration
    .default({})
    .describe('Extra Flink settings for this job (see "Flink configuration").'),
};

/** What a job's or session cluster's pods may set on top of the stack-wide defaults. */
const clusterPodFields = {
  pod: podSettings.optional().describe("Pod settings for its JobManager and TaskManagers (see `flink.pod`)."),
  logging: logging.optional().describe("Log levels or file (see `flink.logging`)."),
  taskManagerCapacity: capacityTypes
    .optional()
    .describe(
      "Karpenter: capacity types for its TaskManagers; the namespace's (or `cluster.karpenter`'s) when unset.",
    ),
  ui: z
    .strictObject({
      ingress: z
        .boolean()
        .default(false)
        .describe("Expose this cluster's UI and REST API through `ui.ingress`."),
    })
    .optional()
    .describe("The Flink UI of this cluster (`kubectl port-forward` always works)."),
};

const applicationJob = z.strictObject({
  name: dnsLabel().describe(
    "FlinkDeployment name: ≤ 45 characters (the operator's rule), unique among the namespace's jobs and session clusters.",
  ),
  ...jobFields,
  taskSlots: count(1, 64)
    .optional()
    .describe("Slots per TaskManager; the stack's `flink.taskSlots` when unset."),
  flinkVersion: z
    .enum(FLINK_VERSIONS)
    .optional()
    .describe("Flink line; the stack's `flink.version` when unset."),
  image: z
    .string()
    .min(1)
    .optional()
    .describe("Image; the pinned official one for its Flink line when unset."),
  jobManager: processResources.prefault({}).describe("JobManager resources and replicas."),
  taskManager: processResources.prefault({}).describe("TaskManager resources and replicas."),
  autoscaler: autoscaler.optional().describe("The operator's autoscaler for this job."),
  reactive: z
    .strictObject({
      minTaskManagers: count(1, 1000)
        .optional()
        .describe("Fewest TaskManagers (default ⌈parallelism ÷ slots⌉); the job starts with them."),
      maxTaskManagers: count(1, 1000).describe("Most TaskManagers the HorizontalPodAutoscaler may run."),
      cpuUtilization: count(10, 100)
        .default(70)
        .describe("Target average CPU use of the TaskManagers, % of their request."),
      memoryUtilization: count(10, 100)
        .optional()
        .describe("Also scale on memory use, % of the request (working set)."),
      scaleDownStabilization: durationDefault("10 min").describe(
        "How long the HPA waits before removing TaskManagers (each change restarts the job from its last checkpoint).",
      ),
    })
    .optional()
    .describe(
      "Reactive mode: a standalone deployment with `scheduler-mode: REACTIVE` whose TaskManagers a HorizontalPodAutoscaler scales; the job runs on every slot. Not with the autoscaler.",
    ),
  ...clusterPodFields,
});

const sessionCluster = z.strictObject({
  name: dnsLabel().describe(
    "FlinkDeployment name (≤ 45 characters), unique among the namespace's jobs and session clusters.",
  ),
  taskSlots: count(1, 64).optional().describe("Slots per TaskManager."),
  flinkVersion: z.enum(FLINK_VERSIONS).optional().describe("Flink line."),
  image: z.string().min(1).optional().describe("Image."),
  jobManager: processResources.prefault({}).describe("JobManager resources and replicas."),
  taskManager: processResources
    .prefault({})
    .describe(
      "TaskManager resources; replicas default ⌈Σ session-job parallelism ÷ slots⌉ (0 without jobs).",
    ),
  flinkConfiguration: flinkConfiguration.default({}).describe("Extra Flink settings for the cluster."),
  reactive: z
    .never({
      error:
        "reactive mode is for application jobs: a session cluster's TaskManagers serve several jobs, which the HPA cannot scale together",
    })
    .optional()
    .describe("Not settable: reactive mode is for application jobs."),
  ...clusterPodFields,
});

const sessionJob = z.strictObject({
  name: dnsLabel().describe("FlinkSessionJob name, unique among the namespace's session jobs."),
  sessionCluster: dnsLabel().describe("A session cluster of the same namespace."),
  ...jobFields,
  autoscaler: autoscaler
    .optional()
    .describe(
      "The operator's autoscaler for this session job (Flink 1.20+; `inPlaceScaling` does not apply).",
    ),
});

const snapshot = z.strictObject({
  name: dnsLabel().describe("FlinkStateSnapshot name."),
  job: dnsLabel().describe("An application job or session job of the same namespace."),
  type: z.enum(["savepoint", "checkpoint"]).default("savepoint").describe("What to take, once the job runs."),
  formatType: z.enum(["CANONICAL", "NATIVE"]).default("CANONICAL").describe("Savepoint format."),
  disposeOnDelete: z
    .boolean()
    .default(false)
    .describe("Delete the savepoint's data when this resource is deleted."),
  backoffLimit: count(0, 10).default(1).describe("Retries after a failed attempt."),
});

const HA_MODES = ["kubernetes", "zookeeper", "none"] as const;

export const LOG_DESTINATIONS = ["cloudwatch", "loki", "opensearch", "none"] as const;
/** The retention values CloudWatch Logs accepts (PutRetentionPolicy, retentionInDays). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Where a namespace's job jars live on S3: read-only for its Flink pods (and for the operator,
 * which fetches session-job jars itself). EKS only.
 */
const artifactLocation = z.strictObject({
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a valid S3 bucket name" })
    .describe("Bucket holding the jars (same region as the cluster)."),
  prefix: z
    .string()
    .regex(/^([^*?\s]+\/)?$/, { error: "must be empty or a key prefix ending in '/' without wildcards" })
    .default("")
    .describe("Key prefix, e.g. `analytics/`; empty for the whole bucket."),
  kmsKeyArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, { error: "must be a KMS key ARN" })
    .optional()
    .describe("The bucket's customer-managed KMS key, if any: the readers may decrypt through S3."),
});

const port = count(1, 65535);
/**
 * One egress rule a team opens for its jobs' own systems (Kafka, a database, an HTTP API):
 * either CIDRs outside the cluster or pods of an in-cluster namespace, on listed ports only.
 */
const egressRule = z
  .strictObject({
    name: dnsLabel(40).describe("Names the NetworkPolicy `egress-<name>`."),
    cidrs: z.array(cidr).min(1).optional().describe("Destinations outside the cluster."),
    namespace: dnsLabel().optional().describe("Or: pods of this in-cluster namespace."),
    podLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe("With `namespace`: only pods with these labels."),
    ports: z
      .array(
        z.strictObject({
          port: port.describe("Port, or first port of a range."),
          endPort: port.optional().describe("Last port of a range (`port`–`endPort`), e.g. MSK's 9092–9098."),
          protocol: z.enum(["TCP", "UDP"]).default("TCP").describe("Protocol."),
        }),
      )
      .min(1, { error: "list the ports to open; opening every port is not allowed" })
      .describe("Ports to open (at least one)."),
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
    name: dnsLabel().describe("Team namespace (unique)."),
    quota: z
      .strictObject({
        cpu: z
          .number()
          .positive()
          .max(4096)
          .describe("CPU requests and limits the namespace may hold (cores)."),
        memory: size
          .refine((bytes) => bytes <= 64 * 1024 ** 4, { error: "must be at most 64Ti" })
          .describe("Memory requests and limits (at most 64Ti)."),
        pods: count(1, 10_000).default(d.quotaPods).describe("Pods."),
        persistentVolumeClaims: count(0, 1000).default(10).describe("PersistentVolumeClaims."),
        flinkDeployments: count(1, 1000)
          .default(20)
          .describe("FlinkDeployments (`count/flinkdeployments.flink.apache.org`)."),
      })
      .describe("ResourceQuota; the preview checks every job plus one upgrade's headroom against it."),
    priority: z
      .enum(["critical", "standard"])
      .default(d.namespacePriority)
      .describe("PriorityClass `flink-<priority>` of its Flink pods."),
    ha: z
      .strictObject({ mode: z.enum(HA_MODES).describe("HA mode for this namespace's clusters.") })
      .optional()
      .describe("Overrides `ha.mode` for this namespace."),
    artifacts: z
      .array(artifactLocation)
      .default([])
      .describe("S3 locations of the namespace's job jars (read-only; EKS)."),
    pod: podSettings
      .optional()
      .describe("Pod settings for every Flink pod of the namespace (see `flink.pod`)."),
    taskManagerCapacity: capacityTypes
      .optional()
      .describe(
        "Karpenter: capacity types for the namespace's TaskManagers; `cluster.karpenter`'s when unset.",
      ),
    egress: z
      .array(egressRule)
      .default([])
      .describe(
        "Egress for its Flink pods beyond DNS, HTTPS and the platform's flows (Kafka, databases...).",
      ),
    jobs: z.array(applicationJob).default([]).describe("Application jobs: one FlinkDeployment each."),
    sessionClusters: z
      .array(sessionCluster)
      .default([])
      .describe("Session clusters: a FlinkDeployment without a job."),
    sessionJobs: z
      .array(sessionJob)
      .default([])
      .describe("FlinkSessionJobs on the namespace's session clusters."),
    snapshots: z.array(snapshot).default([]).describe("FlinkStateSnapshots of the namespace's jobs."),
  });
}

const nodeGroup = z.strictObject({
  instanceTypes: z
    .array(z.enum(INSTANCE_TYPE_NAMES as [string, ...string[]]))
    .min(1)
    .describe(
      "Instance types (from components/cluster/instanceCatalog.ts); the fit check uses the smallest.",
    ),
  minSize: count(0, 1000).describe("Minimum nodes."),
  desiredSize: count(0, 1000).describe(
    "Nodes the pool runs (no node autoscaler): the fit check packs every pod of the pool onto this many.",
  ),
  maxSize: count(1, 1000).describe("Upper bound of the node group (room for manual scaling)."),
  diskSizeGiB: count(20, 2000).default(50).describe("Encrypted gp3 root volume."),
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND").describe("EC2 capacity type."),
});

/**
 * AWS services the platform's pods and nodes call: STS (IRSA tokens), ECR (add-on images),
 * EC2 (VPC CNI, EBS CSI), EKS, CloudWatch Logs, KMS, and for UI ingress Elastic Load Balancing
 * and ACM (the AWS Load Balancer Controller).
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "sts",
  "ecr.api",
  "ecr.dkr",
  "ec2",
  "eks",
  "logs",
  "kms",
  "elasticloadbalancing",
  "acm",
  "sqs",
  "ssm",
] as const;

/** Karpenter v1 for the Flink nodes (aws/karpenter-provider-aws v1.14.1 NodePool and EC2NodeClass). */
const karpenterSchema = z.strictObject({
  instanceFamilies: z
    .array(z.enum(INSTANCE_FAMILY_NAMES as [string, ...string[]]))
    .min(1)
    .default(["m6i", "m7i", "r6i", "r7i"])
    .describe("Instance families Karpenter may launch (from components/cluster/instanceCatalog.ts)."),
  architectures: z
    .array(z.enum(["amd64", "arm64"]))
    .min(1)
    .default(["amd64"])
    .describe("CPU architectures (the official Flink images are multi-arch; your own images must be too)."),
  zones: z
    .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/))
    .min(1)
    .optional()
    .describe("Zones for Flink nodes; `availabilityZones` when unset."),
  taskManagerCapacity: capacityTypes
    .default(["on-demand"])
    .describe(
      "Capacity types for TaskManagers (namespaces and jobs may set their own); JobManagers are always on-demand.",
    ),
  limits: z
    .strictObject({
      cpu: z.number().positive().max(100000).describe("Most vCPUs of all Flink nodes together."),
      memory: size.describe("Most memory of all Flink nodes together."),
    })
    .describe(
      "NodePool limits: Karpenter launches nothing beyond them; every Flink pod at its ceiling must fit.",
    ),
  consolidateAfter: durationDefault("10 min").describe(
    "How long a node must be empty before Karpenter removes it (only empty nodes are consolidated).",
  ),
  disruptionBudget: z
    .string()
    .regex(/^(100|[1-9]?[0-9])%$|^[0-9]+$/, { error: "must be a percentage such as 10% or a node count" })
    .default("10%")
    .describe("Nodes Karpenter may disrupt at once (drift, emptiness)."),
  expireAfter: duration
    .optional()
    .describe(
      "Replace nodes this old (a drain: TaskManagers restart from their checkpoint); never when unset.",
    ),
  diskSizeGiB: count(20, 2000).default(100).describe("Encrypted gp3 root volume of each Flink node."),
  localNvme: z
    .boolean()
    .default(false)
    .describe(
      "Only instance types with local NVMe (the `d` families), striped (RAID0) under the kubelet and containerd: RocksDB's working files live there. Needs `ephemeralStorage` on TaskManagers.",
    ),
});

const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: "must be an IAM role ARN" })
  .meta({ format: "iam-role-arn" });

function clusterSchema(d: (typeof TIER_DEFAULTS)[Tier]) {
  const eks = z
    .strictObject({
      provider: z.literal("eks").describe("An EKS cluster the stack creates."),
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: "must be an AWS region such as eu-west-1" })
        .describe("Region of every AWS resource."),
      kubernetesVersion: z.enum(EKS_VERSION_NAMES).describe("EKS version; add-ons are pinned per version."),
      availabilityZones: z
        .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/))
        .min(1)
        .describe("Zones in `region`: ≥ 3 in production, ≥ 2 otherwise."),
      vpcCidr: cidr.default("10.40.0.0/16").describe("VPC range, /20 or larger."),
      serviceCidr: cidr
        .default("172.20.0.0/16")
        .describe(
          "Kubernetes Service range (EKS `serviceIpv4Cidr`), outside `vpcCidr`; fixed at creation (a change replaces the cluster).",
        ),
      natGateways: z
        .enum(["single", "per-az"])
        .default(d.natGateways)
        .describe("One NAT gateway, or one per zone."),
      interfaceEndpoints: z
        .array(z.enum(INTERFACE_ENDPOINT_SERVICES))
        .default([...d.interfaceEndpoints])
        .describe(
          "AWS services reached through VPC interface endpoints (private DNS), so their calls never leave the VPC.",
        ),
      httpsEgress: z
        .enum(["internet", "vpc"])
        .default("internet")
        .describe(
          "Where pods may open HTTPS: `vpc` narrows every NetworkPolicy's 443 egress to `vpcCidr` and adds an S3 interface endpoint; https jars must then come from inside the VPC.",
        ),
      endpoint: z
        .strictObject({
          privateAccess: z
            .boolean()
            .default(true)
            .describe("API reachable inside the VPC (self-hosted CI runners)."),
          publicAccessCidrs: z
            .array(cidr)
            .default([])
            .describe(
              "Networks allowed to the public endpoint (office, VPN, CI egress); none = no public endpoint.",
            ),
        })
        .prefault({})
        .describe("The Kubernetes API endpoint."),
      deployRoleArn: roleArn.describe(
        "The role `pulumi up` runs as (CI's deploy role for this stack): cluster admin.",
      ),
      viewerRoleArns: z
        .array(roleArn)
        .default([])
        .describe("Read-only cluster access (no Secrets), e.g. for on-call."),
      adminRoleArns: z.array(roleArn).default([]).describe("Cluster admins."),
      permissionsBoundaryArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/, { error: "must be an IAM policy ARN" })
        .optional()
        .describe(
          "Permissions boundary for every role the stack creates (docs/iam/deploy-role-policy.json requires it).",
        ),
      nodeGroups: z
        .strictObject({
          system: nodeGroup.describe(
            "Platform pods: operator, monitoring, ZooKeeper, cert-manager, CoreDNS.",
          ),
          flink: nodeGroup
            .optional()
            .describe(
              "Flink pods only (tainted `flink-platform/pool=flink:NoSchedule`); unset with `karpenter`.",
            ),
        })
        .describe("Managed node groups."),
      karpenter: karpenterSchema
        .optional()
        .describe(
          "Karpenter provisions the Flink nodes (instead of `nodeGroups.flink`): JobManagers on on-demand capacity, TaskManagers as configured.",
        ),
    })
    .describe("EKS (required in production).");
  const existing = z
    .strictObject({
      provider: z.literal("existing").describe("A cluster that already exists (kind, minikube, k3d)."),
      kubeconfig: z.string().min(1).optional().describe("Kubeconfig file; the usual discovery when unset."),
      context: z.string().min(1).optional().describe("Kubeconfig context, e.g. `kind-flink-dev`."),
      storageClass: z
        .string()
        .min(1)
        .optional()
        .describe("StorageClass for PVCs; the cluster's default when unset."),
      metricsServer: z
        .strictObject({
          install: z
            .boolean()
            .default(false)
            .describe(
              "Install metrics-server (reactive jobs' HPAs read CPU from it); leave false when the cluster has one.",
            ),
          insecureKubeletTls: z
            .boolean()
            .default(false)
            .describe(
              "Skip kubelet certificate checks: kind and k3d kubelets serve self-signed certificates.",
            ),
        })
        .prefault({})
        .describe(
          "The resource metrics API a HorizontalPodAutoscaler needs (EKS: always installed when needed).",
        ),
    })
    .describe("An existing cluster (development).");
  return z.discriminatedUnion("provider", [eks, existing], {
    error: 'cluster.provider must be "eks" or "existing"',
  });
}

const uiIngress = z.strictObject({
  hostTemplate: z
    .string()
    .regex(/^(\{\{(name|namespace)\}\}|[a-z0-9.-])+$/, {
      error:
        "must be a host name with {{name}} and optionally {{namespace}}, e.g. {{name}}.{{namespace}}.flink.example.com (no path)",
    })
    .refine((t) => t.includes("{{name}}"), { error: "must contain {{name}}: one host per cluster" })
    .describe(
      "Host of each cluster's UI, e.g. `{{name}}.{{namespace}}.flink.example.com` (the operator fills in both).",
    ),
  className: z
    .string()
    .min(1)
    .optional()
    .describe(
      "IngressClass: `alb` on EKS (the platform installs the AWS Load Balancer Controller); your controller's on existing clusters.",
    ),
  controllerNamespace: dnsLabel()
    .optional()
    .describe(
      "Existing clusters: namespace of the ingress controller's pods, admitted to the JobManagers' REST port.",
    ),
  internetFacing: z
    .boolean()
    .default(false)
    .describe(
      "EKS: an internet-facing load balancer (needs `allowedCidrs` and `certificateArn`); internal otherwise.",
    ),
  allowedCidrs: z
    .array(cidr)
    .default([])
    .describe("EKS: networks allowed to the load balancer (default: the VPC for an internal one)."),
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, {
      error: "must be an ACM certificate ARN",
    })
    .optional()
    .describe("EKS: ACM certificate for HTTPS on the load balancer (HTTP only when unset)."),
  clusterIssuer: z
    .string()
    .min(1)
    .optional()
    .describe("Existing clusters: cert-manager ClusterIssuer that issues each host's TLS secret."),
  annotations: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe("Extra Ingress annotations (e.g. the ALB's OIDC authentication)."),
});

export function stackSchema(tier: Tier) {
  const d = TIER_DEFAULTS[tier];
  return z.strictObject({
    environment: z
      .strictObject({
        name: dnsLabel(20).describe("Environment name: cluster `flink-<name>`, tags, default bucket names."),
        tier: z
          .enum(TIERS)
          .describe(
            "Defaults and rules: production requires HA, stateful upgrades, EKS, 3 zones; it protects state.",
          ),
      })
      .describe("Which environment this stack is."),
    cluster: clusterSchema(d).describe("Where Flink runs."),
    storage: z
      .strictObject({
        bucketPrefix: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/, {
            error:
              "must be 3–42 lowercase letters, digits and '-', starting and ending with a letter or digit",
          })
          .optional()
          .describe(
            "EKS: each namespace's state bucket is `<bucketPrefix>-<namespace>` (default `flink-<env>-<region>`).",
          ),
        noncurrentVersionExpirationDays: count(1, 3650)
          .default(d.noncurrentVersionExpirationDays)
          .describe("Days deleted or overwritten state stays recoverable as a noncurrent version."),
        abortIncompleteUploadDays: count(1, 365)
          .default(7)
          .describe("Days before incomplete multipart uploads are aborted."),
        objectStore: z
          .strictObject({
            bucketPrefix: dnsLabel(20)
              .default("flink")
              .describe("Each namespace's bucket is `<bucketPrefix>-<namespace>`."),
            storageSize: sizeDefault("20Gi").describe("Its persistent volume."),
            cpu: cpu.default(0.5).describe("Requests = limits."),
            memory: sizeDefault("1Gi").describe("Requests = limits."),
          })
          .prefault({})
          .describe("Development: the in-cluster S3-compatible store."),
      })
      .prefault({})
      .describe("Checkpoint, savepoint and HA storage."),
    ha: z
      .strictObject({
        mode: z
          .enum(HA_MODES)
          .default(d.haMode)
          .describe(
            "JobManager HA: Kubernetes ConfigMaps, a ZooKeeper ensemble, or none (refused in production).",
          ),
        jobManagerReplicas: count(1, 5)
          .default(d.jobManagerReplicas)
          .describe("JobManagers per cluster with HA (standbys)."),
        zookeeper: z
          .strictObject({
            replicas: count(1, 7).default(d.zookeeperReplicas).describe("Members: odd, ≥ 3 in production."),
            storageSize: sizeDefault("10Gi").describe("Data volume per member."),
            cpu: cpu.default(0.5).describe("Requests = limits."),
            memory: sizeDefault("1Gi").describe("Requests = limits; the JVM heap is half of it."),
          })
          .prefault({})
          .describe("The ensemble, when a namespace uses ZooKeeper HA."),
      })
      .prefault({})
      .describe("High availability."),
    operator: z
      .strictObject({
        webhook: z
          .boolean()
          .default(d.operatorWebhook)
          .describe("The operator's admission webhook (installs cert-manager)."),
        webhookDisabledReason: z
          .string()
          .min(10)
          .optional()
          .describe("Production only: why the webhook is off (required to turn it off there)."),
        replicas: count(1, 3)
          .default(d.operatorReplicas)
          .describe("Operator pods; more than one elects a leader."),
        cpu: cpu.default(0.5).describe("Requests = limits."),
        memory: sizeDefault("1Gi").describe("Requests = limits."),
      })
      .prefault({})
      .describe("The Flink Kubernetes Operator."),
    flink: z
      .strictObject({
        version: z.enum(FLINK_VERSIONS).default("1.20").describe("Flink line; configuration keys follow it."),
        image: z
          .string()
          .min(1)
          .optional()
          .describe("Custom image for `version` (built from the official one)."),
        taskSlots: count(1, 64).default(2).describe("`taskmanager.numberOfTaskSlots`."),
        jobManager: z
          .strictObject({
            cpu: cpu.default(1).describe("Cores."),
            memory: sizeDefault("2g").describe("Process size."),
            ephemeralStorage: size.optional().describe("Local disk (request and limit)."),
            pod: processPod.optional().describe("Pod settings for every JobManager."),
          })
          .prefault({})
          .describe("JobManager defaults."),
        taskManager: z
          .strictObject({
            cpu: cpu.default(2).describe("Cores."),
            memory: sizeDefault("4g").describe("Process size."),
            ephemeralStorage: size.optional().describe("Local disk (request and limit)."),
            pod: processPod.optional().describe("Pod settings for every TaskManager."),
          })
          .prefault({})
          .describe("TaskManager defaults."),
        pod: podSettings
          .optional()
          .describe(
            "Pod settings for every Flink pod; namespaces, clusters and processes add to them (lists by name, maps by key) or override them (single values).",
          ),
        logging: logging
          .optional()
          .describe("Log levels for every Flink cluster; logs stay on stdout in Flink's console format."),
        upgradeMode: z.enum(UPGRADE_MODES).default(d.upgradeMode).describe("Default upgrade mode."),
        deployTimeout: durationDefault(d.deployTimeout).describe(
          "How long `pulumi up` waits for each Flink resource to be ready (an upgrade included) before failing.",
        ),
        stateBackend: z.enum(["rocksdb", "hashmap"]).default("rocksdb").describe("`state.backend.type`."),
        checkpointing: z
          .strictObject({
            interval: durationDefault(d.checkpointInterval).describe("Checkpoint interval."),
            mode: z
              .enum(["EXACTLY_ONCE", "AT_LEAST_ONCE"])
              .default("EXACTLY_ONCE")
              .describe("Checkpointing mode."),
            incremental: z.boolean().default(true).describe("Incremental checkpoints (RocksDB)."),
            retained: count(1, 100)
              .default(d.retainedCheckpoints)
              .describe("Completed checkpoints Flink keeps."),
            timeout: durationDefault("10 min").describe("Checkpoint timeout."),
            minPause: durationDefault("10 s").describe("Minimum pause between checkpoints."),
          })
          .prefault({})
          .describe("Checkpointing."),
        restartStrategy: z
          .strictObject({
            type: z
              .enum(["exponential-delay", "fixed-delay", "failure-rate"])
              .default("exponential-delay")
              .describe("Restart strategy."),
            attempts: count(1, 1000)
              .default(10)
              .describe("Attempts before backoff reset / attempts / failures per interval."),
            delay: durationDefault("10 s").describe("Initial backoff (failure-rate: delay)."),
            maxDelay: durationDefault("5 min").describe("Maximum backoff (failure-rate: interval)."),
          })
          .prefault({})
          .describe("Restart strategy."),
        savepoints: z
          .strictObject({
            periodicInterval: duration.optional().describe("The operator's periodic savepoints."),
            historyMaxAge: durationDefault(d.savepointHistoryMaxAge).describe(
              "Savepoints older than this leave the history (and are disposed).",
            ),
            historyMaxCount: count(1, 1000)
              .default(d.savepointHistoryMaxCount)
              .describe("Savepoints kept in the history."),
          })
          .prefault({})
          .describe("Savepoints the operator takes."),
        flinkConfiguration: flinkConfiguration
          .default({})
          .describe("Extra Flink settings for every cluster (job-level settings win)."),
      })
      .prefault({})
      .describe("Defaults for every job and session cluster."),
    namespaces: z
      .array(namespaceSchema(d))
      .min(1, { error: "at least one Flink namespace is required" })
      .describe("Team namespaces and their Flink workloads (at least one)."),
    monitoring: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe("The monitoring stack (Prometheus, Alertmanager, Grafana, PodMonitors, rules)."),
        disabledReason: z
          .string()
          .min(10)
          .optional()
          .describe("Production only: why monitoring is off (required to turn it off there)."),
        retention: durationDefault(d.metricsRetention).describe("Prometheus retention."),
        storageSize: sizeDefault(d.metricsStorage).describe(
          "Prometheus volume per replica (retention size 90 % of it).",
        ),
        replicas: count(1, 3).default(d.monitoringReplicas).describe("Prometheus and Alertmanager replicas."),
        scrapeInterval: durationDefault("30 s").describe("Scrape and rule evaluation interval."),
        prometheus: z
          .strictObject({
            cpu: cpu.default(d.prometheusCpu).describe("Cores."),
            memory: sizeDefault(d.prometheusMemory).describe("Memory."),
          })
          .prefault({})
          .describe("Prometheus requests = limits."),
        runbookBaseUrl: z
          .url({ protocol: /^https$/, error: "must be an https:// URL" })
          .optional()
          .describe("Adds `runbook_url: <url>#<alert in lower case>` to every alert."),
        noReceiverReason: z
          .string()
          .min(10)
          .optional()
          .describe(
            "Production only: why critical alerts reach no receiver (required when no receiver gets them).",
          ),
        routing: z
          .strictObject({
            groupBy: z
              .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: "must be a label name" }))
              .min(1)
              .default(["alertname", "namespace", "flink_deployment", "job_name"])
              .describe("Labels alerts are grouped by into one notification."),
            groupWait: durationDefault("30 s").describe("Wait before the first notification of a group."),
            groupInterval: durationDefault("5 min").describe(
              "Wait before notifying about new alerts of a group.",
            ),
            repeatInterval: z
              .strictObject({
                critical: durationDefault("1 h").describe("Re-send a firing critical alert this often."),
                warning: durationDefault("4 h").describe("Re-send a firing warning this often."),
              })
              .prefault({})
              .describe("Per severity."),
          })
          .prefault({})
          .describe("Alertmanager grouping and repeat intervals; receivers get alerts by their `severity`."),
        alerts: z
          .strictObject({
            restartsPer15m: count(1, 1000)
              .default(d.alertRestartsPer15m)
              .describe("`FlinkJobRestarting` threshold."),
            checkpointDurationSeconds: z
              .number()
              .positive()
              .default(d.alertCheckpointDurationSeconds)
              .describe("`FlinkCheckpointSlow` threshold."),
            backpressureMsPerSecond: z
              .number()
              .min(1)
              .max(1000)
              .default(500)
              .describe("`FlinkBackpressured` threshold."),
            heapUsageRatio: z.number().gt(0).lt(1).default(0.9).describe("`FlinkHeapPressure` threshold."),
            quotaUsageRatio: z
              .number()
              .gt(0)
              .lt(1)
              .default(0.9)
              .describe("`FlinkNamespaceQuotaNearlyFull` threshold."),
            throughputDropRatio: ratio(0.5).describe(
              "`FlinkThroughputDropped`: records in below this fraction of the job's own 24 h average.",
            ),
            throughputDropFor: durationDefault("15 min").describe("`FlinkThroughputDropped`: for this long."),
            throughputMinRunningTime: durationDefault("1 h").describe(
              "`FlinkThroughputDropped` ignores jobs running for less than this (just started or restarted).",
            ),
            cpuLimitRatio: ratio(0.85).describe("`FlinkCpuNearLimit`: CPU used / CPU limit."),
            memoryLimitRatio: ratio(0.9).describe(
              "`FlinkMemoryNearLimit`: container working set / memory limit.",
            ),
            containerRestartsPerHour: count(1, 1000)
              .default(3)
              .describe("`FlinkPodRestarting`: more container restarts than this in an hour."),
            filesystemUsageRatio: ratio(0.85).describe("`NodeFilesystemAlmostFull`: used / size."),
            networkBufferUsageRatio: ratio(0.9).describe(
              "`FlinkNetworkBuffersExhausted`: used / total network memory segments of a TaskManager.",
            ),
            lifecycleStuckFor: durationDefault("30 min").describe(
              "`FlinkDeploymentStuck`: a resource in a transient lifecycle state this long.",
            ),
          })
          .prefault({})
          .describe("Alert thresholds."),
        receivers: z
          .array(
            z.strictObject({
              name: dnsLabel().describe("Receiver name."),
              type: z.enum(["slack", "pagerduty", "webhook"]).describe("Receiver type."),
              secretKey: z
                .string()
                .regex(/^[a-zA-Z][a-zA-Z0-9]*$/, { error: "must be a config key name" })
                .describe("A **secret** config key holding the URL (PagerDuty: the routing key)."),
              severity: z
                .enum(["critical", "warning"])
                .default("critical")
                .describe("`critical`: critical alerts only; `warning`: both."),
            }),
          )
          .default([])
          .describe("Alertmanager receivers."),
      })
      .prefault({})
      .describe("Monitoring."),
    ui: z
      .strictObject({
        ingress: uiIngress
          .optional()
          .describe("An Ingress per cluster that sets `ui.ingress: true`; none when unset."),
      })
      .prefault({})
      .describe("The Flink UI and REST API (unauthenticated: they can trigger savepoints and stop jobs)."),
    logging: z
      .strictObject({
        destination: z
          .enum(LOG_DESTINATIONS)
          .optional()
          .describe(
            "Where container logs go: CloudWatch Logs (EKS), a Loki or OpenSearch `endpoint`, or `none`; default `cloudwatch` on EKS, `none` on an existing cluster.",
          ),
        disabledReason: z
          .string()
          .min(10)
          .optional()
          .describe("Production only: why logs are not shipped (required for `destination: none` there)."),
        retentionDays: z
          .union(LOG_RETENTION_DAYS.map((n) => z.literal(n)) as unknown as [z.ZodLiteral<number>])
          .default(d.logRetentionDays)
          .describe(
            "CloudWatch Logs retention of every log group (a value CloudWatch accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365…).",
          ),
        endpoint: z
          .strictObject({
            host: z
              .string()
              .regex(/^[a-zA-Z0-9.-]+$/, { error: "must be a host name or IPv4 address" })
              .describe("Host of the Loki or OpenSearch endpoint."),
            port: port.default(443).describe("Port."),
            tls: z.boolean().default(true).describe("TLS (refused off in production)."),
            cidrs: z
              .array(cidr)
              .min(1)
              .default(["0.0.0.0/0"])
              .describe("Where the endpoint's addresses are, for the log agent's NetworkPolicy egress."),
            index: z
              .string()
              .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: "must be a lowercase OpenSearch index name" })
              .default("flink-platform")
              .describe("OpenSearch: the index."),
          })
          .optional()
          .describe("For `loki` and `opensearch`: the endpoint Fluent Bit ships to."),
        cpu: cpu.default(0.1).describe("Fluent Bit on every node: cores (requests = limits)."),
        memory: sizeDefault("200Mi").describe("Fluent Bit on every node: memory (requests = limits)."),
      })
      .prefault({})
      .describe("Container logs: Fluent Bit on every node."),
    policy: z
      .strictObject({
        enforcement: z
          .enum(["mandatory", "advisory"])
          .default(d.policyEnforcement)
          .describe("The policy pack's level for this tier (its policy config's `all`)."),
        maxContainerCpu: cpu.default(d.maxContainerCpu).describe("LimitRange container maximum (cores)."),
        maxContainerMemory: sizeDefault(d.maxContainerMemory).describe("LimitRange container maximum."),
        maxTaskManagers: count(1, 1000).default(d.maxTaskManagers).describe("A job's TaskManagers."),
        maxParallelism: count(1, 32768).default(d.maxParallelism).describe("A job's parallelism."),
      })
      .prefault({})
      .describe("Limits the platform applies itself; the policy pack's caps must not be below them."),
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
export type NodeGroupConfig = EksClusterConfig["nodeGroups"]["system"];
export type KarpenterConfig = NonNullable<EksClusterConfig["karpenter"]>;
export type CapacityType = (typeof CAPACITY_TYPES)[number];
export type HaMode = (typeof HA_MODES)[number];
export type UpgradeMode = (typeof UPGRADE_MODES)[number];
export type EgressRuleConfig = NamespaceConfig["egress"][number];
export type ArtifactLocationConfig = NamespaceConfig["artifacts"][number];

/** Top-level keys, for the did-you-mean on misspelt `flink-platform:` keys. */
export const TOP_LEVEL_KEYS = Object.keys(stackSchema("development").shape);
