/**
 * Rules that span several keys: uniqueness, references, sizes that must agree, and what
 * production refuses. Each returns problems; none throws.
 */
import { EksClusterConfig, StackConfig } from "./schema";
import { Problem, PathSegment, problem } from "./problems";
import { addressesCovered, cidrRange, IPV4_ADDRESSES } from "./cidrs";
import { INSTANCE_FAMILIES } from "../components/cluster/instanceCatalog";
import { defaultBucketPrefix, MAX_BUCKET_NAME, stateBucketName } from "./names";

/** Namespaces the platform or Kubernetes own: never a team namespace. */
export const RESERVED_NAMESPACES = [
  "default",
  "flink-operator",
  "flink-ha",
  "flink-storage",
  "monitoring",
  "cert-manager",
  "logging",
  "node-exporter",
];

export function crossFieldProblems(stack: StackConfig, secretKeys: ReadonlySet<string>): Problem[] {
  return [
    ...uniqueNames(stack.namespaces, ["namespaces"], "namespace"),
    ...stack.namespaces.flatMap((ns, i) =>
      RESERVED_NAMESPACES.includes(ns.name) || ns.name.startsWith("kube-")
        ? [
            problem(
              ["namespaces", i, "name"],
              `"${ns.name}" is reserved (Kubernetes' kube-* and default, and the platform's ${RESERVED_NAMESPACES.slice(1).join(", ")}); choose a team name`,
            ),
          ]
        : [],
    ),
    ...derivedNameProblems(stack),
    ...productionOverrides(stack),
    ...stack.namespaces.flatMap((ns, i) => namespaceProblems(stack, ns, ["namespaces", i])),
    ...clusterProblems(stack),
    ...haProblems(stack),
    ...loggingProblems(stack),
    ...uniqueNames(stack.monitoring.receivers, ["monitoring", "receivers"], "receiver"),
    ...stack.monitoring.receivers.flatMap((r, i) =>
      secretKeys.has(r.secretKey)
        ? []
        : [
            problem(
              ["monitoring", "receivers", i, "secretKey"],
              `no secret config key "${r.secretKey}": set it with ` +
                `\`pulumi config set --secret flink-platform:${r.secretKey} <url>\``,
            ),
          ],
    ),
  ];
}

function loggingDestination(stack: StackConfig) {
  return stack.logging.destination ?? (stack.cluster.provider === "eks" ? "cloudwatch" : "none");
}

/** Where logs go must be reachable: CloudWatch from EKS only, Loki and OpenSearch at an endpoint. */
function loggingProblems(stack: StackConfig): Problem[] {
  const destination = loggingDestination(stack);
  const path = ["logging", "destination"];
  if (destination === "cloudwatch" && stack.cluster.provider !== "eks") {
    return [
      problem(
        path,
        'CloudWatch Logs needs an EKS cluster (its IRSA role); use "loki", "opensearch" or "none"',
      ),
    ];
  }
  if ((destination === "loki" || destination === "opensearch") && !stack.logging.endpoint) {
    return [problem(["logging", "endpoint"], `"${destination}" needs logging.endpoint (host, port)`)];
  }
  if (stack.logging.endpoint && (destination === "cloudwatch" || destination === "none")) {
    return [problem(["logging", "endpoint"], `is only used with destination "loki" or "opensearch"`)];
  }
  return [];
}

/** Names built from config must stay within what AWS accepts. */
function derivedNameProblems(stack: StackConfig): Problem[] {
  if (stack.cluster.provider !== "eks") return [];
  const prefix =
    stack.storage.bucketPrefix ?? defaultBucketPrefix(stack.environment.name, stack.cluster.region);
  return stack.namespaces.flatMap((ns, i) => {
    const bucket = stateBucketName(prefix, ns.name);
    return bucket.length > MAX_BUCKET_NAME
      ? [
          problem(
            ["namespaces", i, "name"],
            `its state bucket "${bucket}" would be ${bucket.length} characters, over S3's ${MAX_BUCKET_NAME}; ` +
              `shorten the namespace or storage.bucketPrefix`,
          ),
        ]
      : [];
  });
}

