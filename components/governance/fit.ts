/**
 * The preview-time fit check: what every Flink cluster in a namespace asks for (replicas ×
 * resources, TaskManagers from the capacity rule), and what it may grow to (TaskManagers at
 * their autoscaler or HPA ceiling), against the namespace's quota, with room for one stateful
 * upgrade, and each Flink process against the LimitRange. Node fit lives in
 * components/capacity/nodeFit.ts. Pure.
 */
import { StackConfig } from "../../config/schema";
import {
  FlinkClusterModel,
  NamespaceModel,
  PlatformModel,
  ProcessSpec,
  resolveModel,
} from "../../config/model";
import { flinkPodRequests } from "../../config/capacity";
import { Problem, problem } from "../../config/problems";
import { formatQuantity } from "../../config/units";
import { formatCpu } from "../kube/podSecurity";

export interface Resources {
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface ClusterDemand {
  name: string;
  jobManager: { replicas: number } & Resources;
  /** Per pod; `replicas` today, `ceiling` what the autoscaler or HPA may scale to. */
  taskManager: { replicas: number; ceiling: number } & Resources;
  pods: number;
  /** Requests of all its pods today; Flink's limits equal its requests (limit factors of 1). */
  total: Resources;
  /** Requests with TaskManagers at their ceiling. */
  atCeiling: Resources & { pods: number };
  /** A stateful upgrade (savepoint / last-state) redeploys it while old pods may still terminate. */
  statefulUpgrade: boolean;
}

export interface NamespaceFit {
  name: string;
  clusters: ClusterDemand[];
  /** Today's need. */
  requests: Resources;
  limits: Resources;
  /** Every cluster at its ceiling: what the quota must hold (with the headroom). */
  ceiling: Resources & { pods: number };
  /** Room for one upgrade of the largest stateful cluster (at its ceiling). */
  upgradeHeadroom: Resources & { pods: number; cluster?: string };
  pods: number;
  quota: Resources & { pods: number };
  fits: boolean;
}

// Cores are summed in millicores so 0.1 + 0.2 stays exact.
const milli = (cpu: number) => Math.round(cpu * 1000);

function add(a: Resources, b: Resources): Resources {
  return { cpu: (milli(a.cpu) + milli(b.cpu)) / 1000, memory: a.memory + b.memory };
}

function clusterDemand(c: FlinkClusterModel): ClusterDemand {
  // Each pod with its sidecars (and init containers): the quota counts every container.
  const perPod = (p: ProcessSpec) => {
    const r = flinkPodRequests(p);
    return { replicas: p.replicas, cpu: r.cpu, memory: r.memoryBytes };
  };
  const jm = perPod(c.jobManager);
  const tm = { ...perPod(c.taskManager), ceiling: c.taskManagerCeiling };
  const totalWith = (tms: number) => ({
    cpu: (jm.replicas * milli(jm.cpu) + tms * milli(tm.cpu)) / 1000,
    memory: jm.replicas * jm.memory + tms * tm.memory,
  });
  const mode = c.job?.upgradeMode;
  return {
    name: c.name,
    jobManager: jm,
    taskManager: tm,
    pods: jm.replicas + tm.replicas,
    total: totalWith(tm.replicas),
    atCeiling: { ...totalWith(tm.ceiling), pods: jm.replicas + tm.ceiling },
    statefulUpgrade: mode === "savepoint" || mode === "last-state",
  };
}

export function namespaceFit(ns: NamespaceModel): NamespaceFit {
  const clusters = ns.flinkClusters.map(clusterDemand);
  const sum = (f: (c: ClusterDemand) => Resources) =>
    clusters.reduce((t, c) => add(t, f(c)), { cpu: 0, memory: 0 });
  const requests = sum((c) => c.total);
  const ceiling = { ...sum((c) => c.atCeiling), pods: clusters.reduce((n, c) => n + c.atCeiling.pods, 0) };
  const largest = largestStateful(clusters);
  const upgradeHeadroom = largest
    ? {
        cpu: largest.atCeiling.cpu,
        memory: largest.atCeiling.memory,
        pods: largest.atCeiling.pods,
        cluster: largest.name,
      }
    : { cpu: 0, memory: 0, pods: 0 };
  const pods = clusters.reduce((n, c) => n + c.pods, 0);
  const quota = { cpu: ns.quota.cpu, memory: ns.quota.memory, pods: ns.quota.pods };
  const needed = add(ceiling, upgradeHeadroom);
  const fits =
    milli(needed.cpu) <= milli(quota.cpu) &&
    needed.memory <= quota.memory &&
    ceiling.pods + upgradeHeadroom.pods <= quota.pods;
  return { name: ns.name, clusters, requests, limits: requests, ceiling, upgradeHeadroom, pods, quota, fits };
}

/** The stateful cluster whose upgrade (at its ceiling) needs the most room. */
function largestStateful(clusters: ClusterDemand[]): ClusterDemand | undefined {
  return clusters
    .filter((c) => c.statefulUpgrade)
    .reduce<ClusterDemand | undefined>(
      (big, c) =>
        !big ||
        c.atCeiling.memory > big.atCeiling.memory ||
        (c.atCeiling.memory === big.atCeiling.memory && c.atCeiling.cpu > big.atCeiling.cpu)
          ? c
          : big,
      undefined,
    );
}

/**
 * `job.autoscaler.quota.cpu` / `quota.memory` for an autoscaled job: the operator's autoscaler
 * skips a scale-up when its TaskManagers × their cpu (memory) would pass them, and never blocks
 * a scale-down (ScalingExecutor.scalingWouldExceedResourceQuota, flink-kubernetes-operator
 * release-1.15.0). Set to the TaskManagers the namespace quota still holds once every other
 * cluster is at its ceiling, the job's JobManagers run, and one upgrade has room: so the
 * autoscaler never proposes a scale the quota would refuse. Undefined for a job not autoscaled.
 */
export function autoscalerQuota(
  ns: NamespaceModel,
  clusterName: string,
): { cpu: number; memoryBytes: number; taskManagers: number } | undefined {
  const c = ns.flinkClusters.find((x) => x.name === clusterName);
  if (!c?.autoscaler?.enabled) return undefined;
  const clusters = ns.flinkClusters.map(clusterDemand);
  const own = clusters.find((x) => x.name === clusterName)!;
  const others = clusters
    .filter((x) => x !== own)
    .reduce((t, x) => add(t, x.atCeiling), { cpu: 0, memory: 0 });
  const largest = largestStateful(clusters);
  const headroom = largest ? largest.atCeiling : { cpu: 0, memory: 0 };
  const jms = {
    cpu: (own.jobManager.replicas * milli(own.jobManager.cpu)) / 1000,
    memory: own.jobManager.replicas * own.jobManager.memory,
  };
  const used = add(add(others, headroom), jms);
  const freeCpu = milli(ns.quota.cpu) - milli(used.cpu);
  const freeMemory = ns.quota.memory - used.memory;
  const taskManagers = Math.max(
    0,
    Math.floor(Math.min(freeCpu / milli(own.taskManager.cpu), freeMemory / own.taskManager.memory)),
  );
  // In the operator's terms: the TaskManager process's cpu and memory, per TaskManager.
  return {
    cpu: (taskManagers * milli(c.taskManager.cpu)) / 1000,
    memoryBytes: taskManagers * c.taskManager.memoryBytes,
    taskManagers,
  };
}

const size = (bytes: number) => formatQuantity(bytes);

/** The table a refused namespace is reported with: what asks for what, and against which quota. */
export function fitTable(fit: NamespaceFit): string {
  const process = (p: { replicas: number; ceiling?: number } & Resources) =>
    `${p.replicas}${p.ceiling !== undefined && p.ceiling !== p.replicas ? `–${p.ceiling}` : ""} × ${formatCpu(p.cpu)} cpu / ${size(p.memory)}`;
  const rows: string[][] = [
    ["FlinkDeployment", "JobManagers", "TaskManagers", "pods", "cpu", "memory"],
    ...fit.clusters.map((c) => [
      c.name,
      process(c.jobManager),
      process(c.taskManager),
      String(c.atCeiling.pods),
      formatCpu(c.atCeiling.cpu),
      size(c.atCeiling.memory),
    ]),
    ["at ceiling", "", "", String(fit.ceiling.pods), formatCpu(fit.ceiling.cpu), size(fit.ceiling.memory)],
    [
      `+ upgrade headroom${fit.upgradeHeadroom.cluster ? ` (${fit.upgradeHeadroom.cluster})` : ""}`,
      "",
      "",
      String(fit.upgradeHeadroom.pods),
      formatCpu(fit.upgradeHeadroom.cpu),
      size(fit.upgradeHeadroom.memory),
    ],
    ["quota", "", "", String(fit.quota.pods), formatCpu(fit.quota.cpu), size(fit.quota.memory)],
  ];
  return indentedTable(rows);
}

function indentedTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map(
      (r) =>
        "    " +
        r
          .map((cell, i) => cell.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}

function quotaProblems(fit: NamespaceFit, index: number): Problem[] {
  if (fit.fits) return [];
  const needed = add(fit.ceiling, fit.upgradeHeadroom);
  const over = [
    milli(needed.cpu) > milli(fit.quota.cpu)
      ? `cpu ${formatCpu(needed.cpu)} > ${formatCpu(fit.quota.cpu)}`
      : "",
    needed.memory > fit.quota.memory ? `memory ${size(needed.memory)} > ${size(fit.quota.memory)}` : "",
    fit.ceiling.pods + fit.upgradeHeadroom.pods > fit.quota.pods
      ? `pods ${fit.ceiling.pods + fit.upgradeHeadroom.pods} > ${fit.quota.pods}`
      : "",
  ].filter(Boolean);
  return [
    problem(
      ["namespaces", index, "quota"],
      `the Flink clusters in namespace "${fit.name}" need more than its quota (${over.join(", ")}), ` +
        `counting TaskManagers at their autoscaler ceiling and room for one stateful upgrade; raise the quota, lower a ceiling or shrink a job:\n${fitTable(fit)}`,
    ),
  ];
}

/** A Flink process above the LimitRange's container maximum would be refused by admission. */
function limitRangeProblems(model: PlatformModel): Problem[] {
  const maxCpu = model.policy.maxContainerCpu;
  const maxMemory = model.policy.maxContainerMemory;
  return model.namespaces
    .flatMap((ns) => ns.flinkClusters)
    .flatMap((c) =>
      (["jobManager", "taskManager"] as const).flatMap((role) => {
        const p = c[role];
        const processName = role === "jobManager" ? "JobManager" : "TaskManager";
        // The LimitRange bounds each container: Flink's, and every sidecar and init container.
        const containers = [
          { what: `the ${processName}`, cpu: p.cpu, memory: p.memoryBytes },
          ...[...p.pod.sidecars, ...p.pod.initContainers].map((x) => ({
            what: `container "${x.name}" of the ${processName}`,
            cpu: x.resources.cpu,
            memory: x.resources.memory,
          })),
        ];
        return containers
          .filter((x) => milli(x.cpu) > milli(maxCpu) || x.memory > maxMemory)
          .map((x) =>
            problem(
              [...c.path, role],
              `${x.what} of "${c.name}" in namespace "${c.namespace}" (${formatCpu(x.cpu)} cpu, ${size(x.memory)}) ` +
                `exceeds the namespace LimitRange's container maximum (${formatCpu(maxCpu)} cpu, ${size(maxMemory)}; ` +
                `policy.maxContainerCpu / policy.maxContainerMemory), so its pods would be refused`,
            ),
          );
      }),
    );
}

function deploymentCountProblems(ns: NamespaceModel, index: number): Problem[] {
  const count = ns.flinkClusters.length;
  return count > ns.quota.flinkDeployments
    ? [
        problem(
          ["namespaces", index, "quota", "flinkDeployments"],
          `namespace "${ns.name}" declares ${count} FlinkDeployments (jobs and session clusters) but its quota allows ${ns.quota.flinkDeployments}`,
        ),
      ]
    : [];
}

export function checkFit(model: PlatformModel): Problem[] {
  return [
    ...model.namespaces.flatMap((ns, i) => [
      ...quotaProblems(namespaceFit(ns), i),
      ...deploymentCountProblems(ns, i),
    ]),
    ...limitRangeProblems(model),
  ];
}

export const governanceChecks = [(stack: StackConfig): Problem[] => checkFit(resolveModel(stack))];
