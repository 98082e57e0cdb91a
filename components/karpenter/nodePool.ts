/**
 * Karpenter v1 objects for the Flink nodes (aws/karpenter-provider-aws v1.14.1
 * pkg/apis/crds/karpenter.sh_nodepools.yaml and karpenter.k8s.aws_ec2nodeclasses.yaml), the
 * interruption events it drains nodes on, and its Helm values. Pure.
 *
 * One NodePool serves JobManagers and TaskManagers: JobManager pods select on-demand capacity
 * themselves (a JobManager on a reclaimed spot node restarts every job it runs), TaskManagers
 * the capacity types their job allows. Only empty nodes are consolidated, within a disruption
 * budget, so Karpenter never moves a running streaming job to save money.
 */
import { KarpenterConfig } from "../../config/schema";
import { PlatformModel } from "../../config/model";
/** A cluster-scoped object (Karpenter's NodePool and EC2NodeClass have no namespace). */
interface ClusterObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}
import { FLINK_NODE_LABEL, FLINK_NODE_TAINT } from "../cluster/eksCluster";
import { formatQuantity } from "../../config/units";
import { KARPENTER } from "../versions";

export const NODE_POOL = "flink";
export const NODE_CLASS = "flink";
export const KARPENTER_NAMESPACE = "karpenter";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** The label Karpenter puts on every node it launches, with its capacity type. */
export const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** Karpenter's duration syntax: `10m`, `720h` (no spaces, no days). */
function karpenterDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

export interface NodeClassInput {
  clusterName: string;
  instanceProfile: string;
  config: KarpenterConfig;
  tags: Record<string, string>;
}

export function ec2NodeClass(input: NodeClassInput): ClusterObject {
  const k = input.config;
  return {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: NODE_CLASS, labels: { "app.kubernetes.io/part-of": "flink-platform" } },
    spec: {
      // A created profile instead of `role`: Karpenter then needs no IAM rights to manage profiles.
      instanceProfile: input.instanceProfile,
      // Pinned AMI release: a new one rolls the nodes (drift) only when this changes.
      amiSelectorTerms: [{ alias: KARPENTER.amiAlias }],
      subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: input.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: input.clusterName } }],
      // IMDSv2 only, one hop: pods cannot reach the metadata service to borrow the node role.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: `${k.diskSizeGiB}Gi`,
            volumeType: "gp3",
            encrypted: true,
            deleteOnTermination: true,
          },
        },
      ],
      // RAID0 over the instance store, under the kubelet and containerd: RocksDB's working files.
      ...(k.localNvme ? { instanceStorePolicy: "RAID0" } : {}),
      tags: { ...input.tags, Name: `${input.clusterName}-flink` },
    },
  };
}

export function nodePool(
  k: KarpenterConfig,
  availabilityZones: string[],
  capacityTypes: string[],
): ClusterObject {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: NODE_POOL, labels: { "app.kubernetes.io/part-of": "flink-platform" } },
    spec: {
      template: {
        metadata: { labels: { [FLINK_NODE_LABEL.key]: FLINK_NODE_LABEL.value } },
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_CLASS },
          requirements: [
            { key: CAPACITY_TYPE_LABEL, operator: "In", values: [...capacityTypes].sort() },
            {
              key: "karpenter.k8s.aws/instance-family",
              operator: "In",
              values: [...k.instanceFamilies].sort(),
            },
            { key: "kubernetes.io/arch", operator: "In", values: [...k.architectures].sort() },
            {
              key: "topology.kubernetes.io/zone",
              operator: "In",
              values: [...(k.zones ?? availabilityZones)].sort(),
            },
            ...(k.localNvme ? [{ key: "karpenter.k8s.aws/instance-local-nvme", operator: "Exists" }] : []),
          ],
          taints: [{ key: FLINK_NODE_TAINT.key, value: FLINK_NODE_TAINT.value, effect: "NoSchedule" }],
          expireAfter: k.expireAfter === undefined ? "Never" : karpenterDuration(k.expireAfter),
        },
      },
      disruption: {
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: karpenterDuration(k.consolidateAfter),
        budgets: [{ nodes: k.disruptionBudget }],
      },
      limits: { cpu: String(k.limits.cpu), memory: formatQuantity(k.limits.memory) },
    },
  };
}

/**
 * What Karpenter drains nodes on, each an EventBridge rule to its queue (cloudformation.yaml
 * lines 410–453 for v1.14): spot interruption warnings, rebalance recommendations (events only),
 * instance state changes and AWS Health scheduled changes. The fifth upstream rule, capacity
 * reservation interruptions, is left out: the NodePool never uses reserved capacity.
 */
export const INTERRUPTION_EVENTS: { name: string; pattern: { source: string[]; "detail-type": string[] } }[] =
  [
    {
      name: "spot-interruption",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
    },
    {
      name: "rebalance",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
    },
    {
      name: "instance-state-change",
      pattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
    },
    { name: "scheduled-change", pattern: { source: ["aws.health"], "detail-type": ["AWS Health Event"] } },
  ];

export interface KarpenterValuesInput {
  clusterName: string;
  clusterEndpoint: string;
  region: string;
  queueName: string;
  roleArn: string;
  nodeSelector?: Record<string, string>;
}

export const KARPENTER_RESOURCES = { cpu: 0.5, memoryBytes: 1024 ** 3 };

/** Helm values (charts/karpenter/values.yaml at v1.14.1). */
export function karpenterValues(input: KarpenterValuesInput) {
  return {
    settings: {
      clusterName: input.clusterName,
      // Given, so Karpenter skips eks:DescribeCluster at start (operator.go ResolveClusterEndpoint).
      clusterEndpoint: input.clusterEndpoint,
      interruptionQueue: input.queueName,
    },
    serviceAccount: {
      create: true,
      name: KARPENTER_SERVICE_ACCOUNT,
      annotations: { "eks.amazonaws.com/role-arn": input.roleArn },
    },
    // Two replicas on distinct system nodes (the chart's required anti-affinity), never on a node it launched.
    replicas: 2,
    ...(input.nodeSelector ? { nodeSelector: { "kubernetes.io/os": "linux", ...input.nodeSelector } } : {}),
    controller: {
      // With a region the AWS SDK never asks instance metadata (operator.go), which hop limit 1 keeps from pods.
      env: [{ name: "AWS_REGION", value: input.region }],
      resources: {
        requests: {
          cpu: `${KARPENTER_RESOURCES.cpu * 1000}m`,
          memory: formatQuantity(KARPENTER_RESOURCES.memoryBytes),
        },
        limits: {
          cpu: `${KARPENTER_RESOURCES.cpu * 1000}m`,
          memory: formatQuantity(KARPENTER_RESOURCES.memoryBytes),
        },
      },
    },
  };
}

/** Capacity types the NodePool offers: on-demand (JobManagers) and whatever a TaskManager may use. */
export function nodePoolCapacityTypes(model: Pick<PlatformModel, "namespaces">): string[] {
  const types = new Set<string>(["on-demand"]);
  for (const c of model.namespaces.flatMap((ns) => ns.flinkClusters)) {
    for (const t of c.taskManagerCapacity ?? []) types.add(t);
  }
  return [...types].sort();
}
