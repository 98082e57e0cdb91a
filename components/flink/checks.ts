/**
 * What the operator's admission webhook and Flink itself would refuse after deploy,
 * checked at preview: names, forbidden and version-mismatched keys, HA for standby
 * JobManagers, and Flink's memory derivation for every JobManager and TaskManager.
 */
import { StackConfig } from "../../config/schema";
import {
  resolveModel,
  AutoscalerModel,
  FlinkClusterModel,
  JobModel,
  NamespaceModel,
  SessionJobModel,
  PlatformModel,
} from "../../config/model";
import { Problem, problem, PathSegment } from "../../config/problems";
import { FlinkMemoryError, jobManagerMemory, taskManagerMemory } from "./memory";
import { INTRODUCED_IN_1_20, OPERATOR_FORBIDDEN_KEYS, DEPRECATED_IN_2, isAtLeast } from "./flinkConfig";
import { allowedArtifactSchemes } from "./operator";
import { coveringLocation, operatorReadsS3, s3Object } from "./artifacts";
import { ownedOption } from "./ownedOptions";
import { mergedPodProblems, podSettingsProblems } from "./podChecks";

/** The operator's name rule for FlinkDeployment and FlinkSessionJob (≤ 45 characters). */
export const OPERATOR_NAME_PATTERN = /^[a-z]([-a-z\d]{0,43}[a-z\d])?$/;

export const flinkChecks = [
  (stack: StackConfig): Problem[] => checkWorkloads(resolveModel(stack)),
  ownedOptionProblems,
  podSettingsProblems,
  (stack: StackConfig): Problem[] => mergedPodProblems(resolveModel(stack)),
];

/** Every `flinkConfiguration` of the stack, each at its own key path. */
function userConfigurations(stack: StackConfig): { conf: Record<string, string>; path: PathSegment[] }[] {
  return [
    { conf: stack.flink.flinkConfiguration, path: ["flink", "flinkConfiguration"] },
    ...stack.namespaces.flatMap((ns, i) =>
      (["jobs", "sessionClusters", "sessionJobs"] as const).flatMap((list) =>
        ns[list].map((item, j) => ({
          conf: item.flinkConfiguration,
          path: ["namespaces", i, list, j, "flinkConfiguration"] as PathSegment[],
        })),
      ),
    ),
  ];
}

/** Options the platform owns may not be set in any flinkConfiguration (see ownedOptions.ts). */
export function ownedOptionProblems(stack: StackConfig): Problem[] {
  return userConfigurations(stack).flatMap(({ conf, path }) =>
    Object.keys(conf).flatMap((key) => {
      // The operator's own forbidden keys get the operator's message (configurationKeyProblems).
      if (OPERATOR_FORBIDDEN_KEYS.includes(key)) return [];
      const owned = ownedOption(key);
      return owned
        ? [problem([...path, key], `"${key}" is owned by ${owned.owner}; it cannot be set here`)]
        : [];
    }),
  );
}