/** Production may not drop monitoring or the operator's webhook without saying why. */
function productionOverrides(stack: StackConfig): Problem[] {
  if (stack.environment.tier !== "production") return [];
  return [
    ...(!stack.monitoring.enabled && !stack.monitoring.disabledReason
      ? [
          problem(
            ["monitoring", "enabled"],
            "production runs with monitoring: to turn it off, say why in monitoring.disabledReason",
          ),
        ]
      : []),
    ...(stack.monitoring.enabled && !stack.monitoring.receivers.length && !stack.monitoring.noReceiverReason
      ? [
          problem(
            ["monitoring", "receivers"],
            "production pages someone: add a receiver (slack, pagerduty or webhook) for critical alerts, " +
              "or say why alerts go nowhere in monitoring.noReceiverReason",
          ),
        ]
      : []),
    ...(loggingDestination(stack) === "none" && !stack.logging.disabledReason
      ? [
          problem(
            ["logging", "destination"],
            "production ships container logs: to turn shipping off, say why in logging.disabledReason",
          ),
        ]
      : []),
    ...(stack.logging.endpoint && !stack.logging.endpoint.tls
      ? [problem(["logging", "endpoint", "tls"], "production ships logs over TLS only")]
      : []),
    ...(!stack.operator.webhook && !stack.operator.webhookDisabledReason
      ? [
          problem(
            ["operator", "webhook"],
            "production runs the operator's admission webhook: to turn it off, say why in operator.webhookDisabledReason",
          ),
        ]
      : []),
  ];
}

function uniqueNames(items: readonly { name: string }[], path: PathSegment[], what: string): Problem[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, i) => {
    const first = seen.get(item.name);
    if (first === undefined) {
      seen.set(item.name, i);
      return [];
    }
    return [problem([...path, i, "name"], `duplicate ${what} name "${item.name}" (also at index ${first})`)];
  });
}

type Namespace = StackConfig["namespaces"][number];

function namespaceProblems(stack: StackConfig, ns: Namespace, path: PathSegment[]): Problem[] {
  const production = stack.environment.tier === "production";
  const problems: Problem[] = [];

  // Jobs and session clusters are both FlinkDeployments in one namespace: one name space.
  const deployments = [
    ...ns.jobs.map((j, i) => ({ name: j.name, path: [...path, "jobs", i] })),
    ...ns.sessionClusters.map((s, i) => ({ name: s.name, path: [...path, "sessionClusters", i] })),
  ];
  const seen = new Set<string>();
  for (const d of deployments) {
    if (seen.has(d.name)) {
      problems.push(
        problem([...d.path, "name"], `duplicate FlinkDeployment name "${d.name}" in namespace "${ns.name}"`),
      );
    }
    seen.add(d.name);
  }
  problems.push(...uniqueNames(ns.sessionJobs, [...path, "sessionJobs"], "session job"));
  // A snapshot names its job; an application job and a session job of one name would make it
  // ambiguous (and alerts and dashboards label both by job name).
  const applicationJobs = new Set(ns.jobs.map((j) => j.name));
  ns.sessionJobs.forEach((job, i) => {
    if (applicationJobs.has(job.name)) {
      problems.push(
        problem(
          [...path, "sessionJobs", i, "name"],
          `"${job.name}" is also an application job in namespace "${ns.name}"; job names must be ` +
            `unique across jobs and sessionJobs so snapshots and alerts name exactly one`,
        ),
      );
    }
  });
  problems.push(...uniqueNames(ns.snapshots, [...path, "snapshots"], "snapshot"));

  // Capacity types choose Karpenter NodePool capacity; a fixed node group has one type.
  const karpenter = stack.cluster.provider === "eks" && stack.cluster.karpenter;
  if (!karpenter) {
    const capacityPaths: PathSegment[][] = [
      ...(ns.taskManagerCapacity ? [[...path, "taskManagerCapacity"]] : []),
      ...(["jobs", "sessionClusters"] as const).flatMap((list) =>
        ns[list].flatMap((c, i) =>
          c.taskManagerCapacity ? [[...path, list, i, "taskManagerCapacity"]] : [],
        ),
      ),
    ];
    for (const p of capacityPaths) {
      problems.push(problem(p, "only with cluster.karpenter (a node group has one capacityType)"));
    }
  }

  const sessionClusters = new Set(ns.sessionClusters.map((s) => s.name));
  ns.sessionJobs.forEach((job, i) => {
    if (!sessionClusters.has(job.sessionCluster)) {
      problems.push(
        problem(
          [...path, "sessionJobs", i, "sessionCluster"],
          `no session cluster "${job.sessionCluster}" in namespace "${ns.name}"; ` +
            `declared: ${[...sessionClusters].join(", ") || "none"}`,
        ),
      );
    }
  });

  const jobNames = new Set([...ns.jobs.map((j) => j.name), ...ns.sessionJobs.map((j) => j.name)]);
  ns.snapshots.forEach((snap, i) => {
    if (!jobNames.has(snap.job)) {
      problems.push(
        problem(
          [...path, "snapshots", i, "job"],
          `no application or session job "${snap.job}" in namespace "${ns.name}"; ` +
            `declared: ${[...jobNames].join(", ") || "none"}`,
        ),
      );
    }
  });

  if (production) {
    const stateless = (list: "jobs" | "sessionJobs") =>
      ns[list].forEach((job, i) => {
        const mode = job.upgradeMode ?? stack.flink.upgradeMode;
        if (mode === "stateless" && !job.allowStatelessInProduction) {
          problems.push(
            problem(
              [...path, list, i, "upgradeMode"],
              `"stateless" loses job state on every upgrade in production; use "savepoint" or ` +
                `"last-state", or set allowStatelessInProduction: true to opt out`,
            ),
          );
        }
      });
    stateless("jobs");
    stateless("sessionJobs");
  }
  return problems;
}

