/**
 * The node fit check, at preview: every pod the stack places (platform pods on the system pool,
 * Flink pods on the Flink pool, TaskManagers at their autoscaler ceiling) must fit one node of
 * its pool, and all of them must pack onto the pool's maximum node count, with room for one
 * stateful upgrade and with required anti-affinity honoured. A pool's node is its smallest
 * instance type, less what the add-on DaemonSets take on every node. No node autoscaler runs, so
 * a managed node group has exactly its `desiredSize` nodes: that is what the pods must fit. Pure.
 */
import { PlatformModel } from "../../config/model";
import { flinkPodRequests } from "../../config/capacity";
import { KarpenterConfig, NodeGroupConfig } from "../../config/schema";
import { Problem, problem } from "../../config/problems";
import { formatQuantity } from "../../config/units";
import { familyOf, INSTANCE_CATALOG } from "../cluster/instanceCatalog";
import { formatCpu } from "../kube/podSecurity";
import { EKS_DAEMONSETS, perNodeOverhead, Pool, PodDemand, stackPods } from "./podDemand";
import { Requests } from "../kube/resources";

export interface NodeShape {
  instanceType: string;
  /** What pods get on one node: allocatable less the DaemonSets. */
  cpu: number;
  memory: number;
  pods: number;
  /** Local disk for pods' ephemeral-storage requests (bytes). */
  ephemeral: number;
}

export interface PoolFit {
  pool: Pool;
  /** A managed node group of `desiredSize` nodes, or a Karpenter NodePool bounded by its limits. */
  provisioner: "node-group" | "karpenter";
  node: NodeShape;
  /** Nodes the pool runs: its desiredSize (no node autoscaler runs). */
  nodes: number;
  /** Nodes the pool's pods need when packed (first fit, largest first). */
  nodesNeeded: number;
  pods: PodDemand[];
  /** Pods that fit no node at all. */
  oversized: PodDemand[];
}

const milli = (cpu: number) => Math.round(cpu * 1000);

/**
 * The smallest node a pool may hand out (by CPU and by memory separately), less what the
 * DaemonSets on every node request (the EKS add-ons, and node-exporter and Fluent Bit when on).
 */
export function nodeShape(
  group: NodeGroupConfig,
  daemonSets: Requests & { pods: number } = EKS_DAEMONSETS,
): NodeShape {
  const smallest = (key: "allocatableCpu" | "allocatableMemoryBytes" | "maxPods") =>
    group.instanceTypes.reduce((a, b) => (INSTANCE_CATALOG[b][key] < INSTANCE_CATALOG[a][key] ? b : a));
  const [cpuType, memType, podType] = [
    smallest("allocatableCpu"),
    smallest("allocatableMemoryBytes"),
    smallest("maxPods"),
  ];
  return {
    instanceType: cpuType === memType ? cpuType : `${cpuType}/${memType}`,
    cpu: (milli(INSTANCE_CATALOG[cpuType].allocatableCpu) - milli(daemonSets.cpu)) / 1000,
    memory: INSTANCE_CATALOG[memType].allocatableMemoryBytes - daemonSets.memory,
    pods: INSTANCE_CATALOG[podType].maxPods - daemonSets.pods,
    ephemeral: allocatableEphemeral(group.diskSizeGiB),
  };
}

/**
 * Allocatable local disk of a node's root volume: capacity less kubelet's reserved 1Gi and the
 * 10% nodefs eviction threshold (awslabs/amazon-eks-ami nodeadm internal/kubelet/config.go).
 * Container images share the volume and are not counted: keep requests well below it.
 */
export function allocatableEphemeral(diskSizeGiB: number): number {
  const GiB = 1024 ** 3;
  return Math.floor(diskSizeGiB * GiB * 0.9) - GiB;
}

const fits = (p: PodDemand, node: NodeShape) =>
  milli(p.cpu) <= milli(node.cpu) && p.memory <= node.memory && (p.ephemeral ?? 0) <= node.ephemeral;

interface Bin {
  cpu: number;
  memory: number;
  ephemeral: number;
  pods: number;
  groups: Set<string>;
}

