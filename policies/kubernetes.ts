/** Policies over Kubernetes objects, Flink resources and Helm release values. */
import { parseFlinkMemory, parseQuantity } from "./quantities";
import { EXTERNAL_SERVICE_ANNOTATION, POD_SECURITY_REASON_ANNOTATION } from "./annotations";
import {
  containersOf,
  HELM_RELEASE,
  isKind,
  kindOf,
  PolicyResource,
  podSpecsOf,
  ResourcePolicy,
  StackPolicy,
  ValuesObject,
  valuesWalk,
} from "./model";

const flinkProcesses = ["jobManager", "taskManager"] as const;

function flinkMemoryBytes(value: unknown): number | undefined {
  return parseFlinkMemory(value) ?? parseQuantity(value);
}

const GiB = 2 ** 30;
const formatBytes = (b: number) => (b % GiB === 0 ? `${b / GiB}Gi` : `${Math.round(b / 2 ** 20)}Mi`);

function flinkConf(r: PolicyResource): Record<string, string> {
  return r.props.spec?.flinkConfiguration ?? {};
}

/** A resources block (`{requests, limits}`) anywhere in a release's values, with its path. */
function valuesResources(
  r: PolicyResource,
): { path: string; requests: ValuesObject; limits: ValuesObject }[] {
  if (r.type !== HELM_RELEASE) return [];
  const found: { path: string; requests: ValuesObject; limits: ValuesObject }[] = [];
  valuesWalk(r.props.values, (path, v) => {
    const res = v.resources;
    if (res && typeof res === "object" && !Array.isArray(res) && (res.requests || res.limits)) {
      found.push({
        path: path ? `values.${path}.resources` : "values.resources",
        requests: res.requests ?? {},
        limits: res.limits ?? {},
      });
    }
  });
  return found;
}

export const containerResources: ResourcePolicy = {
  kind: "resource",
  name: "container-resources",
  description: "Every container and Flink process has CPU and memory requests and a memory limit.",
  rationale:
    "Without requests the scheduler packs pods blindly and quotas cannot account for them; without a memory limit one pod can starve a node.",
  check(r) {
    const problems: string[] = [];
    for (const { label, container, flinkMain } of containersOf(r)) {
      if (flinkMain && !container.resources) continue;
      const req = container.resources?.requests ?? {};
      const lim = container.resources?.limits ?? {};
      const missing = [
        req.cpu === undefined ? "requests.cpu" : "",
        req.memory === undefined ? "requests.memory" : "",
        lim.memory === undefined ? "limits.memory" : "",
      ].filter(Boolean);
      if (missing.length) problems.push(`${label} has no ${missing.join(", ")}`);
    }
    if (isKind(r, "FlinkDeployment")) {
      for (const process of flinkProcesses) {
        const resource = r.props.spec?.[process]?.resource ?? {};
        if (resource.cpu === undefined || resource.memory === undefined) {
          problems.push(`${process}.resource must set cpu and memory`);
        }
      }
    }
    return problems;
  },
};

export const limitsEqualRequests: ResourcePolicy = {
  kind: "resource",
  name: "memory-limit-equals-request",
  description: "Memory limits equal memory requests; Flink's memory and CPU limit factors stay at 1.",
  rationale:
    "Flink sizes its heap, managed and network memory from the process size; memory above the request is not guaranteed and gets a JVM OOM-killed under node pressure. A CPU limit factor above 1 lets a job take CPU its quota never accounted for.",
  check(r) {
    const problems: string[] = [];
    for (const { label, container } of containersOf(r)) {
      const req = parseQuantity(container.resources?.requests?.memory);
      const lim = parseQuantity(container.resources?.limits?.memory);
      if (req !== undefined && lim !== undefined && req !== lim) {
        problems.push(
          `${label} has memory limit ${container.resources!.limits!.memory} ≠ request ${container.resources!.requests!.memory}`,
        );
      }
    }
    if (isKind(r, "FlinkDeployment")) {
      for (const process of ["jobmanager", "taskmanager"]) {
        for (const resource of ["memory", "cpu"]) {
          const key = `kubernetes.${process}.${resource}.limit-factor`;
          const factor = flinkConf(r)[key];
          if (factor !== undefined && Number(factor) !== 1)
            problems.push(`${key} is ${factor}; it must be 1`);
        }
      }
    }
    return problems;
  },
};

