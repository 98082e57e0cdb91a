/**
 * What the operator's admission webhook and Flink itself would refuse after deploy,
 * checked at preview: names, forbidden and version-mismatched keys, HA for standby
 * JobManagers, and Flink's memory derivation for every JobManager and TaskManager.
 */
import { StackConfig } from "../../config/schema";
import {
  resolveModel,
  FlinkClusterModel,
  JobModel,
  SessionJobModel,
  PlatformModel,
} from "../../config/model";
import { Problem, problem, PathSegment } from "../../config/problems";
import { FlinkMemoryError, jobManagerMemory, taskManagerMemory } from "./memory";
import { INTRODUCED_IN_1_20, OPERATOR_FORBIDDEN_KEYS, REMOVED_IN_2, isAtLeast } from "./flinkConfig";

/** The operator's name rule for FlinkDeployment and FlinkSessionJob (≤ 45 characters). */
export const OPERATOR_NAME_PATTERN = /^[a-z]([-a-z\d]{0,43}[a-z\d])?$/;

export const flinkChecks = [(stack: StackConfig): Problem[] => checkWorkloads(resolveModel(stack))];

export function checkWorkloads(model: PlatformModel): Problem[] {
  return model.namespaces.flatMap((ns) => [
    ...ns.flinkClusters.flatMap(checkCluster),
    ...ns.sessionJobs.flatMap((job) =>
      checkSessionJob(
        job,
        ns.flinkClusters.find((c) => c.name === job.sessionCluster),
      ),
    ),
  ]);
}

/** The operator redeploys from `initialSavepointPath` when the nonce changes; alone it means nothing. */
function redeployNonceProblems(job: JobModel | undefined, path: PathSegment[], who: string): Problem[] {
  return job?.savepointRedeployNonce !== undefined && !job.initialSavepointPath
    ? [
        problem(
          [...path, "savepointRedeployNonce"],
          `${who}: savepointRedeployNonce redeploys from initialSavepointPath, which is not set`,
        ),
      ]
    : [];
}

function label(c: { name: string; namespace: string }, kind = "job"): string {
  return `${kind} "${c.name}" in namespace "${c.namespace}"`;
}

function checkName(name: string, path: PathSegment[], what: string): Problem[] {
  return OPERATOR_NAME_PATTERN.test(name)
    ? []
    : [
        problem(
          [...path, "name"],
          `${what} name "${name}" is refused by the Flink operator: at most 45 characters of ` +
            `[a-z0-9-], starting with a letter and not ending with '-'`,
        ),
      ];
}

/** Keys the operator owns, and keys that do not exist in the target Flink version. */
export function configurationKeyProblems(
  conf: Record<string, string>,
  version: FlinkClusterModel["flinkVersion"],
  path: PathSegment[],
  who: string,
): Problem[] {
  return Object.keys(conf).flatMap((key) => {
    const at = [...path, "flinkConfiguration", key];
    if (OPERATOR_FORBIDDEN_KEYS.includes(key)) {
      return [problem(at, `${who}: "${key}" is set by the Flink operator and must not be configured`)];
    }
    if (isAtLeast(version, "2.0") && REMOVED_IN_2[key]) {
      return [problem(at, `${who}: "${key}" was removed in Flink 2.0; use "${REMOVED_IN_2[key]}"`)];
    }
    if (!isAtLeast(version, "1.20") && INTRODUCED_IN_1_20[key]) {
      return [
        problem(
          at,
          `${who}: "${key}" does not exist before Flink 1.20; on ${version} use "${INTRODUCED_IN_1_20[key]}"`,
        ),
      ];
    }
    return [];
  });
}

function checkCluster(c: FlinkClusterModel): Problem[] {
  const kind = c.kind === "application" ? "job" : "session cluster";
  const who = label(c, kind);
  const problems = [
    ...checkName(c.name, c.path, "FlinkDeployment"),
    ...configurationKeyProblems(c.flinkConfiguration, c.flinkVersion, c.path, who),
    ...redeployNonceProblems(c.job, c.path, who),
  ];
  if (c.jobManager.replicas > 1 && c.haMode === "none") {
    problems.push(
      problem(
        [...c.path, "jobManager", "replicas"],
        `${who}: ${c.jobManager.replicas} JobManager replicas need high availability; ` +
          `set ha.mode (or the namespace's ha.mode) to "kubernetes" or "zookeeper", or use 1 replica`,
      ),
    );
  }
  if (c.kind === "application" && c.taskManager.replicas < 1) {
    problems.push(problem([...c.path, "taskManager", "replicas"], `${who}: needs at least one TaskManager`));
  }
  problems.push(...memoryProblems(c, who));
  return problems;
}

function memoryProblems(c: FlinkClusterModel, who: string): Problem[] {
  const problems: Problem[] = [];
  const attempt = (path: PathSegment[], process: string, derive: () => unknown) => {
    try {
      derive();
    } catch (e) {
      if (!(e instanceof FlinkMemoryError)) throw e;
      problems.push(problem(path, `${who}: ${process} memory is refused by Flink: ${e.message}`));
    }
  };
  attempt([...c.path, "jobManager", "memory"], "JobManager", () =>
    jobManagerMemory(c.jobManager.memoryBytes, c.flinkConfiguration),
  );
  attempt([...c.path, "taskManager", "memory"], "TaskManager", () =>
    taskManagerMemory(c.taskManager.memoryBytes, c.flinkConfiguration),
  );
  return problems;
}

function checkSessionJob(job: SessionJobModel, cluster: FlinkClusterModel | undefined): Problem[] {
  const who = label(job, "session job");
  const problems = [
    ...checkName(job.name, job.path, "FlinkSessionJob"),
    ...redeployNonceProblems(job, job.path, who),
  ];
  if (job.upgradeMode === "last-state") {
    problems.push(
      problem(
        [...job.path, "upgradeMode"],
        `${who}: the operator does not support "last-state" for session jobs; use "savepoint" or "stateless"`,
      ),
    );
  }
  if (cluster) {
    problems.push(...configurationKeyProblems(job.flinkConfiguration, cluster.flinkVersion, job.path, who));
    if (cluster.taskManager.replicasExplicit) {
      const slots = cluster.taskManager.replicas * cluster.taskSlots;
      if (job.parallelism > slots) {
        problems.push(
          problem(
            [...job.path, "parallelism"],
            `${who}: parallelism ${job.parallelism} exceeds the ${slots} slots of session cluster "${cluster.name}"`,
          ),
        );
      }
    }
  }
  return problems;
}