/**
 * First-fit decreasing: how many nodes the pods need. Pods that must land on distinct nodes
 * (required anti-affinity) are placed first, since they constrain the most; the rest largest first.
 */
export function packNodes(pods: readonly PodDemand[], node: NodeShape): number {
  const items = pods
    .filter((p) => fits(p, node))
    .flatMap((p) => Array.from({ length: p.replicas }, () => p))
    .sort(
      (a, b) => Number(!!b.distinctNodes) - Number(!!a.distinctNodes) || b.memory - a.memory || b.cpu - a.cpu,
    );
  const bins: Bin[] = [];
  for (const p of items) {
    const bin = bins.find(
      (b) =>
        milli(b.cpu) + milli(p.cpu) <= milli(node.cpu) &&
        b.memory + p.memory <= node.memory &&
        b.ephemeral + (p.ephemeral ?? 0) <= node.ephemeral &&
        b.pods < node.pods &&
        !(p.distinctNodes && b.groups.has(p.distinctNodes)),
    );
    const target = bin ?? { cpu: 0, memory: 0, ephemeral: 0, pods: 0, groups: new Set<string>() };
    if (!bin) bins.push(target);
    target.cpu = (milli(target.cpu) + milli(p.cpu)) / 1000;
    target.memory += p.memory;
    target.ephemeral += p.ephemeral ?? 0;
    target.pods += 1;
    if (p.distinctNodes) target.groups.add(p.distinctNodes);
  }
  return bins.length;
}

/**
 * Room for one stateful upgrade at a time on the Flink pool: a savepoint or last-state upgrade
 * starts the new pods while the old ones may still be terminating.
 */
function upgradeHeadroom(model: PlatformModel): PodDemand[] {
  const stateful = model.namespaces
    .flatMap((ns) => ns.flinkClusters)
    .filter((c) => c.job && c.job.upgradeMode !== "stateless");
  const largest = stateful.reduce<(typeof stateful)[number] | undefined>(
    (big, c) =>
      !big ||
      c.taskManager.memoryBytes * c.taskManager.replicas >
        big.taskManager.memoryBytes * big.taskManager.replicas
        ? c
        : big,
    undefined,
  );
  if (!largest) return [];
  const pod = flinkPodRequests(largest.taskManager);
  return [
    {
      owner: `upgrade headroom (${largest.namespace}/${largest.name})`,
      pool: "flink",
      replicas: largest.taskManager.replicas,
      cpu: pod.cpu,
      memory: pod.memoryBytes,
      ephemeral: pod.ephemeralBytes,
      path: largest.path,
    },
  ];
}

/**
 * A Karpenter NodePool's node for the fit check: the largest catalog type of its families and
 * architectures (Karpenter may launch larger ones; these are the ones the platform can vouch for),
 * less the DaemonSets; its local disk is the NVMe stripe with `localNvme`, else the root volume.
 */
export function karpenterNodeShape(
  k: KarpenterConfig,
  overhead: Requests & { pods: number },
): NodeShape & { vcpu: number; memoryBytes: number } {
  const candidates = Object.entries(INSTANCE_CATALOG).filter(
    ([name, t]) => k.instanceFamilies.includes(familyOf(name)) && k.architectures.includes(t.architecture),
  );
  const [name, t] = candidates.reduce((a, b) =>
    b[1].allocatableMemoryBytes > a[1].allocatableMemoryBytes ||
    (b[1].allocatableMemoryBytes === a[1].allocatableMemoryBytes && b[1].allocatableCpu > a[1].allocatableCpu)
      ? b
      : a,
  );
  return {
    instanceType: name,
    cpu: (milli(t.allocatableCpu) - milli(overhead.cpu)) / 1000,
    memory: t.allocatableMemoryBytes - overhead.memory,
    pods: t.maxPods - overhead.pods,
    // RAID0 over the instance store makes all of it the node's ephemeral storage (Karpenter docs, nodeclasses.md).
    ephemeral: k.localNvme ? t.localNvmeGiB * 1024 ** 3 : allocatableEphemeral(k.diskSizeGiB),
    vcpu: t.vcpu,
    memoryBytes: t.memoryBytes,
  };
}