export const resourceCaps: ResourcePolicy = {
  kind: "resource",
  name: "resource-caps",
  settings: ["maxContainerCpu", "maxContainerMemory", "maxTaskManagers", "maxParallelism"],
  description:
    "Containers, Flink processes and chart components (Helm values) stay within the CPU and memory caps; jobs within the TaskManager and parallelism caps.",
  rationale:
    "A typo (`parallelism: 4000`, `memory: 400g`, Prometheus at 200 cores) should be stopped at preview, not discovered as a bill or as pods that can never be scheduled.",
  check(r, s) {
    const maxMemory = parseQuantity(s.maxContainerMemory) ?? Infinity;
    const problems: string[] = [];
    const cap = (label: string, cpu: unknown, memoryBytes: number | undefined) => {
      const c = parseQuantity(cpu);
      if (c !== undefined && c > s.maxContainerCpu)
        problems.push(`${label} asks for ${c} cpu, above the cap of ${s.maxContainerCpu}`);
      if (memoryBytes !== undefined && memoryBytes > maxMemory) {
        problems.push(
          `${label} asks for ${formatBytes(memoryBytes)} memory, above the cap of ${s.maxContainerMemory}`,
        );
      }
    };
    for (const { label, container } of containersOf(r)) {
      cap(label, container.resources?.requests?.cpu, parseQuantity(container.resources?.requests?.memory));
      cap(label, container.resources?.limits?.cpu, parseQuantity(container.resources?.limits?.memory));
    }
    for (const { path, requests, limits } of valuesResources(r)) {
      cap(path, requests.cpu, parseQuantity(requests.memory));
      cap(path, limits.cpu, parseQuantity(limits.memory));
    }
    const spec = r.props.spec ?? {};
    if (isKind(r, "FlinkDeployment")) {
      for (const process of flinkProcesses) {
        cap(process, spec[process]?.resource?.cpu, flinkMemoryBytes(spec[process]?.resource?.memory));
      }
      const slots = Number(spec.flinkConfiguration?.["taskmanager.numberOfTaskSlots"] ?? 1);
      const replicas =
        spec.taskManager?.replicas ??
        (spec.job?.parallelism ? Math.ceil(spec.job.parallelism / slots) : undefined);
      if (replicas !== undefined && replicas > s.maxTaskManagers) {
        problems.push(`${replicas} TaskManagers, above the cap of ${s.maxTaskManagers}`);
      }
    }
    if (isKind(r, "FlinkDeployment") || isKind(r, "FlinkSessionJob")) {
      const parallelism = spec.job?.parallelism;
      if (parallelism !== undefined && parallelism > s.maxParallelism) {
        problems.push(`parallelism ${parallelism}, above the cap of ${s.maxParallelism}`);
      }
      const ceiling = Number(spec.flinkConfiguration?.["job.autoscaler.vertex.max-parallelism"]);
      if (Number.isFinite(ceiling) && ceiling > s.maxParallelism) {
        problems.push(`autoscaler max parallelism ${ceiling}, above the cap of ${s.maxParallelism}`);
      }
    }
    return problems;
  },
};

export const namespaceGuards: StackPolicy = {
  kind: "stack",
  name: "namespace-quota-and-limits",
  description: "Every namespace with Flink workloads has a ResourceQuota (CPU and memory) and a LimitRange.",
  rationale:
    "The quota is what stops one team's job from taking the cluster; the LimitRange gives defaults and maxima to anything created by hand.",
  check(resources) {
    const problems: { resource: string; message: string }[] = [];
    for (const ns of flinkNamespaces(resources)) {
      const quotas = inNamespace(resources, "ResourceQuota", ns);
      const hard = Object.assign({}, ...quotas.map((q) => q.props.spec?.hard ?? {}));
      const missing = ["requests.cpu", "requests.memory", "limits.memory"].filter(
        (k) => hard[k] === undefined,
      );
      if (quotas.length === 0)
        problems.push({
          resource: `namespace/${ns}`,
          message: `namespace "${ns}" runs Flink but has no ResourceQuota`,
        });
      else if (missing.length)
        problems.push({
          resource: `namespace/${ns}`,
          message: `the ResourceQuota of "${ns}" does not limit ${missing.join(", ")}`,
        });
      if (inNamespace(resources, "LimitRange", ns).length === 0) {
        problems.push({
          resource: `namespace/${ns}`,
          message: `namespace "${ns}" runs Flink but has no LimitRange`,
        });
      }
    }
    return problems;
  },
};

