/**
 * What the policies read: resources as the engine hands them to a policy pack (type, name,
 * inputs, and the options it knows), the pack's settings, and helpers that find every pod spec,
 * container, image and IAM statement a resource carries. The pack is self-contained (it is run,
 * and can be published, on its own), so it reads quantities itself (quantities.ts).
 *
 * Values still unknown during a preview (ids, ARNs, JSON built from outputs) arrive as
 * `undefined`; a policy only fails on what is known to be wrong.
 */

export interface PolicyResource {
  type: string;
  name: string;
  /** The parent component's name, when there is one. */
  parent?: string | null;
  props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resource options, where the caller knows them (`pulumi preview` hands the pack `protect`). */
  opts?: { protect?: boolean; retainOnDelete?: boolean };
}

/** Limits and lists from the policy config file (`config/<tier>.json`). */
export interface PolicySettings {
  maxContainerCpu: number;
  /** A Kubernetes quantity, e.g. `32Gi`. */
  maxContainerMemory: string;
  maxTaskManagers: number;
  maxParallelism: number;
  /** Image name prefixes images may come from (`docker.io/library/`, `docker.io/apache/`...). */
  allowedRegistries: string[];
  /** Images allowed without a digest where digests are required (each with a reason in the config). */
  digestExemptImages: string[];
}

export const DEFAULT_SETTINGS: PolicySettings = {
  maxContainerCpu: 8,
  maxContainerMemory: "32Gi",
  maxTaskManagers: 50,
  maxParallelism: 512,
  allowedRegistries: [
    "docker.io/library/",
    "docker.io/apache/",
    "docker.io/minio/",
    "quay.io/",
    "registry.k8s.io/",
    "public.ecr.aws/",
  ],
  digestExemptImages: [],
};

interface PolicyBase {
  name: string;
  description: string;
  /** Why the platform insists: shown in the policy table of docs/governance.md. */
  rationale: string;
  /** Policies that only make sense in production are disabled in the development config. */
  productionOnly?: boolean;
  /** Settings this policy reads (the pack's config schema for it). */
  settings?: (keyof PolicySettings)[];
}

export interface ResourcePolicy extends PolicyBase {
  kind: "resource";
  check(resource: PolicyResource, settings: PolicySettings): string[];
}

export interface StackPolicy extends PolicyBase {
  kind: "stack";
  check(resources: PolicyResource[], settings: PolicySettings): { resource: string; message: string }[];
}

export type PlatformPolicy = ResourcePolicy | StackPolicy;

// ---------------------------------------------------------------------------------------------
// Kubernetes objects

/** `kubernetes:apps/v1:Deployment` → `Deployment`; undefined for non-Kubernetes types. */
export function kindOf(type: string): string | undefined {
  const [pkg, , kind] = type.split(":");
  return pkg === "kubernetes" ? kind : undefined;
}

export function isKind(r: PolicyResource, kind: string): boolean {
  return kindOf(r.type) === kind;
}

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  ports?: { hostPort?: number }[];
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  volumes?: Record<string, unknown>[];
}

/** Every pod spec a resource carries, with where it is declared. */
export function podSpecsOf(r: PolicyResource): { where: string; spec: PodSpec }[] {
  const p = r.props;
  switch (kindOf(r.type)) {
    case "Pod":
      return [{ where: "pod", spec: p.spec ?? {} }];
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return [{ where: "pod template", spec: p.spec?.template?.spec ?? {} }];
    case "CronJob":
      return [{ where: "pod template", spec: p.spec?.jobTemplate?.spec?.template?.spec ?? {} }];
    case "FlinkDeployment":
      return [
        ["podTemplate", p.spec?.podTemplate],
        ["jobManager.podTemplate", p.spec?.jobManager?.podTemplate],
        ["taskManager.podTemplate", p.spec?.taskManager?.podTemplate],
      ]
        .filter(([, t]) => t?.spec)
        .map(([where, t]) => ({ where: where as string, spec: t.spec }));
    default:
      return [];
  }
}

/** Every container with where it is declared. Flink's main container takes its resources from the CR. */
export function containersOf(
  r: PolicyResource,
): { label: string; container: Container; flinkMain: boolean }[] {
  const flink = isKind(r, "FlinkDeployment");
  return podSpecsOf(r).flatMap(({ where, spec }) =>
    [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((container) => ({
      label: `container "${container.name ?? "?"}" (${where})`,
      container,
      flinkMain: flink && container.name === "flink-main-container",
    })),
  );
}

/** An object inside chart values: charts give them any shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ValuesObject = Record<string, any>;

/**
 * Every object under a Helm release's values, with its dotted path: charts take resources,
 * security contexts, host settings and images in many shapes, so the policies walk them all.
 */
export function valuesWalk(values: unknown, visit: (path: string, value: ValuesObject) => void): void {
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === "object") {
      visit(path, v as Record<string, unknown>);
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(values, "");
}

// ---------------------------------------------------------------------------------------------
// IAM documents

export interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(policy: unknown): Statement[] | undefined {
  let doc = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  const statements = (doc as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  if (statements === undefined) return undefined;
  return Array.isArray(statements) ? statements : [statements];
}

export const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
