import { strict as assert } from "assert";
import { problemsOf, stackVariant } from "./harness";
import { parseSize, parseDuration } from "../config/units";

const has = (problems: string[], path: string, text: RegExp) =>
  assert.ok(
    problems.some((p) => p.startsWith(`flink-platform:${path}: `) && text.test(p)),
    `expected a problem at ${path} matching ${text}; got:\n${problems.join("\n")}`,
  );

describe("stack configuration", () => {
  it("accepts both shipped stacks", () => {
    assert.deepEqual(problemsOf(stackVariant("dev")), []);
    assert.deepEqual(problemsOf(stackVariant("prod")), []);
  });

  it("reports three unrelated mistakes and a misspelt key all at once", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.namespaces[0].jobs[0].parallelism = 0;
        c.flink.taskManager.memory = "8 gigs";
        c.cluster.nodeGroups.system.minSize = 30;
        c.namespaces[1].jobs[0].paralellism = 4;
      }),
    );
    has(problems, "namespaces[0].jobs[0].parallelism", /at least 1/);
    has(problems, "flink.taskManager.memory", /not a size/);
    has(problems, "namespaces[1].jobs[0].paralellism", /did you mean "parallelism"/);
    // min > max is a cross-field rule; it runs once the types are sound, so check it alone.
    has(
      problemsOf(stackVariant("prod", (c) => (c.cluster.nodeGroups.system.minSize = 30))),
      "cluster.nodeGroups.system.minSize",
      /must not exceed maxSize/,
    );
    assert.equal(problems.length, 3, problems.join("\n"));
  });

  it("names misspelt top-level keys with a suggestion", () => {
    has(
      problemsOf(stackVariant("dev", (c) => (c.monitorng = { enabled: true }))),
      "monitorng",
      /did you mean "monitoring"/,
    );
  });

  it("catches wrong types, ranges and malformed sizes and durations", () => {
    const problems = problemsOf(
      stackVariant("dev", (c) => {
        c.flink.taskSlots = "two";
        c.flink.jobManager.memory = "2.5g";
        c.flink.checkpointing = { interval: "often" };
        c.operator = { replicas: 9 };
      }),
    );
    has(problems, "flink.taskSlots", /must be a number/);
    has(problems, "flink.jobManager.memory", /not a size/);
    has(problems, "flink.checkpointing.interval", /not a duration/);
    has(problems, "operator.replicas", /at most 3/);
  });

  it("catches duplicate names and dangling references", () => {
    const problems = problemsOf(
      stackVariant("dev", (c) => {
        c.namespaces[0].jobs[1].name = c.namespaces[0].jobs[0].name;
        // Two session jobs of one name would be one URN: one FlinkSessionJob overwriting the other.
        c.namespaces[0].sessionJobs[1].name = c.namespaces[0].sessionJobs[0].name;
        c.namespaces[0].sessionJobs[0].sessionCluster = "missing";
        c.namespaces[0].snapshots[0].job = "nope";
        c.namespaces[1].name = "analytics";
      }),
    );
    has(problems, "namespaces[0].jobs[1].name", /duplicate FlinkDeployment name/);
    has(
      problems,
      "namespaces[0].sessionJobs[1].name",
      /: duplicate session job name "top-speed-windowing" \(also at index 0\)$/,
    );
    has(problems, "namespaces[0].sessionJobs[0].sessionCluster", /no session cluster "missing"/);
    has(problems, "namespaces[0].snapshots[0].job", /no application or session job "nope"/);
    has(problems, "namespaces[1].name", /duplicate namespace name "analytics"/);
  });

  it("refuses HTTPS egress narrowed to the VPC without an STS endpoint, and repeated endpoints", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.cluster.httpsEgress = "vpc";
        c.cluster.interfaceEndpoints = ["ecr.api", "ecr.api"];
      }),
    );
    has(problems, "cluster.interfaceEndpoints", /httpsEgress "vpc" needs "sts"/);
    has(problems, "cluster.interfaceEndpoints[1]", /"ecr.api" is listed twice/);
    has(
      problemsOf(stackVariant("prod", (c) => (c.cluster.interfaceEndpoints = ["s3"]))),
      "cluster.interfaceEndpoints[0]",
      /must be one of "sts", "ecr.api"/,
    );
  });

  it("refuses an application job and a session job of one name: a snapshot would be ambiguous", () => {
    const problems = problemsOf(
      stackVariant("dev", (c) => {
        c.namespaces[0].sessionJobs[0].name = c.namespaces[0].jobs[0].name;
        c.namespaces[0].snapshots[0].job = c.namespaces[0].jobs[0].name;
      }),
    );
    has(
      problems,
      "namespaces[0].sessionJobs[0].name",
      /is also an application job .* snapshots and alerts name exactly one/,
    );
  });

  it("holds production to stricter rules", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.ha.mode = "none";
        c.namespaces[0].jobs[0].upgradeMode = "stateless";
        c.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
        c.cluster.availabilityZones = ["eu-west-1a", "eu-west-1b"];
      }),
    );
    has(problems, "ha.mode", /production requires HA/);
    has(problems, "namespaces[0].jobs[0].upgradeMode", /allowStatelessInProduction/);
    has(problems, "cluster.endpoint.publicAccessCidrs[0]", /whole internet/);
    has(problems, "cluster.availabilityZones", /at least 3 availability zones/);
    const optOut = stackVariant("prod", (c) => {
      c.namespaces[0].jobs[0].upgradeMode = "stateless";
      c.namespaces[0].jobs[0].allowStatelessInProduction = true;
    });
    assert.deepEqual(problemsOf(optOut), []);
  });

  it("refuses an in-cluster store in production and bad cluster settings", () => {
    has(
      problemsOf(stackVariant("prod", (c) => (c.cluster = { provider: "existing" }))),
      "cluster.provider",
      /durable S3/,
    );
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.cluster.vpcCidr = "10.0.0.0/33";
        c.cluster.kubernetesVersion = "1.20";
        c.cluster.nodeGroups.system.instanceTypes = ["m9.huge"];
      }),
    );
    has(problems, "cluster.vpcCidr", /not an IPv4 CIDR/);
    has(problems, "cluster.kubernetesVersion", /must be one of "1.33", "1.34"/);
    has(problems, "cluster.nodeGroups.system.instanceTypes[0]", /must be one of/);
  });

  it("needs ZooKeeper quorums to be odd, and at least 3 in production", () => {
    has(
      problemsOf(stackVariant("prod", (c) => (c.ha = { mode: "zookeeper", zookeeper: { replicas: 4 } }))),
      "ha.zookeeper.replicas",
      /odd member count/,
    );
    has(
      problemsOf(stackVariant("prod", (c) => (c.ha = { mode: "zookeeper", zookeeper: { replicas: 1 } }))),
      "ha.zookeeper.replicas",
      /3 or 5/,
    );
  });

  it("reads alert receiver URLs only from secret config", () => {
    const receivers = (c: Record<string, any>) => {
      c.monitoring = { receivers: [{ name: "oncall", type: "slack", secretKey: "slackUrl" }] };
    };
    has(
      problemsOf(stackVariant("dev", receivers)),
      "monitoring.receivers[0].secretKey",
      /pulumi config set --secret/,
    );
    const plain = stackVariant("dev", (c) => {
      receivers(c);
      c.slackUrl = "https://hooks.slack.com/services/T/B/X";
    });
    has(problemsOf(plain), "slackUrl", /must be set with `pulumi config set --secret`/);
    const secret = stackVariant("dev", (c) => {
      receivers(c);
      c.slackUrl = { secure: "AAABAcipher" };
    });
    assert.deepEqual(problemsOf(secret), []);
  });
});