export function checkWorkloads(model: PlatformModel): Problem[] {
  const schemes = allowedArtifactSchemes(operatorReadsS3(model));
  const eks = model.cluster.provider === "eks";
  return model.namespaces.flatMap((ns, i) => [
    ...ns.flinkClusters.flatMap(checkCluster),
    ...[
      ...ns.flinkClusters.flatMap((c) => (c.job ? [{ ...c.job, path: c.path, name: c.name }] : [])),
      ...ns.sessionJobs,
    ].flatMap((job) => jarLocationProblems(ns, i, job, eks)),
    ...ns.sessionJobs.flatMap((job) =>
      checkSessionJob(
        job,
        ns.flinkClusters.find((c) => c.name === job.sessionCluster),
        schemes,
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
    if (isAtLeast(version, "2.0") && DEPRECATED_IN_2[key]) {
      return [
        problem(at, `${who}: "${key}" is a deprecated name on Flink 2.x; use "${DEPRECATED_IN_2[key]}"`),
      ];
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
  if (c.autoscaler) problems.push(...autoscalerProblems(c.autoscaler, [...c.path, "autoscaler"], who));
  if (c.reactive) problems.push(...reactiveProblems(c, who));
  if (c.autoscaler?.enabled && c.taskManager.replicasExplicit && c.autoscaler.maxParallelism) {
    const slots = c.taskManager.replicas * c.taskSlots;
    if (c.autoscaler.maxParallelism > slots) {
      problems.push(
        problem(
          [...c.path, "taskManager", "replicas"],
          `${who}: fixed at ${c.taskManager.replicas} TaskManagers (${slots} slots), it cannot grow to ` +
            `autoscaler.maxParallelism ${c.autoscaler.maxParallelism}; drop taskManager.replicas or lower the ceiling`,
        ),
      );
    }
  }
  return problems;
}

/**
 * Reactive mode scales a standalone deployment's TaskManagers (the operator's scale subresource,
 * `.spec.taskManager.replicas`, is a cheap SCALE only in standalone mode with `scheduler-mode:
 * REACTIVE`: TaskManagerSpec, StandaloneFlinkService.scale, release-1.15.0); the HPA owns the
 * replica count, so nothing else may set it or rescale the job.
 */
function reactiveProblems(c: FlinkClusterModel, who: string): Problem[] {
  const r = c.reactive!;
  const path = [...c.path, "reactive"];
  const problems: Problem[] = [];
  if (c.autoscaler?.enabled) {
    problems.push(
      problem(
        path,
        `${who}: reactive mode and the operator's autoscaler both rescale the job; choose one (set autoscaler.enabled: false)`,
      ),
    );
  }
  if (c.taskManager.replicas !== r.minTaskManagers) {
    // Only an explicit taskManager.replicas can differ from the minimum the model starts with.
    problems.push(
      problem(
        [...c.path, "taskManager", "replicas"],
        `${who}: the HorizontalPodAutoscaler owns the TaskManager count; set reactive.minTaskManagers instead`,
      ),
    );
  }
  if (r.minTaskManagers > r.maxTaskManagers) {
    problems.push(
      problem([...path, "minTaskManagers"], `${who}: must not exceed maxTaskManagers ${r.maxTaskManagers}`),
    );
  }
  return problems;
}

/** Settings the operator's autoscaler would reject or silently ignore. */
export function autoscalerProblems(a: AutoscalerModel, path: PathSegment[], who: string): Problem[] {
  const problems: Problem[] = [];
  if (a.utilizationMin !== undefined && a.utilizationMin >= a.targetUtilization) {
    problems.push(
      problem([...path, "utilizationMin"], `${who}: must be below targetUtilization ${a.targetUtilization}`),
    );
  }
  if (a.utilizationMax !== undefined && a.utilizationMax <= a.targetUtilization) {
    problems.push(
      problem([...path, "utilizationMax"], `${who}: must be above targetUtilization ${a.targetUtilization}`),
    );
  }
  if (
    a.minParallelism !== undefined &&
    a.maxParallelism !== undefined &&
    a.minParallelism > a.maxParallelism
  ) {
    problems.push(
      problem([...path, "minParallelism"], `${who}: must not exceed maxParallelism ${a.maxParallelism}`),
    );
  }
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

/**
 * An s3:// jar must lie in one of the namespace's artifact locations: those are what its IRSA
 * role (and the operator's, for session jobs) may read. A JobManager that cannot read its jar
 * crash-loops; a session job's jar is refused by the operator's fetch.
 */
function jarLocationProblems(
  ns: NamespaceModel,
  index: number,
  job: Pick<JobModel, "jarURI"> & { name: string; path: PathSegment[] },
  eks: boolean,
): Problem[] {
  if (!s3Object(job.jarURI)) return [];
  const at = [...job.path, "jarURI"];
  const who = `job "${job.name}" in namespace "${ns.name}"`;
  if (!eks) {
    return [
      problem(
        at,
        `${who}: s3:// jars need an EKS stack with the namespace's artifacts declared; on an existing cluster use local:// (in the image) or https://`,
      ),
    ];
  }
  if (coveringLocation(ns.artifacts, job.jarURI)) return [];
  const declared = ns.artifacts.map((l) => `s3://${l.bucket}/${l.prefix}`).join(", ") || "none";
  return [
    problem(
      at,
      `${who}: ${job.jarURI} is outside the namespace's artifact locations (${declared}), so its pods could not read it; ` +
        `add its bucket and prefix to namespaces[${index}].artifacts`,
    ),
  ];
}

/**
 * The operator downloads a session job's jar itself and admits only the schemes in
 * `kubernetes.operator.user.artifacts.allowed-schemes` (DefaultValidator.validateJarURI,
 * release-1.15.0); the platform sets that list (see operator.ts), so it is known here.
 */
function jarSchemeProblems(job: SessionJobModel, schemes: string[], who: string): Problem[] {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(job.jarURI)?.[1]?.toLowerCase();
  if (scheme && schemes.includes(scheme)) return [];
  const fix = schemes.includes("s3")
    ? "publish the jar over https or in one of the namespace's artifact locations (s3://)"
    : scheme === "s3"
      ? "declare the bucket in the namespace's `artifacts` on an EKS stack (the operator then reads it with its own role), or publish the jar over https"
      : "publish the jar over https, or run it as an application job (jobs[]), whose JobManager reads local:// and s3:// jars itself";
  return [
    problem(
      [...job.path, "jarURI"],
      `${who}: the Flink operator fetches session-job jars itself and admits only ${schemes.join(", ")} ` +
        `(kubernetes.operator.user.artifacts.allowed-schemes); "${scheme ?? job.jarURI}" would be refused: ${fix}`,
    ),
  ];
}

function checkSessionJob(
  job: SessionJobModel,
  cluster: FlinkClusterModel | undefined,
  schemes: string[],
): Problem[] {
  const who = label(job, "session job");
  // The 45-character rule applies to FlinkDeployment names and a session job's deploymentName,
  // not to the session job's own name (DefaultValidator.java, release-1.15.0). Session jobs may
  // use last-state since operator 1.10 (FLINK-35414 removed the refusal).
  const problems = [...redeployNonceProblems(job, job.path, who), ...jarSchemeProblems(job, schemes, who)];
  if (job.autoscaler) problems.push(...autoscalerProblems(job.autoscaler, [...job.path, "autoscaler"], who));
  if (cluster) {
    problems.push(...configurationKeyProblems(job.flinkConfiguration, cluster.flinkVersion, job.path, who));
    // "For session job auto-scaling, a latest custom build of Flink 1.19 or 1.18 is required that
    // contains the fix for FLINK-33534" (operator release-1.15.0 docs/content/docs/custom-resource/autoscaler.md).
    if (job.autoscaler?.enabled && !isAtLeast(cluster.flinkVersion, "1.20")) {
      problems.push(
        problem(
          [...job.path, "autoscaler"],
          `${who}: session-job autoscaling needs Flink 1.20+ on session cluster "${cluster.name}" (it runs ${cluster.flinkVersion}; FLINK-33534)`,
        ),
      );
    }
    if (cluster.taskManager.replicasExplicit) {
      const slots = cluster.taskManager.replicas * cluster.taskSlots;
      const ceiling = job.autoscaler?.enabled ? (job.autoscaler.maxParallelism ?? 0) : 0;
      if (ceiling > slots) {
        problems.push(
          problem(
            [...job.path, "autoscaler", "maxParallelism"],
            `${who}: ${ceiling} exceeds the ${slots} slots of session cluster "${cluster.name}" (fixed taskManager.replicas)`,
          ),
        );
      }
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