function flinkNamespaces(resources: PolicyResource[]): string[] {
  return [
    ...new Set(
      resources
        .filter((r) => isKind(r, "FlinkDeployment") || isKind(r, "FlinkSessionJob"))
        .map((r) => r.props.metadata?.namespace)
        .filter((ns): ns is string => typeof ns === "string"),
    ),
  ].sort();
}

function inNamespace(resources: PolicyResource[], kind: string, ns: string): PolicyResource[] {
  return resources.filter((r) => isKind(r, kind) && r.props.metadata?.namespace === ns);
}

/** Host access anywhere in a Helm release's values (a chart override that re-enables it). */
function valuesHostAccess(r: PolicyResource): string[] {
  if (r.type !== HELM_RELEASE) return [];
  const problems: string[] = [];
  valuesWalk(r.props.values, (path, v) => {
    const at = path ? `values.${path}` : "values";
    for (const key of ["hostNetwork", "hostPID", "hostIPC"])
      if (v[key] === true) problems.push(`${at}.${key} is true`);
    if (v.privileged === true) problems.push(`${at}.privileged is true`);
    if (v.allowPrivilegeEscalation === true) problems.push(`${at}.allowPrivilegeEscalation is true`);
    if (v.hostPath !== undefined) problems.push(`${at} mounts a hostPath`);
  });
  return problems;
}

export const podSecurity: ResourcePolicy = {
  kind: "resource",
  name: "pod-security",
  description:
    "No pod runs privileged, on the host's network, PID or IPC namespace, with a hostPath volume, as root, or allowed to escalate privileges (manifests, Flink pod templates, Helm values).",
  rationale:
    "Any of these hands a container the node: its network, its processes, its files, or a path to root. Flink, the operator and the platform need none of them.",
  check(r) {
    const problems: string[] = [];
    for (const { where, spec } of podSpecsOf(r)) {
      for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (spec[key]) problems.push(`${where}: ${key} is true`);
      }
      for (const v of spec.volumes ?? []) {
        if ("hostPath" in v) problems.push(`${where}: volume "${String(v.name)}" is a hostPath`);
      }
      if (spec.securityContext?.runAsUser === 0) problems.push(`${where}: runs as root (runAsUser 0)`);
    }
    for (const { label, container } of containersOf(r)) {
      const sc = container.securityContext ?? {};
      if (sc.privileged === true) problems.push(`${label} is privileged`);
      if (sc.allowPrivilegeEscalation === true) problems.push(`${label} allows privilege escalation`);
      if (sc.runAsUser === 0) problems.push(`${label} runs as root (runAsUser 0)`);
      if ((container.ports ?? []).some((p) => p.hostPort)) problems.push(`${label} binds a host port`);
    }
    if (
      isKind(r, "FlinkDeployment") &&
      flinkConf(r)["kubernetes.hostnetwork.enabled"]?.toLowerCase() === "true"
    ) {
      problems.push("kubernetes.hostnetwork.enabled is true");
    }
    return [...problems, ...valuesHostAccess(r)];
  },
};

export const namespacePodSecurity: ResourcePolicy = {
  kind: "resource",
  name: "namespace-pod-security",
  description:
    "Every namespace enforces a Pod Security level: restricted, or baseline/privileged with the reason in the `flink-platform/pod-security-reason` annotation.",
  rationale:
    "Without an enforce label the API server admits any pod; the platform's own pods all meet restricted, so anything less must say which component needs it and why.",
  check(r) {
    if (!isKind(r, "Namespace")) return [];
    const level = r.props.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    const reason = r.props.metadata?.annotations?.[POD_SECURITY_REASON_ANNOTATION];
    if (level === undefined) return ["enforces no Pod Security level (pod-security.kubernetes.io/enforce)"];
    if (level === "restricted") return [];
    return reason
      ? []
      : [`enforces only "${level}" without a ${POD_SECURITY_REASON_ANNOTATION} annotation saying why`];
  },
};

