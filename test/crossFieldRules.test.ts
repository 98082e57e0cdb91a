/**
 * Each cross-field rule (config/rules.ts), alone: one edit of a valid stack, and exactly the
 * problems the user then reads, path and message. A rule that stops firing, fires elsewhere or
 * says something else fails here.
 */
import { strict as assert } from "assert";
import { stackVariant, validate } from "./harness";
import { crossFieldProblems } from "../config/rules";
import { StackConfig } from "../config/schema";

type Stack = StackConfig & Record<string, any>;

function parsed(stack: "dev" | "prod"): Stack {
  const v = validate(stackVariant(stack));
  if (!v.ok) throw new Error(v.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return structuredClone(v.stack) as Stack;
}

/** Problems after `edit`, as `path: message` lines; prod's receivers' keys count as set. */
function after(stack: "dev" | "prod", edit: (s: any) => void, secrets?: string[]): string[] {
  const s = parsed(stack);
  edit(s);
  const keys = new Set(secrets ?? s.monitoring.receivers.map((r: { secretKey: string }) => r.secretKey));
  return crossFieldProblems(s, keys).map((p) => `${p.path}: ${p.message}`);
}

const devOnEks = (s: any) => {
  const prod = parsed("prod");
  s.cluster = structuredClone(prod.cluster);
  s.logging = structuredClone(prod.logging);
};

describe("cross-field rules", () => {
  it("accept both shipped stacks", () => {
    assert.deepEqual(
      after("dev", () => {}),
      [],
    );
    assert.deepEqual(
      after("prod", () => {}),
      [],
    );
  });

  describe("logging", () => {
    it("keeps CloudWatch to EKS", () => {
      assert.deepEqual(
        after("dev", (s) => (s.logging.destination = "cloudwatch")),
        [
          'logging.destination: CloudWatch Logs needs an EKS cluster (its IRSA role); use "loki", "opensearch" or "none"',
        ],
      );
    });

    it("needs an endpoint for Loki and OpenSearch, and only for them", () => {
      for (const d of ["loki", "opensearch"])
        assert.deepEqual(
          after("dev", (s) => (s.logging.destination = d)),
          [`logging.endpoint: "${d}" needs logging.endpoint (host, port)`],
        );
      assert.deepEqual(
        after("dev", (s) => {
          s.logging.destination = "loki";
          s.logging.endpoint = { host: "loki", port: 3100, tls: false };
        }),
        [],
      );
      assert.deepEqual(
        after("dev", (s) => (s.logging.endpoint = { host: "loki", port: 3100, tls: false })),
        ['logging.endpoint: is only used with destination "loki" or "opensearch"'],
      );
      assert.deepEqual(
        after("prod", (s) => (s.logging.endpoint = { host: "loki", port: 3100, tls: true })),
        ['logging.endpoint: is only used with destination "loki" or "opensearch"'],
        "prod's default destination is CloudWatch",
      );
    });
  });

  it("keeps derived bucket names within S3's 63 characters", () => {
    const name = "a".repeat(43);
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[0].name = name)),
      [
        `namespaces[0].name: its state bucket "acme-flink-prod-euw1-${name}" would be 64 characters, over S3's 63; ` +
          "shorten the namespace or storage.bucketPrefix",
      ],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[0].name = name.slice(1))),
      [],
      "63 is allowed",
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].name = "a".repeat(60))),
      [],
      "no bucket off EKS",
    );
  });

  describe("production overrides need a reason", () => {
    it("monitoring off", () => {
      assert.deepEqual(
        after("prod", (s) => (s.monitoring.enabled = false)),
        [
          "monitoring.enabled: production runs with monitoring: to turn it off, say why in monitoring.disabledReason",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.monitoring.enabled = false;
          s.monitoring.disabledReason = "vendor agent";
        }),
        [],
      );
      assert.deepEqual(
        after("dev", (s) => (s.monitoring.enabled = false)),
        [],
      );
    });

    it("no receiver", () => {
      assert.deepEqual(
        after("prod", (s) => (s.monitoring.receivers = [])),
        [
          "monitoring.receivers: production pages someone: add a receiver (slack, pagerduty or webhook) for critical alerts, " +
            "or say why alerts go nowhere in monitoring.noReceiverReason",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.monitoring.receivers = [];
          s.monitoring.noReceiverReason = "routed by the vendor";
        }),
        [],
      );
    });

    it("no log shipping, logs without TLS, no webhook", () => {
      assert.deepEqual(
        after("prod", (s) => (s.logging.destination = "none")),
        [
          "logging.destination: production ships container logs: to turn shipping off, say why in logging.disabledReason",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.logging.destination = "none";
          s.logging.disabledReason = "node agent";
        }),
        [],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.logging.destination = "loki";
          s.logging.endpoint = { host: "loki", port: 3100, tls: false };
        }),
        ["logging.endpoint.tls: production ships logs over TLS only"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.operator.webhook = false)),
        [
          "operator.webhook: production runs the operator's admission webhook: to turn it off, say why in operator.webhookDisabledReason",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.operator.webhook = false;
          s.operator.webhookDisabledReason = "GitOps admission";
        }),
        [],
      );
    });
  });

  describe("names and references", () => {
    it("receivers: unique names, each with its secret set", () => {
      assert.deepEqual(
        after("prod", (s) => (s.monitoring.receivers[1].name = "oncall")),
        ['monitoring.receivers[1].name: duplicate receiver name "oncall" (also at index 0)'],
      );
      assert.deepEqual(
        after("prod", () => {}, ["pagerdutyRoutingKey"]),
        [
          'monitoring.receivers[1].secretKey: no secret config key "slackWebhookUrl": set it with ' +
            "`pulumi config set --secret flink-platform:slackWebhookUrl <url>`",
        ],
      );
    });

    it("FlinkDeployments, session jobs and snapshots: one name each per namespace", () => {
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[0].sessionClusters[0].name = "top-speeds")),
        [
          'namespaces[0].sessionClusters[0].name: duplicate FlinkDeployment name "top-speeds" in namespace "analytics"',
          'namespaces[0].sessionJobs[0].sessionCluster: no session cluster "adhoc" in namespace "analytics"; declared: top-speeds',
          'namespaces[0].sessionJobs[1].sessionCluster: no session cluster "adhoc" in namespace "analytics"; declared: top-speeds',
        ],
      );
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[0].sessionJobs[1].name = "top-speed-windowing")),
        [
          'namespaces[0].sessionJobs[1].name: duplicate session job name "top-speed-windowing" (also at index 0)',
        ],
      );
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[0].sessionJobs[1].name = "top-speeds")),
        [
          'namespaces[0].sessionJobs[1].name: "top-speeds" is also an application job in namespace "analytics"; ' +
            "job names must be unique across jobs and sessionJobs so snapshots and alerts name exactly one",
        ],
      );
      assert.deepEqual(
        after("dev", (s) => s.namespaces[0].snapshots.push({ ...s.namespaces[0].snapshots[0] })),
        [
          'namespaces[0].snapshots[1].name: duplicate snapshot name "clickstream-before-upgrade" (also at index 0)',
        ],
      );
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[1].name = "analytics")),
        ['namespaces[1].name: duplicate namespace name "analytics" (also at index 0)'],
      );
    });

    it("session jobs and snapshots name what exists, listing what does", () => {
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[0].snapshots[0].job = "nope")),
        [
          'namespaces[0].snapshots[0].job: no application or session job "nope" in namespace "analytics"; ' +
            "declared: clickstream-enrichment, top-speeds, top-speed-windowing, top-speeds-replay",
        ],
      );
      assert.deepEqual(
        after("dev", (s) => {
          s.namespaces[1].sessionJobs = [{ ...s.namespaces[0].sessionJobs[0] }];
          s.namespaces[1].snapshots = [{ name: "x", job: "y" }];
          s.namespaces[1].jobs = [];
        }),
        [
          'namespaces[1].sessionJobs[0].sessionCluster: no session cluster "adhoc" in namespace "payments"; declared: none',
          'namespaces[1].snapshots[0].job: no application or session job "y" in namespace "payments"; declared: top-speed-windowing',
        ],
      );
    });
  });

  it("capacity types only with Karpenter, at every level", () => {
    assert.deepEqual(
      after("dev", (s) => {
        s.namespaces[0].taskManagerCapacity = ["spot"];
        s.namespaces[0].jobs[1].taskManagerCapacity = ["spot"];
        s.namespaces[0].sessionClusters[0].taskManagerCapacity = ["on-demand"];
      }),
      [
        "namespaces[0].taskManagerCapacity: only with cluster.karpenter (a node group has one capacityType)",
        "namespaces[0].jobs[1].taskManagerCapacity: only with cluster.karpenter (a node group has one capacityType)",
        "namespaces[0].sessionClusters[0].taskManagerCapacity: only with cluster.karpenter (a node group has one capacityType)",
      ],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[0].taskManagerCapacity = ["spot"])),
      [],
    );
  });

  it("stateless upgrades in production only with an opt-out, for jobs and session jobs", () => {
    const stateless = (list: string, i: number) =>
      `namespaces[0].${list}[${i}].upgradeMode: "stateless" loses job state on every upgrade in production; ` +
      'use "savepoint" or "last-state", or set allowStatelessInProduction: true to opt out';
    assert.deepEqual(
      after("prod", (s) => {
        s.namespaces[0].jobs[0].upgradeMode = "stateless";
        s.namespaces[0].jobs[1].upgradeMode = "stateless";
        s.namespaces[0].jobs[1].allowStatelessInProduction = true;
      }),
      [stateless("jobs", 0)],
    );
    assert.deepEqual(
      after("prod", (s) => (s.flink.upgradeMode = "stateless")).filter((p) => p.includes(".upgradeMode"))
        .length,
      parsed("prod").namespaces.reduce(
        (n, ns) =>
          n +
          [...ns.jobs, ...ns.sessionJobs].filter((j) => !j.upgradeMode && !j.allowStatelessInProduction)
            .length,
        0,
      ),
      "the stack-wide default counts for every job that does not set its own",
    );
    assert.deepEqual(
      after("dev", (s) => (s.environment.tier = "production")).filter((p) => p.includes("upgradeMode")),
      [stateless("jobs", 1), stateless("sessionJobs", 1)],
    );
  });

  describe("the cluster", () => {
    it("production needs EKS", () => {
      assert.deepEqual(
        after("dev", (s) => (s.environment.tier = "production")).filter((p) => p.startsWith("cluster")),
        [
          'cluster.provider: production needs "eks": checkpoints must live on durable S3, not an in-cluster object store',
        ],
      );
    });

    it("zones: enough of them, in the region, each once", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.availabilityZones = ["eu-west-1a", "eu-west-1b"])),
        ["cluster.availabilityZones: needs at least 3 availability zones in production (got 2)"],
      );
      assert.deepEqual(
        after("dev", (s) => {
          devOnEks(s);
          s.cluster.availabilityZones = ["eu-west-1a"];
          s.cluster.nodeGroups.flink = { ...s.cluster.nodeGroups.system };
          delete s.cluster.karpenter;
        }),
        ["cluster.availabilityZones: needs at least 2 availability zones in any EKS stack (got 1)"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.availabilityZones = ["eu-west-1a", "us-east-1b", "eu-west-1a"])),
        [
          'cluster.availabilityZones[1]: "us-east-1b" is not in region eu-west-1',
          'cluster.availabilityZones[2]: "eu-west-1a" is listed twice',
        ],
      );
    });

    it("the VPC and service ranges", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.vpcCidr = "10.40.0.0/21")),
        ["cluster.vpcCidr: /21 is too small for two subnets per zone; use /20 or larger"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.vpcCidr = "10.40.0.0/20")),
        [],
      );
      const bad = (cidr: string) =>
        `cluster.serviceCidr: ${cidr}: EKS needs a private (RFC 1918) range from /12 to /24`;
      for (const cidr of ["100.64.0.0/16", "10.0.0.0/11", "172.20.0.0/25", "172.15.0.0/16", "192.169.0.0/16"])
        assert.deepEqual(
          after("prod", (s) => (s.cluster.serviceCidr = cidr)),
          [bad(cidr)],
          cidr,
        );
      for (const cidr of ["172.16.0.0/12", "192.168.0.0/24", "10.96.0.0/12"])
        assert.deepEqual(
          after("prod", (s) => (s.cluster.serviceCidr = cidr)),
          [],
          cidr,
        );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.serviceCidr = "10.40.255.0/24")),
        ["cluster.serviceCidr: 10.40.255.0/24 overlaps vpcCidr 10.40.0.0/16; pick a range outside the VPC"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.serviceCidr = "10.32.0.0/12")),
        ["cluster.serviceCidr: 10.32.0.0/12 overlaps vpcCidr 10.40.0.0/16; pick a range outside the VPC"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.serviceCidr = "10.41.0.0/16")),
        [],
        "adjacent is fine",
      );
    });

    it("the API endpoint: reachable, and never open to the internet", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.privateAccess = false)),
        ["cluster.endpoint: the API would be unreachable: enable privateAccess or list publicAccessCidrs"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"])),
        [
          "cluster.endpoint.publicAccessCidrs[0]: 0.0.0.0/0 opens the Kubernetes API to the whole internet; " +
            "list your office/VPN/CI egress CIDRs (/8 or narrower)",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.publicAccessCidrs = ["203.0.113.0/24", "64.0.0.0/7"])),
        [
          "cluster.endpoint.publicAccessCidrs[1]: 64.0.0.0/7 opens the Kubernetes API to a large part of the internet; " +
            "list your office/VPN/CI egress CIDRs (/8 or narrower)",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.publicAccessCidrs = ["10.0.0.0/8"])),
        [],
      );
      const halves = [...Array(256).keys()].map((i) => `${i}.0.0.0/8`);
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.publicAccessCidrs = halves)),
        [
          "cluster.endpoint.publicAccessCidrs: together these ranges cover every IPv4 address: the Kubernetes API would be open to the whole internet",
        ],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.endpoint.publicAccessCidrs = halves.slice(1))),
        [],
        "all but one /8 is not everything",
      );
    });

    it("interface endpoints: each once, and STS when HTTPS stays in the VPC", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.interfaceEndpoints = ["sts", "ecr.api", "sts"])),
        ['cluster.interfaceEndpoints[2]: "sts" is listed twice'],
      );
      const vpcOnly = (s: any) => {
        s.cluster.httpsEgress = "vpc";
        s.cluster.interfaceEndpoints = ["ec2", "sqs", "ssm"];
      };
      assert.deepEqual(after("prod", vpcOnly), [
        'cluster.interfaceEndpoints: httpsEgress "vpc" needs "sts": pods exchange their service-account token for AWS credentials at STS',
        'cluster.interfaceEndpoints: httpsEgress "vpc" with Karpenter needs "sts"',
      ]);
      assert.deepEqual(
        after("prod", (s) => {
          vpcOnly(s);
          s.cluster.interfaceEndpoints = ["sts", "ssm"];
        }),
        ['cluster.interfaceEndpoints: httpsEgress "vpc" with Karpenter needs "ec2", "sqs"'],
      );
    });

    it("node group sizes", () => {
      assert.deepEqual(
        after("prod", (s) =>
          Object.assign(s.cluster.nodeGroups.system, { minSize: 7, desiredSize: 7, maxSize: 6 }),
        ),
        [
          "cluster.nodeGroups.system.minSize: must not exceed maxSize (7 > 6)",
          "cluster.nodeGroups.system.desiredSize: must lie between minSize 7 and maxSize 6 (got 7)",
        ],
      );
      for (const desiredSize of [2, 7])
        assert.deepEqual(
          after("prod", (s) => (s.cluster.nodeGroups.system.desiredSize = desiredSize)),
          [
            `cluster.nodeGroups.system.desiredSize: must lie between minSize 3 and maxSize 6 (got ${desiredSize})`,
          ],
        );
      assert.deepEqual(
        after("prod", (s) => Object.assign(s.cluster.nodeGroups.system, { minSize: 1, desiredSize: 1 })),
        ["cluster.nodeGroups.system.minSize: production needs at least 2 system nodes (got 1)"],
      );
      assert.deepEqual(
        after("prod", (s) => Object.assign(s.cluster.nodeGroups.system, { minSize: 2, desiredSize: 6 })),
        [],
      );
    });
  });

  describe("high availability", () => {
    it("production refuses HA off, stack-wide or per namespace", () => {
      assert.deepEqual(
        after("prod", (s) => (s.namespaces[1].ha = { mode: "none" })),
        ['namespaces[1].ha.mode: production requires HA: use "kubernetes" or "zookeeper"'],
      );
      assert.deepEqual(
        after("prod", (s) => (s.ha.mode = "none")),
        ['ha.mode: production requires HA: use "kubernetes" or "zookeeper"'],
      );
      assert.deepEqual(
        after("dev", (s) => (s.ha.mode = "none")),
        [],
      );
    });

    it("ZooKeeper: an odd ensemble, of 3 or more in production", () => {
      const zk = (replicas: number) => (s: any) => {
        s.namespaces[1].ha = { mode: "zookeeper" };
        s.ha.zookeeper.replicas = replicas;
      };
      assert.deepEqual(after("prod", zk(4)), [
        "ha.zookeeper.replicas: a ZooKeeper ensemble needs an odd member count (1, 3, 5, 7), got 4",
      ]);
      assert.deepEqual(after("prod", zk(1)), [
        "ha.zookeeper.replicas: production needs a quorum that survives a member loss: 3 or 5 (got 1)",
      ]);
      assert.deepEqual(after("prod", zk(3)), []);
      assert.deepEqual(after("dev", zk(1)), []);
      assert.deepEqual(
        after("prod", (s) => (s.ha.zookeeper.replicas = 4)),
        [],
        "unused without a ZooKeeper namespace",
      );
    });
  });

  describe("Karpenter", () => {
    it("either Karpenter or a Flink node group", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.nodeGroups.flink = { ...s.cluster.nodeGroups.system })),
        ["cluster.karpenter: Karpenter provisions the Flink nodes: remove cluster.nodeGroups.flink"],
      );
      assert.deepEqual(
        after("prod", (s) => delete s.cluster.karpenter),
        [
          "namespaces[0].taskManagerCapacity: only with cluster.karpenter (a node group has one capacityType)",
          "cluster.karpenter: set cluster.nodeGroups.flink (a fixed node group) or cluster.karpenter (nodes that follow the jobs)",
        ],
      );
    });

    it("zones, architectures and NVMe the instance families can meet", () => {
      assert.deepEqual(
        after("prod", (s) => (s.cluster.karpenter.zones = ["eu-west-1a", "eu-west-1d"])),
        [
          'cluster.karpenter.zones[1]: "eu-west-1d" is not one of the cluster\'s availabilityZones (eu-west-1a, eu-west-1b, eu-west-1c)',
        ],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.karpenter.instanceFamilies = ["m6i", "m7g"])),
        ["cluster.karpenter.instanceFamilies[1]: m7g is arm64, not one of the architectures amd64"],
      );
      assert.deepEqual(
        after("prod", (s) => (s.cluster.karpenter.architectures = ["amd64", "arm64"])),
        ["cluster.karpenter.architectures: no instance family for arm64 in instanceFamilies"],
      );
      assert.deepEqual(
        after("prod", (s) => {
          s.cluster.karpenter.localNvme = true;
          s.cluster.karpenter.instanceFamilies = ["m6id", "r6i"];
        }),
        [
          "cluster.karpenter.instanceFamilies[1]: r6i has no local NVMe; with localNvme use a `d` family such as m6id or r6id",
        ],
      );
    });
  });
});