describe("sizes and durations", () => {
  it("accepts Flink and Kubernetes notations, exactly", () => {
    assert.equal(parseSize("2048m"), 2048 * 1024 ** 2);
    assert.equal(parseSize("2Gi"), 2 * 1024 ** 3);
    assert.equal(parseSize("2g"), 2 * 1024 ** 3);
    assert.equal(parseSize("2.5g"), undefined);
    assert.equal(parseSize("2GB!"), undefined);
    assert.equal(parseDuration("30 s"), 30_000);
    assert.equal(parseDuration("6h"), 21_600_000);
    assert.equal(parseDuration("soon"), undefined);
  });
});

describe("cluster endpoint", () => {
  const cidrs = (list: string[]) =>
    problemsOf(stackVariant("prod", (c) => (c.cluster.endpoint.publicAccessCidrs = list)));

  it("refuses ranges that open the API to the internet, alone or together", () => {
    assert.match(
      cidrs(["0.0.0.0/0"])[0],
      /publicAccessCidrs\[0\]: 0\.0\.0\.0\/0 opens the Kubernetes API to the whole internet/,
    );
    const halves = cidrs(["0.0.0.0/1", "128.0.0.0/1"]);
    assert.ok(
      halves.some((p) =>
        /publicAccessCidrs\[1\]: 128\.0\.0\.0\/1 opens the Kubernetes API to a large part/.test(p),
      ),
    );
    assert.ok(
      halves.some((p) => /publicAccessCidrs: together these ranges cover every IPv4 address/.test(p)),
    );
    assert.deepEqual(cidrs(["203.0.113.0/24", "198.51.100.0/24"]), []);
  });
});

describe("namespace egress rules", () => {
  const egress = (rule: object) => problemsOf(stackVariant("dev", (c) => (c.namespaces[0].egress = [rule])));

  it("need exactly one destination and listed ports, in order", () => {
    assert.match(egress({ name: "kafka", ports: [{ port: 9092 }] })[0], /set exactly one of cidrs/);
    assert.match(
      egress({ name: "kafka", cidrs: ["10.0.0.0/16"], namespace: "kafka", ports: [{ port: 9092 }] })[0],
      /set exactly one of cidrs/,
    );
    assert.match(egress({ name: "kafka", cidrs: ["10.0.0.0/16"], ports: [] })[0], /list the ports to open/);
    assert.match(
      egress({ name: "kafka", cidrs: ["10.0.0.0/16"], ports: [{ port: 9098, endPort: 9092 }] })[0],
      /egress\[0\]\.ports\[0\]\.endPort: must not be below port 9098/,
    );
    assert.deepEqual(
      egress({ name: "msk", cidrs: ["10.0.0.0/16"], ports: [{ port: 9092, endPort: 9098 }] }),
      [],
    );
  });
});