export const noPublicServices: ResourcePolicy = {
  kind: "resource",
  name: "no-external-services",
  description:
    "No Service of type LoadBalancer or NodePort (manifests, Helm values, Flink's REST service) unless approved with the `flink-platform/external-access-approved` annotation.",
  rationale:
    "Flink's REST API can submit and cancel jobs, and dashboards show internal data: reaching them goes through port-forward or an approved ingress, never a node port or a load balancer by accident.",
  check(r) {
    const external = (type: unknown) => type === "LoadBalancer" || type === "NodePort";
    if (isKind(r, "Service") && external(r.props.spec?.type)) {
      return r.props.metadata?.annotations?.[EXTERNAL_SERVICE_ANNOTATION]
        ? []
        : [`is of type ${r.props.spec.type} without the ${EXTERNAL_SERVICE_ANNOTATION} annotation`];
    }
    if (isKind(r, "FlinkDeployment")) {
      const type = flinkConf(r)["kubernetes.rest-service.exposed.type"];
      return external(type) ? [`exposes Flink's REST API as ${type}`] : [];
    }
    if (r.type === HELM_RELEASE) {
      const problems: string[] = [];
      valuesWalk(r.props.values, (path, v) => {
        if (external(v.type) && /service/i.test(path)) problems.push(`values.${path}.type is ${v.type}`);
      });
      return problems;
    }
    return [];
  },
};

export const namespaceDefaultDeny: StackPolicy = {
  kind: "stack",
  name: "namespace-default-deny",
  description:
    "Every namespace the stack creates or runs Flink in has a default-deny NetworkPolicy (ingress and egress); other policies open single flows.",
  rationale:
    "Jobs run user code with credentials for the namespace's state, and platform namespaces hold Alertmanager, webhooks and HA data: without a default deny every pod can reach them, and they can reach everything.",
  check(resources) {
    const created = resources
      .filter((r) => isKind(r, "Namespace"))
      .map((r) => r.props.metadata?.name)
      .filter((ns): ns is string => typeof ns === "string");
    const namespaces = [...new Set([...created, ...flinkNamespaces(resources)])].sort();
    return namespaces.flatMap((ns) => {
      const denyAll = inNamespace(resources, "NetworkPolicy", ns).some((p) => {
        const spec = p.props.spec ?? {};
        const types: string[] = spec.policyTypes ?? [];
        return (
          Object.keys(spec.podSelector ?? {}).length === 0 &&
          types.includes("Ingress") &&
          types.includes("Egress") &&
          !(spec.ingress ?? []).length &&
          !(spec.egress ?? []).length
        );
      });
      return denyAll
        ? []
        : [{ resource: `namespace/${ns}`, message: `namespace "${ns}" has no default-deny NetworkPolicy` }];
    });
  },
};

/** TaskManagers an autoscaled FlinkDeployment may grow to, and what they would ask for. */
function autoscalerCeiling(r: PolicyResource): { replicas: number; cpu: number; memory: number } | undefined {
  const conf = flinkConf(r);
  const spec = r.props.spec ?? {};
  if (conf["job.autoscaler.enabled"]?.toLowerCase() !== "true") return undefined;
  const ceiling = Number(conf["job.autoscaler.vertex.max-parallelism"]);
  const slots = Number(conf["taskmanager.numberOfTaskSlots"] ?? 1);
  const cpu = parseQuantity(spec.taskManager?.resource?.cpu);
  const memory = flinkMemoryBytes(spec.taskManager?.resource?.memory);
  if (!Number.isFinite(ceiling) || cpu === undefined || memory === undefined) return undefined;
  return { replicas: Math.ceil(ceiling / slots), cpu, memory };
}