function clusterProblems(stack: StackConfig): Problem[] {
  const c = stack.cluster;
  const production = stack.environment.tier === "production";
  if (c.provider === "existing") {
    return production
      ? [
          problem(
            ["cluster", "provider"],
            'production needs "eks": checkpoints must live on durable S3, not an in-cluster object store',
          ),
        ]
      : [];
  }
  return eksProblems(c, production);
}

function eksProblems(c: EksClusterConfig, production: boolean): Problem[] {
  const problems: Problem[] = [];
  const minZones = production ? 3 : 2;
  if (c.availabilityZones.length < minZones) {
    problems.push(
      problem(
        ["cluster", "availabilityZones"],
        `needs at least ${minZones} availability zones in ${production ? "production" : "any EKS stack"} ` +
          `(got ${c.availabilityZones.length})`,
      ),
    );
  }
  c.availabilityZones.forEach((zone, i) => {
    if (!zone.startsWith(c.region)) {
      problems.push(problem(["cluster", "availabilityZones", i], `"${zone}" is not in region ${c.region}`));
    }
    if (c.availabilityZones.indexOf(zone) !== i) {
      problems.push(problem(["cluster", "availabilityZones", i], `"${zone}" is listed twice`));
    }
  });
  const prefix = Number(c.vpcCidr.split("/")[1]);
  if (prefix > 20) {
    problems.push(
      problem(["cluster", "vpcCidr"], `/${prefix} is too small for two subnets per zone; use /20 or larger`),
    );
  }
  const [vpcStart, vpcEnd] = cidrRange(c.vpcCidr);
  const [svcStart, svcEnd] = cidrRange(c.serviceCidr);
  const svcPrefix = Number(c.serviceCidr.split("/")[1]);
  // EKS accepts a private (RFC 1918) block between /12 and /24 (CreateCluster, serviceIpv4Cidr).
  const privateBlocks = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(cidrRange);
  if (svcPrefix < 12 || svcPrefix > 24 || !privateBlocks.some(([a, b]) => svcStart >= a && svcEnd <= b)) {
    problems.push(
      problem(
        ["cluster", "serviceCidr"],
        `${c.serviceCidr}: EKS needs a private (RFC 1918) range from /12 to /24`,
      ),
    );
  } else if (svcStart <= vpcEnd && vpcStart <= svcEnd) {
    problems.push(
      problem(
        ["cluster", "serviceCidr"],
        `${c.serviceCidr} overlaps vpcCidr ${c.vpcCidr}; pick a range outside the VPC`,
      ),
    );
  }
  const { privateAccess, publicAccessCidrs } = c.endpoint;
  if (!privateAccess && publicAccessCidrs.length === 0) {
    problems.push(
      problem(
        ["cluster", "endpoint"],
        "the API would be unreachable: enable privateAccess or list publicAccessCidrs",
      ),
    );
  }
  // A public endpoint is for a few known networks (office, VPN, CI runners' egress), never a
  // slice of the internet: one range wider than /8, or ranges that together cover it all
  // (0.0.0.0/1 + 128.0.0.0/1), are refused.
  publicAccessCidrs.forEach((cidr, i) => {
    if (Number(cidr.split("/")[1]) < 8) {
      problems.push(
        problem(
          ["cluster", "endpoint", "publicAccessCidrs", i],
          `${cidr} opens the Kubernetes API to ${cidr.endsWith("/0") ? "the whole internet" : "a large part of the internet"}; ` +
            `list your office/VPN/CI egress CIDRs (/8 or narrower)`,
        ),
      );
    }
  });
  if (publicAccessCidrs.length > 1 && addressesCovered(publicAccessCidrs) >= IPV4_ADDRESSES) {
    problems.push(
      problem(
        ["cluster", "endpoint", "publicAccessCidrs"],
        "together these ranges cover every IPv4 address: the Kubernetes API would be open to the whole internet",
      ),
    );
  }
  c.interfaceEndpoints.forEach((service, i) => {
    if (c.interfaceEndpoints.indexOf(service) !== i) {
      problems.push(problem(["cluster", "interfaceEndpoints", i], `"${service}" is listed twice`));
    }
  });
  // Inside the VPC only, Flink and the operator still need STS for their IRSA credentials.
  if (c.httpsEgress === "vpc" && !c.interfaceEndpoints.includes("sts")) {
    problems.push(
      problem(
        ["cluster", "interfaceEndpoints"],
        'httpsEgress "vpc" needs "sts": pods exchange their service-account token for AWS credentials at STS',
      ),
    );
  }
  problems.push(...karpenterProblems(c));
  for (const group of ["system", "flink"] as const) {
    const g = c.nodeGroups[group];
    if (!g) continue;
    const path = ["cluster", "nodeGroups", group];
    if (g.minSize > g.maxSize) {
      problems.push(problem([...path, "minSize"], `must not exceed maxSize (${g.minSize} > ${g.maxSize})`));
    }
    if (g.desiredSize < g.minSize || g.desiredSize > g.maxSize) {
      problems.push(
        problem(
          [...path, "desiredSize"],
          `must lie between minSize ${g.minSize} and maxSize ${g.maxSize} (got ${g.desiredSize})`,
        ),
      );
    }
  }
  if (production && c.nodeGroups.system.minSize < 2) {
    problems.push(
      problem(
        ["cluster", "nodeGroups", "system", "minSize"],
        "production needs at least 2 system nodes (got 1)",
      ),
    );
  }
  return problems;
}

