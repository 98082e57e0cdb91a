/** report.json: the computed facts a reviewer needs, from the validated model. */
import { PlatformModel } from "../../config/model";
import {
  jobManagerMemory,
  taskManagerMemory,
  JobManagerMemory,
  TaskManagerMemory,
} from "../../components/flink/memory";
import { namespaceFit } from "../../components/governance/fit";
import { poolFits } from "../../components/capacity/nodeFit";

export interface FlinkClusterReport {
  name: string;
  namespace: string;
  kind: "application" | "session";
  flinkVersion: string;
  parallelism: number | null;
  taskSlots: number;
  taskManagers: number;
  jobManager: JobManagerMemory;
  taskManager: Omit<TaskManagerMemory, "jvmHeapBytes" | "maxDirectBytes">;
}

interface CpuMemory {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

/** A Flink namespace's requested totals against its quota (the preview-time fit check). */
export interface NamespaceReport {
  name: string;
  /** Today's need. */
  requests: CpuMemory;
  limits: CpuMemory;
  /** With every autoscaled (or HPA-scaled) cluster's TaskManagers at their ceiling. */
  ceiling: CpuMemory;
  quota: CpuMemory;
  /** Room kept for one upgrade of the largest stateful cluster; `fits` counts it with the ceiling. */
  upgradeHeadroom: CpuMemory;
  fits: boolean;
}

/** An EKS node pool: the nodes its pods need (packed) against its maximum. */
export interface PoolReport {
  pool: "system" | "flink";
  /** A node group of `desiredSize` nodes, or a Karpenter NodePool bounded by its limits. */
  provisioner: "node-group" | "karpenter";
  instanceType: string;
  /** What one node offers pods (allocatable less DaemonSets): cores and bytes. */
  node: CpuMemory;
  nodes: number;
  nodesNeeded: number;
}

export interface Report {
  stack: string;
  environment: PlatformModel["environment"];
  flinkClusters: FlinkClusterReport[];
  namespaces: NamespaceReport[];
  pools: PoolReport[];
}

export function buildReport(stack: string, model: PlatformModel): Report {
  const flinkClusters = model.namespaces
    .flatMap((ns) => ns.flinkClusters)
    .map((c): FlinkClusterReport => {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { jvmHeapBytes, maxDirectBytes, ...taskManager } = taskManagerMemory(
        c.taskManager.memoryBytes,
        c.flinkConfiguration,
      );
      return {
        name: c.name,
        namespace: c.namespace,
        kind: c.kind,
        flinkVersion: c.flinkVersion,
        parallelism: c.job ? c.job.parallelism : null,
        taskSlots: c.taskSlots,
        taskManagers: c.taskManager.replicas,
        jobManager: jobManagerMemory(c.jobManager.memoryBytes, c.flinkConfiguration),
        taskManager,
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const namespaces = model.namespaces
    .map(namespaceFit)
    .map((f): NamespaceReport => ({
      name: f.name,
      requests: { cpu: f.requests.cpu, memory: f.requests.memory },
      limits: { cpu: f.limits.cpu, memory: f.limits.memory },
      ceiling: { cpu: f.ceiling.cpu, memory: f.ceiling.memory },
      quota: { cpu: f.quota.cpu, memory: f.quota.memory },
      upgradeHeadroom: { cpu: f.upgradeHeadroom.cpu, memory: f.upgradeHeadroom.memory },
      fits: f.fits,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const pools = poolFits(model).map((f): PoolReport => ({
    pool: f.pool,
    provisioner: f.provisioner,
    instanceType: f.node.instanceType,
    node: { cpu: f.node.cpu, memory: f.node.memory },
    nodes: f.nodes,
    nodesNeeded: f.nodesNeeded,
  }));
  return { stack, environment: model.environment, flinkClusters, namespaces, pools };
}