export function poolFits(model: PlatformModel): PoolFit[] {
  if (model.cluster.provider !== "eks") return [];
  const groups = model.cluster.nodeGroups;
  const karpenter = model.cluster.karpenter;
  const pods = [...stackPods(model), ...upgradeHeadroom(model)];
  return (["system", "flink"] as const).map((pool): PoolFit => {
    const mine = pods.filter((p) => p.pool === pool);
    const group = groups[pool];
    if (pool === "flink" && karpenter) {
      const node = karpenterNodeShape(karpenter, perNodeOverhead(model));
      return {
        pool,
        provisioner: "karpenter",
        node,
        // As many of the largest nodes as the NodePool's limits allow.
        nodes: Math.floor(
          Math.min(karpenter.limits.cpu / node.vcpu, karpenter.limits.memory / node.memoryBytes),
        ),
        nodesNeeded: packNodes(mine, node),
        pods: mine,
        oversized: mine.filter((p) => !fits(p, node)),
      };
    }
    const node = nodeShape(group!, perNodeOverhead(model));
    return {
      pool,
      provisioner: "node-group",
      node,
      nodes: group!.desiredSize,
      nodesNeeded: packNodes(mine, node),
      pods: mine,
      oversized: mine.filter((p) => !fits(p, node)),
    };
  });
}

function podTable(fit: PoolFit): string {
  const rows = [
    ["pod", "replicas", "cpu", "memory"],
    ...fit.pods.map((p) => [p.owner, String(p.replicas), formatCpu(p.cpu), formatQuantity(p.memory)]),
    [
      `${fit.node.instanceType} node (less DaemonSets)`,
      "",
      formatCpu(fit.node.cpu),
      formatQuantity(fit.node.memory),
    ],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map(
      (r) =>
        "    " +
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}

export function checkNodeFit(model: PlatformModel): Problem[] {
  return poolFits(model).flatMap((fit) => {
    const karpenter = fit.provisioner === "karpenter";
    const groupPath = karpenter ? ["cluster", "karpenter"] : ["cluster", "nodeGroups", fit.pool];
    const typesKey = karpenter ? "instanceFamilies" : "instanceTypes";
    const problems = fit.oversized.map((p) =>
      problem(
        p.path,
        `${p.owner} (${formatCpu(p.cpu)} cpu, ${formatQuantity(p.memory)}` +
          `${p.ephemeral ? `, ${formatQuantity(p.ephemeral)} local disk` : ""}) does not fit one ${fit.pool} node: a ` +
          `${fit.node.instanceType} node offers ${formatCpu(fit.node.cpu)} cpu and ${formatQuantity(fit.node.memory)} ` +
          `${p.ephemeral ? `(and ${formatQuantity(fit.node.ephemeral)} of local disk) ` : ""}` +
          `to pods (allocatable less DaemonSets); use a larger type in ${groupPath.join(".")}.${typesKey} or a smaller pod`,
      ),
    );
    if (karpenter && fit.nodesNeeded > fit.nodes) {
      problems.push(
        problem(
          [...groupPath, "limits"],
          `the Flink pods (TaskManagers at their autoscaler ceiling, room for one stateful upgrade) need ` +
            `${fit.nodesNeeded} ${fit.node.instanceType} nodes, but the NodePool limits hold ${fit.nodes}; raise ` +
            `cluster.karpenter.limits or shrink the pods:\n${podTable(fit)}`,
        ),
      );
    } else if (fit.nodesNeeded > fit.nodes) {
      problems.push(
        problem(
          [...groupPath, "desiredSize"],
          `the ${fit.pool} pool needs ${fit.nodesNeeded} ${fit.node.instanceType} nodes for its pods` +
            `${fit.pool === "flink" ? " (TaskManagers at their autoscaler ceiling, room for one stateful upgrade)" : ""}` +
            ` but has ${fit.nodes} (desiredSize; no node autoscaler runs); raise desiredSize (and maxSize), ` +
            `use larger instance types or shrink the pods:\n${podTable(fit)}`,
        ),
      );
    }
    return problems;
  });
}
