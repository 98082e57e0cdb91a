/**
 * Kubernetes Pod Security Standards ("baseline" and "restricted", as Pod Security Admission
 * enforces them, Kubernetes 1.33/1.34), evaluated over a pod spec. Pure: the tests run every
 * pod the stack creates through it, Helm charts' pods included, against the level its
 * namespace enforces; preview checks can refuse a pod template that would be rejected.
 * Each violation names the field path and the rule, in the admission controller's terms.
 */

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string };
  procMount?: string;
  seLinuxOptions?: { type?: string; user?: string; role?: string };
  appArmorProfile?: { type?: string };
}

interface Container {
  name?: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
}

export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: SecurityContext & { sysctls?: { name: string }[] };
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Record<string, unknown>[];
}

/** Capabilities baseline lets a container add (the default set of container runtimes). */
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);

/** Volume types restricted allows; every other volume source is refused. */
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

function allContainers(spec: PodSpecLike): { path: string; c: Container }[] {
  return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((field) =>
    (spec[field] ?? []).map((c, i) => ({ path: `${field}[${i}]${c.name ? ` (${c.name})` : ""}`, c })),
  );
}

function baseline(spec: PodSpecLike): string[] {
  const out: string[] = [];
  for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (spec[field]) out.push(`${field}: host namespaces are not allowed`);
  }
  for (const v of spec.volumes ?? []) {
    if ("hostPath" in v) out.push(`volumes (${String(v.name)}): hostPath volumes are not allowed`);
  }
  for (const s of spec.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(s.name)) out.push(`securityContext.sysctls: ${s.name} is not a safe sysctl`);
  }
  const contexts = [
    { path: "securityContext", sc: spec.securityContext },
    ...allContainers(spec).map(({ path, c }) => ({ path: `${path}.securityContext`, sc: c.securityContext })),
  ];
  for (const { path, sc } of contexts) {
    if (sc?.seccompProfile?.type === "Unconfined")
      out.push(`${path}.seccompProfile: Unconfined is not allowed`);
    if (sc?.appArmorProfile?.type === "Unconfined")
      out.push(`${path}.appArmorProfile: Unconfined is not allowed`);
    const se = sc?.seLinuxOptions;
    if (se?.user || se?.role) out.push(`${path}.seLinuxOptions: user and role must not be set`);
    if (
      se?.type &&
      !["container_t", "container_init_t", "container_kvm_t", "container_engine_t"].includes(se.type)
    ) {
      out.push(`${path}.seLinuxOptions.type: ${se.type} is not allowed`);
    }
  }
  for (const { path, c } of allContainers(spec)) {
    const sc = c.securityContext;
    if (sc?.privileged) out.push(`${path}: privileged containers are not allowed`);
    for (const cap of sc?.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`${path}: adding capability ${cap} is not allowed`);
    }
    if (sc?.procMount && sc.procMount !== "Default") out.push(`${path}: procMount must be Default`);
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push(`${path}: hostPort ${p.hostPort} is not allowed`);
    }
  }
  return out;
}

function restricted(spec: PodSpecLike): string[] {
  const out: string[] = [];
  for (const v of spec.volumes ?? []) {
    const source = Object.keys(v).find((k) => k !== "name");
    if (source && !RESTRICTED_VOLUMES.has(source)) {
      out.push(`volumes (${String(v.name)}): ${source} volumes are not allowed`);
    }
  }
  const pod = spec.securityContext ?? {};
  if (pod.runAsUser === 0) out.push("securityContext.runAsUser: must not be 0");
  for (const { path, c } of allContainers(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${path}: allowPrivilegeEscalation must be false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) {
      out.push(`${path}: runAsNonRoot must be true (on the pod or the container)`);
    }
    if (sc.runAsUser === 0) out.push(`${path}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
      out.push(
        `${path}: seccompProfile.type must be RuntimeDefault or Localhost (on the pod or the container)`,
      );
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL"))
      out.push(`${path}: capabilities.drop must include ALL`);
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap !== "NET_BIND_SERVICE") out.push(`${path}: only NET_BIND_SERVICE may be added (not ${cap})`);
    }
  }
  return out;
}

/** What admission at `level` would refuse in this pod spec; empty when it is admitted. */
export function podSecurityViolations(spec: PodSpecLike, level: PodSecurityLevel): string[] {
  if (level === "privileged") return [];
  return level === "baseline" ? baseline(spec) : [...baseline(spec), ...restricted(spec)];
}
