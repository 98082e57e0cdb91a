/**
 * What a team's pod settings may not do, checked at preview with each setting's key path:
 * collide with what the platform, Flink or the operator put in the pod (the main container's
 * name, Flink's ports, their environment variables and mount points), put a credential in a
 * plain value, claim the platform's labels or node pool, or mount a volume no level declares.
 * The schema already refuses security contexts, host namespaces and host paths. Pure.
 */
import { StackConfig } from "../../config/schema";
import { PodSettingsConfig } from "../../config/podSchema";
import { PlatformModel, ProcessSpec } from "../../config/model";
import { Problem, problem, PathSegment } from "../../config/problems";
import { MAIN_CONTAINER } from "./podTemplate";
import { CREDENTIAL } from "./ownedOptions";

/** Ports of Flink's processes (RPC, blob server, REST, metrics) that a sidecar may not take. */
export const FLINK_PORTS = [6122, 6123, 6124, 8081, 9249];

/** Environment variables the platform, Flink or EKS set on the Flink container, and why. */
export const RESERVED_ENV: Record<string, string> = {
  ENABLE_BUILT_IN_PLUGINS: "the platform (the S3 filesystem plugin)",
  FLINK_CONF_DIR: "Flink (its configuration mount)",
  FLINK_PLUGINS_DIR: "Flink (its plugin folder)",
  FLINK_LOG_DIR: "Flink (its log folder)",
  FLINK_PROPERTIES: "the image's entrypoint (it would append to Flink's configuration)",
  _POD_IP_ADDRESS: "Flink (the JobManager's address)",
  _POD_NODE_ID: "Flink (the TaskManager's node)",
  AWS_ROLE_ARN: "EKS (IRSA: the namespace's state role)",
  AWS_WEB_IDENTITY_TOKEN_FILE: "EKS (IRSA: the namespace's state role)",
  AWS_ACCESS_KEY_ID: "the namespace's state credentials (IRSA on EKS, the store user in dev)",
  AWS_SECRET_ACCESS_KEY: "the namespace's state credentials (IRSA on EKS, the store user in dev)",
  AWS_SESSION_TOKEN: "the namespace's state credentials (IRSA on EKS, the store user in dev)",
};

/** Mount points Flink, the operator or Kubernetes use; a second mount there fails pod validation or hides theirs. */
const RESERVED_MOUNTS = [
  "/opt/flink/conf",
  "/opt/flink/artifacts",
  "/opt/flink/plugins",
  "/opt/flink/pod-template",
  "/var/run/secrets/kubernetes.io",
  "/var/run/secrets/eks.amazonaws.com",
];

/** Pod labels the platform and Flink select on. */
const RESERVED_LABEL = (key: string) =>
  ["app", "component", "type"].includes(key) ||
  key.startsWith("app.kubernetes.io/") ||
  key.startsWith("flink-platform/");

/** The priority classes Kubernetes keeps for its own components. */
const SYSTEM_PRIORITY = ["system-cluster-critical", "system-node-critical"];

/** Node labels the platform pins Flink pods with. */
const PLATFORM_NODE_LABELS = ["flink-platform/pool"];

type Level = { settings: PodSettingsConfig; path: PathSegment[]; jobManagerOnly: boolean };

/** Every level that holds pod settings, with its key path. */
function podLevels(stack: StackConfig): Level[] {
  const at = (settings: PodSettingsConfig | undefined, path: PathSegment[], jobManagerOnly = false) =>
    settings ? [{ settings, path, jobManagerOnly }] : [];
  return [
    ...at(stack.flink.pod, ["flink", "pod"]),
    ...at(stack.flink.jobManager.pod, ["flink", "jobManager", "pod"], true),
    ...at(stack.flink.taskManager.pod, ["flink", "taskManager", "pod"]),
    ...stack.namespaces.flatMap((ns, i) => [
      ...at(ns.pod, ["namespaces", i, "pod"]),
      ...(["jobs", "sessionClusters"] as const).flatMap((list) =>
        ns[list].flatMap((c, j) => [
          ...at(c.pod, ["namespaces", i, list, j, "pod"]),
          ...at(c.jobManager.pod, ["namespaces", i, list, j, "jobManager", "pod"], true),
          ...at(c.taskManager.pod, ["namespaces", i, list, j, "taskManager", "pod"]),
        ]),
      ),
    ]),
  ];
}

function underReserved(mountPath: string): string | undefined {
  return RESERVED_MOUNTS.find(
    (r) => mountPath === r || mountPath.startsWith(`${r}/`) || r.startsWith(`${mountPath}/`),
  );
}