export const flinkAutoscalerWithinQuota: StackPolicy = {
  kind: "stack",
  name: "flink-autoscaler-within-quota",
  description:
    "An autoscaled job's ceiling (max parallelism ÷ slots TaskManagers, plus its JobManagers) fits its namespace's ResourceQuota.",
  rationale:
    "The operator's autoscaler scales up to the ceiling it is given; a ceiling beyond the quota ends with TaskManagers the quota refuses and a job stuck mid-rescale.",
  check(resources) {
    const problems: { resource: string; message: string }[] = [];
    for (const r of resources.filter((x) => isKind(x, "FlinkDeployment"))) {
      const ceiling = autoscalerCeiling(r);
      const ns = r.props.metadata?.namespace;
      if (!ceiling || !ns) continue;
      const hard = Object.assign(
        {},
        ...inNamespace(resources, "ResourceQuota", ns).map((q) => q.props.spec?.hard ?? {}),
      );
      const jm = r.props.spec?.jobManager ?? {};
      const jmReplicas = Number(jm.replicas ?? 1);
      const cpu = ceiling.replicas * ceiling.cpu + jmReplicas * (parseQuantity(jm.resource?.cpu) ?? 0);
      const memory =
        ceiling.replicas * ceiling.memory + jmReplicas * (flinkMemoryBytes(jm.resource?.memory) ?? 0);
      const quotaCpu = parseQuantity(hard["requests.cpu"]);
      const quotaMemory = parseQuantity(hard["requests.memory"]);
      const over = [
        quotaCpu !== undefined && cpu > quotaCpu ? `cpu ${cpu} > ${quotaCpu}` : "",
        quotaMemory !== undefined && memory > quotaMemory
          ? `memory ${formatBytes(memory)} > ${formatBytes(quotaMemory)}`
          : "",
      ].filter(Boolean);
      if (over.length) {
        problems.push({
          resource: `${r.type}::${r.name}`,
          message: `its autoscaler may grow to ${ceiling.replicas} TaskManagers, beyond the quota of namespace "${ns}" (${over.join(", ")})`,
        });
      }
    }
    return problems;
  },
};

export const jarUrisSecure: ResourcePolicy = {
  kind: "resource",
  name: "jar-uris-secure",
  description:
    "Job jars come from the image (`local://`), S3 (`s3://`) or `https://`, never plain `http://`.",
  rationale:
    "A jar fetched without TLS can be replaced in transit: the job would run someone else's code with the namespace's credentials.",
  check(r) {
    if (!isKind(r, "FlinkDeployment") && !isKind(r, "FlinkSessionJob")) return [];
    const uri = r.props.spec?.job?.jarURI;
    return typeof uri === "string" && /^http:/i.test(uri) ? [`jarURI ${uri} is fetched without TLS`] : [];
  },
};

/** Every Kubernetes kind these policies read pods from (for the tests' coverage check). */
export const POD_KINDS = [
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "CronJob",
  "FlinkDeployment",
];
export { kindOf };

/** Flink's ports (RPC 6122–6124, REST 8081, metrics 9249) and the mounts Flink and the operator own. */
const FLINK_OWNED_PORTS = [6122, 6123, 6124, 8081, 9249];
const FLINK_OWNED_MOUNTS = [
  "/opt/flink/conf",
  "/opt/flink/artifacts",
  "/opt/flink/plugins",
  "/opt/flink/pod-template",
];
const CREDENTIAL_NAME =
  /(password|passwd|secret|token|credential|access[-_.]?key|private[-_.]?key|api[-_.]?key)/i;

export const flinkPodTemplatesPlatformOwned: ResourcePolicy = {
  kind: "resource",
  name: "flink-pod-templates-platform-owned",
  description:
    "FlinkDeployment pod templates leave Flink's and the platform's parts alone: no service account, no sidecar on Flink's ports, no mount over Flink's configuration, plugins or artifacts, no credential in a plain env value.",
  rationale:
    "The operator and Flink merge these templates with their own: a second container on 8081 or a mount over /opt/flink/conf breaks the JobManager, another service account escapes the namespace's IAM role, and a plain password ends up in the custom resource for anyone who can read it.",
  check(r) {
    if (!isKind(r, "FlinkDeployment")) return [];
    return podSpecsOf(r).flatMap(({ where, spec }) => {
      const problems: string[] = [];
      const s = spec as Record<string, unknown>;
      if (s.serviceAccountName || s.serviceAccount) problems.push(`${where} sets its own service account`);
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as ValuesObject[]) {
        const label = `container "${c.name}" (${where})`;
        if (c.name !== "flink-main-container") {
          for (const p of c.ports ?? []) {
            if (FLINK_OWNED_PORTS.includes(p.containerPort))
              problems.push(`${label} listens on Flink's port ${p.containerPort}`);
          }
        }
        for (const m of c.volumeMounts ?? []) {
          const owned = FLINK_OWNED_MOUNTS.find(
            (o) => m.mountPath === o || String(m.mountPath).startsWith(`${o}/`),
          );
          if (owned) problems.push(`${label} mounts over ${owned}`);
        }
        for (const e of c.env ?? []) {
          if (e.value !== undefined && CREDENTIAL_NAME.test(e.name)) {
            problems.push(
              `${label} has a plain value for ${e.name}: reference a Secret (valueFrom.secretKeyRef)`,
            );
          }
        }
      }
      return problems;
    });
  },
};
