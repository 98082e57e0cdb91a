/**
 * The preview-time fit check: what every Flink cluster in a namespace asks for (replicas ×
 * resources, TaskManagers from the capacity rule) against the namespace's quota, with room
 * for one stateful upgrade, and each Flink process against the LimitRange. Node fit lives in
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
  taskManager: { replicas: number } & Resources;
  pods: number;
  /** Requests of all its pods; Flink's limits equal its requests (limit factors of 1). */
  total: Resources;
  /** A stateful upgrade (savepoint / last-state) redeploys it while old pods may still terminate. */
  statefulUpgrade: boolean;
}

export interface NamespaceFit {
  name: string;
  clusters: ClusterDemand[];
  requests: Resources;
  limits: Resources;
  /** Room for one upgrade of the largest stateful cluster. */
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
  const tm = perPod(c.taskManager);
  const total = {
    cpu: (jm.replicas * milli(jm.cpu) + tm.replicas * milli(tm.cpu)) / 1000,
    memory: jm.replicas * jm.memory + tm.replicas * tm.memory,
  };
  const mode = c.job?.upgradeMode;
  return {
    name: c.name,
    jobManager: jm,
    taskManager: tm,
    pods: jm.replicas + tm.replicas,
    total,
    statefulUpgrade: mode === "savepoint" || mode === "last-state",
  };
}

export function namespaceFit(ns: NamespaceModel): NamespaceFit {
  const clusters = ns.flinkClusters.map(clusterDemand);
  const requests = clusters.reduce((sum, c) => add(sum, c.total), { cpu: 0, memory: 0 });
  const stateful = clusters.filter((c) => c.statefulUpgrade);
  const largest = stateful.reduce<ClusterDemand | undefined>(
    (big, c) =>
      !big ||
      c.total.memory > big.total.memory ||
      (c.total.memory === big.total.memory && c.total.cpu > big.total.cpu)
        ? c
        : big,
    undefined,
  );
  const upgradeHeadroom = largest
    ? { ...largest.total, pods: largest.pods, cluster: largest.name }
    : { cpu: 0, memory: 0, pods: 0 };
  const pods = clusters.reduce((n, c) => n + c.pods, 0);
  const quota = { cpu: ns.quota.cpu, memory: ns.quota.memory, pods: ns.quota.pods };
  const needed = add(requests, upgradeHeadroom);
  const fits =
    milli(needed.cpu) <= milli(quota.cpu) &&
    needed.memory <= quota.memory &&
    pods + upgradeHeadroom.pods <= quota.pods;
  return { name: ns.name, clusters, requests, limits: requests, upgradeHeadroom, pods, quota, fits };
}

const size = (bytes: number) => formatQuantity(bytes);

/** The table a refused namespace is reported with: what asks for what, and against which quota. */
export function fitTable(fit: NamespaceFit): string {
  const process = (p: { replicas: number } & Resources) =>
    `${p.replicas} × ${formatCpu(p.cpu)} cpu / ${size(p.memory)}`;
  const rows: string[][] = [
    ["FlinkDeployment", "JobManagers", "TaskManagers", "pods", "cpu", "memory"],
    ...fit.clusters.map((c) => [
      c.name,
      process(c.jobManager),
      process(c.taskManager),
      String(c.pods),
      formatCpu(c.total.cpu),
      size(c.total.memory),
    ]),
    ["requests", "", "", String(fit.pods), formatCpu(fit.requests.cpu), size(fit.requests.memory)],
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
  const needed = add(fit.requests, fit.upgradeHeadroom);
  const over = [
    milli(needed.cpu) > milli(fit.quota.cpu)
      ? `cpu ${formatCpu(needed.cpu)} > ${formatCpu(fit.quota.cpu)}`
      : "",
    needed.memory > fit.quota.memory ? `memory ${size(needed.memory)} > ${size(fit.quota.memory)}` : "",
    fit.pods + fit.upgradeHeadroom.pods > fit.quota.pods
      ? `pods ${fit.pods + fit.upgradeHeadroom.pods} > ${fit.quota.pods}`
      : "",
  ].filter(Boolean);
  return [
    problem(
      ["namespaces", index, "quota"],
      `the Flink clusters in namespace "${fit.name}" need more than its quota (${over.join(", ")}), ` +
        `counting room for one stateful upgrade; raise the quota or shrink a job:\n${fitTable(fit)}`,
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