function haProblems(stack: StackConfig): Problem[] {
  const production = stack.environment.tier === "production";
  const problems: Problem[] = [];
  const modes = [
    { mode: stack.ha.mode, path: ["ha", "mode"] as PathSegment[] },
    ...stack.namespaces.flatMap((ns, i) =>
      ns.ha ? [{ mode: ns.ha.mode, path: ["namespaces", i, "ha", "mode"] as PathSegment[] }] : [],
    ),
  ];
  if (production) {
    for (const m of modes.filter((m) => m.mode === "none")) {
      problems.push(problem(m.path, 'production requires HA: use "kubernetes" or "zookeeper"'));
    }
  }
  if (modes.some((m) => m.mode === "zookeeper")) {
    const n = stack.ha.zookeeper.replicas;
    const path = ["ha", "zookeeper", "replicas"];
    if (n % 2 === 0) {
      problems.push(problem(path, `a ZooKeeper ensemble needs an odd member count (1, 3, 5, 7), got ${n}`));
    } else if (production && n < 3) {
      problems.push(
        problem(path, `production needs a quorum that survives a member loss: 3 or 5 (got ${n})`),
      );
    }
  }
  return problems;
}

/** Karpenter or a Flink node group, and a NodePool that can place what the stack asks for. */
function karpenterProblems(c: EksClusterConfig): Problem[] {
  const k = c.karpenter;
  const problems: Problem[] = [];
  if (!k === !c.nodeGroups.flink) {
    problems.push(
      problem(
        ["cluster", "karpenter"],
        k
          ? "Karpenter provisions the Flink nodes: remove cluster.nodeGroups.flink"
          : "set cluster.nodeGroups.flink (a fixed node group) or cluster.karpenter (nodes that follow the jobs)",
      ),
    );
  }
  if (!k) return problems;
  const path = ["cluster", "karpenter"];
  (k.zones ?? []).forEach((zone, i) => {
    if (!c.availabilityZones.includes(zone)) {
      problems.push(
        problem(
          [...path, "zones", i],
          `"${zone}" is not one of the cluster's availabilityZones (${c.availabilityZones.join(", ")})`,
        ),
      );
    }
  });
  k.instanceFamilies.forEach((family, i) => {
    const f = INSTANCE_FAMILIES[family];
    if (!k.architectures.includes(f.architecture)) {
      problems.push(
        problem(
          [...path, "instanceFamilies", i],
          `${family} is ${f.architecture}, not one of the architectures ${k.architectures.join(", ")}`,
        ),
      );
    }
    if (k.localNvme && !f.localNvme) {
      problems.push(
        problem(
          [...path, "instanceFamilies", i],
          `${family} has no local NVMe; with localNvme use a \`d\` family such as m6id or r6id`,
        ),
      );
    }
  });
  for (const arch of k.architectures) {
    if (!k.instanceFamilies.some((f) => INSTANCE_FAMILIES[f].architecture === arch)) {
      problems.push(
        problem([...path, "architectures"], `no instance family for ${arch} in instanceFamilies`),
      );
    }
  }
  // Inside the VPC only, Karpenter reaches EC2, SQS (interruptions), SSM (AMI ids) and STS through endpoints.
  if (c.httpsEgress === "vpc") {
    const missing = (["ec2", "sqs", "ssm", "sts"] as const).filter((s) => !c.interfaceEndpoints.includes(s));
    if (missing.length) {
      problems.push(
        problem(
          ["cluster", "interfaceEndpoints"],
          `httpsEgress "vpc" with Karpenter needs ${missing.map((m) => `"${m}"`).join(", ")}`,
        ),
      );
    }
  }
  return problems;
}