function levelProblems({ settings: s, path, jobManagerOnly }: Level): Problem[] {
  const problems: Problem[] = [];
  const at = (...rest: PathSegment[]) => [...path, ...rest];
  const containers = [
    ...(s.sidecars ?? []).map((c, i) => ({ c, path: at("sidecars", i) })),
    ...(s.initContainers ?? []).map((c, i) => ({ c, path: at("initContainers", i) })),
  ];
  const seen = new Map<string, string>();
  for (const { c, path: p } of containers) {
    if (c.name === MAIN_CONTAINER) {
      problems.push(
        problem([...p, "name"], `"${MAIN_CONTAINER}" is Flink's own container; name yours differently`),
      );
    } else if (seen.has(c.name)) {
      problems.push(
        problem([...p, "name"], `duplicate container name "${c.name}" (also ${seen.get(c.name)})`),
      );
    }
    seen.set(c.name, p.slice(path.length).join("."));
    for (const [k, port] of ((c as { ports?: { containerPort: number }[] }).ports ?? []).entries()) {
      if (FLINK_PORTS.includes(port.containerPort)) {
        problems.push(
          problem(
            [...p, "ports", k, "containerPort"],
            `${port.containerPort} is Flink's (RPC 6122–6124, REST 8081, metrics 9249); the pod shares one network`,
          ),
        );
      }
    }
    problems.push(
      ...envProblems(c.env, [...p, "env"], false),
      ...mountProblems(c.volumeMounts, [...p, "volumeMounts"]),
    );
  }
  problems.push(...envProblems(s.env, at("env"), true), ...mountProblems(s.volumeMounts, at("volumeMounts")));
  const volumes = new Set<string>();
  (s.volumes ?? []).forEach((v, i) => {
    if (volumes.has(v.name))
      problems.push(problem(at("volumes", i, "name"), `duplicate volume name "${v.name}"`));
    volumes.add(v.name);
    if (v.persistentVolumeClaim && !jobManagerOnly) {
      problems.push(
        problem(
          at("volumes", i, "persistentVolumeClaim"),
          "PVC volumes are for the JobManager only: set them under jobManager.pod (TaskManagers come and go with rescaling)",
        ),
      );
    }
  });
  for (const key of Object.keys(s.labels ?? {})) {
    if (RESERVED_LABEL(key)) {
      problems.push(
        problem(
          at("labels", key),
          `"${key}" is set by the platform, Flink or the operator, which select pods by it`,
        ),
      );
    }
  }
  for (const key of Object.keys(s.nodeSelector ?? {})) {
    if (PLATFORM_NODE_LABELS.includes(key)) {
      problems.push(
        problem(
          at("nodeSelector", key),
          `"${key}" is the platform's: Flink pods always run on the Flink pool`,
        ),
      );
    }
  }
  if (s.priorityClassName && SYSTEM_PRIORITY.includes(s.priorityClassName)) {
    problems.push(
      problem(at("priorityClassName"), `"${s.priorityClassName}" is reserved for Kubernetes' own components`),
    );
  }
  return problems;
}

function envProblems(env: PodSettingsConfig["env"], path: PathSegment[], flinkContainer: boolean): Problem[] {
  return (env ?? []).flatMap((e, i) => {
    const problems: Problem[] = [];
    if (flinkContainer && RESERVED_ENV[e.name]) {
      problems.push(problem([...path, i, "name"], `"${e.name}" is set by ${RESERVED_ENV[e.name]}`));
    }
    if (e.value !== undefined && CREDENTIAL.test(e.name)) {
      problems.push(
        problem(
          [...path, i, "value"],
          `"${e.name}" looks like a credential: a plain value would be stored in the FlinkDeployment; use secretKeyRef`,
        ),
      );
    }
    return problems;
  });
}

function mountProblems(mounts: PodSettingsConfig["volumeMounts"], path: PathSegment[]): Problem[] {
  return (mounts ?? []).flatMap((m, i) => {
    const reserved = underReserved(m.mountPath);
    return reserved
      ? [
          problem(
            [...path, i, "mountPath"],
            `${m.mountPath} collides with ${reserved}, which Flink, the operator or Kubernetes mount`,
          ),
        ]
      : [];
  });
}

/** Checks of one process's merged settings: references across levels. */
function processProblems(p: ProcessSpec, path: PathSegment[]): Problem[] {
  const volumes = new Set(p.pod.volumes.map((v) => v.name));
  const mounts = [
    ...p.pod.volumeMounts.map((m) => ({ m, owner: MAIN_CONTAINER })),
    ...[...p.pod.sidecars, ...p.pod.initContainers].flatMap((c) =>
      (c.volumeMounts ?? []).map((m) => ({ m, owner: c.name })),
    ),
  ];
  return mounts
    .filter(({ m }) => !volumes.has(m.name))
    .map(({ m, owner }) =>
      problem(
        path,
        `container "${owner}" mounts volume "${m.name}", which no pod settings level declares` +
          ` (declared: ${[...volumes].join(", ") || "none"})`,
      ),
    );
}

export function podSettingsProblems(stack: StackConfig): Problem[] {
  return podLevels(stack).flatMap(levelProblems);
}

export function mergedPodProblems(model: PlatformModel): Problem[] {
  return model.namespaces.flatMap((ns) =>
    ns.flinkClusters.flatMap((c) => [
      ...processProblems(c.jobManager, [...c.path, "jobManager"]),
      ...processProblems(c.taskManager, [...c.path, "taskManager"]),
      ...(c.jobManager.pod.imagePullPolicy !== c.taskManager.pod.imagePullPolicy
        ? [
            problem(
              [...c.path, "pod", "imagePullPolicy"],
              "applies to the whole cluster (the operator sets one pull policy for every Flink pod): set it at the cluster level, not per process",
            ),
          ]
        : []),
    ]),
  );
}
