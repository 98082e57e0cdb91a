/**
 * Nodes that follow the jobs: Karpenter's NodePool and EC2NodeClass for the Flink nodes, where
 * JobManagers and TaskManagers may land, the interruption queue, the controller's permissions,
 * and what the preview refuses.
 */
import { strict as assert } from "assert";
import { manifest, ofType, one, problemsOf, render, stackVariant } from "./harness";
import { evaluate, IamRequest } from "../components/aws/iamEvaluation";
import { karpenterControllerPolicy } from "../components/karpenter/controllerPolicy";
import { interruptionQueuePolicy } from "../components/karpenter/karpenter";
import { allowed, NetworkPolicyLike, PodEndpoint } from "../components/kube/networkFlows";

const prod = () => render(stackVariant("prod"), "prod");
const cr = (resources: any[], kind: string) =>
  resources
    .map((r) => r.inputs as any)
    .find((m) => m?.kind === kind && m.apiVersion?.startsWith("karpenter"));
const required = (spec: any) =>
  spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;

describe("Karpenter: where Flink pods land", () => {
  it("puts JobManagers on on-demand capacity only, TaskManagers on what their namespace allows", async () => {
    const { resources } = await prod();
    const capacity = (ns: string, name: string, process: "jobManager" | "taskManager") =>
      required(manifest(resources, "FlinkDeployment", name, ns).spec[process].podTemplate.spec).map(
        (t: any) => t.matchExpressions.find((e: any) => e.key === "karpenter.sh/capacity-type").values,
      );
    // analytics allows spot for TaskManagers; payments keeps the default, on-demand.
    assert.deepEqual(capacity("analytics", "clickstream-enrichment", "jobManager"), [["on-demand"]]);
    assert.deepEqual(capacity("analytics", "clickstream-enrichment", "taskManager"), [["on-demand", "spot"]]);
    assert.deepEqual(capacity("payments", "fraud-detection", "jobManager"), [["on-demand"]]);
    assert.deepEqual(capacity("payments", "fraud-detection", "taskManager"), [["on-demand"]]);
    // And still only on Flink nodes, tolerating their taint.
    const tm = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics").spec.taskManager
      .podTemplate.spec;
    assert.deepEqual(tm.nodeSelector, { "flink-platform/pool": "flink" });
    assert.equal(tm.tolerations[0].key, "flink-platform/pool");
  });

  it("adds the capacity requirement to each of the team's own required node terms", async () => {
    const { resources } = await render(
      stackVariant("prod", (c) => {
        c.namespaces[1].jobs[0].jobManager = {
          pod: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a"] },
                      ],
                    },
                    {
                      matchExpressions: [
                        { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1b"] },
                      ],
                    },
                  ],
                },
              },
            },
          },
        };
      }),
      "prod",
    );
    const terms = required(
      manifest(resources, "FlinkDeployment", "fraud-detection", "payments").spec.jobManager.podTemplate.spec,
    );
    assert.equal(terms.length, 2);
    for (const t of terms) {
      assert.deepEqual(t.matchExpressions.at(-1), {
        key: "karpenter.sh/capacity-type",
        operator: "In",
        values: ["on-demand"],
      });
    }
  });

  it("offers one NodePool: the capacity types pods use, the families, architectures and zones configured, only empty nodes consolidated", async () => {
    const { resources } = await prod();
    const pool = cr(resources, "NodePool").spec;
    const requirement = (key: string) => pool.template.spec.requirements.find((r: any) => r.key === key);
    assert.deepEqual(requirement("karpenter.sh/capacity-type").values, ["on-demand", "spot"]);
    assert.deepEqual(requirement("karpenter.k8s.aws/instance-family").values, ["m6i", "m7i", "r6i", "r7i"]);
    assert.deepEqual(requirement("kubernetes.io/arch").values, ["amd64"]);
    assert.deepEqual(requirement("topology.kubernetes.io/zone").values, [
      "eu-west-1a",
      "eu-west-1b",
      "eu-west-1c",
    ]);
    assert.deepEqual(pool.template.metadata.labels, { "flink-platform/pool": "flink" });
    assert.deepEqual(pool.template.spec.taints, [
      { key: "flink-platform/pool", value: "flink", effect: "NoSchedule" },
    ]);
    assert.deepEqual(pool.template.spec.nodeClassRef, {
      group: "karpenter.k8s.aws",
      kind: "EC2NodeClass",
      name: "flink",
    });
    assert.equal(pool.template.spec.expireAfter, "720h");
    assert.deepEqual(pool.disruption, {
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "10m",
      budgets: [{ nodes: "10%" }],
    });
    assert.deepEqual(pool.limits, { cpu: "256", memory: "1Ti" });
  });

  it("boots nodes with IMDSv2 at one hop, encrypted gp3 and the pinned AMI, found by the discovery tag", async () => {
    const { resources } = await prod();
    const nc = cr(resources, "EC2NodeClass").spec;
    assert.deepEqual(nc.metadataOptions, {
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    assert.deepEqual(nc.blockDeviceMappings[0].ebs, {
      volumeSize: "100Gi",
      volumeType: "gp3",
      encrypted: true,
      deleteOnTermination: true,
    });
    assert.match(nc.amiSelectorTerms[0].alias, /^al2023@v\d{8}$/);
    assert.equal(nc.instanceProfile, "flink-prod-karpenter-node");
    assert.deepEqual(nc.subnetSelectorTerms, [{ tags: { "karpenter.sh/discovery": "flink-prod" } }]);
    assert.deepEqual(nc.securityGroupSelectorTerms, [{ tags: { "karpenter.sh/discovery": "flink-prod" } }]);
    assert.equal(nc.instanceStorePolicy, undefined);
    // The private subnets and the cluster security group carry the tag.
    const tag = one(resources, "aws:ec2/tag:Tag");
    assert.deepEqual([tag.inputs.key, tag.inputs.value], ["karpenter.sh/discovery", "flink-prod"]);
    const subnets = ofType(resources, "aws:ec2/subnet:Subnet").filter(
      (s) => (s.inputs.tags as any)["karpenter.sh/discovery"] === "flink-prod",
    );
    assert.equal(subnets.length, 3);
    // No Flink node group: the system one only.
    assert.deepEqual(
      ofType(resources, "aws:eks/nodeGroup:NodeGroup").map((g) => g.name),
      ["flink-platform-cluster-system"],
    );
  });

  it("stripes local NVMe for RocksDB when asked, on families that have it", async () => {
    const { resources } = await render(
      stackVariant("prod", (c) => {
        c.cluster.karpenter.localNvme = true;
        c.cluster.karpenter.instanceFamilies = ["m6id", "r6id"];
      }),
      "prod",
    );
    assert.equal(cr(resources, "EC2NodeClass").spec.instanceStorePolicy, "RAID0");
    const req = cr(resources, "NodePool").spec.template.spec.requirements;
    assert.ok(
      req.some((r: any) => r.key === "karpenter.k8s.aws/instance-local-nvme" && r.operator === "Exists"),
    );
  });
});

describe("Karpenter: the controller and its interruption queue", () => {
  it("feeds exactly the four interruption events into an encrypted queue only this account's rules may write", async () => {
    const { resources } = await prod();
    const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
    assert.deepEqual(rules.map((r) => JSON.parse(String(r.inputs.eventPattern))["detail-type"][0]).sort(), [
      "AWS Health Event",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    const queue = one(resources, "aws:sqs/queue:Queue");
    assert.equal(queue.inputs.messageRetentionSeconds, 300);
    assert.equal(queue.inputs.sqsManagedSseEnabled, true);
    const targets = ofType(resources, "aws:cloudwatch/eventTarget:EventTarget");
    assert.equal(targets.length, 4);
    for (const t of targets)
      assert.equal(t.inputs.arn, "arn:aws:sqs:eu-west-1:123456789012:flink-prod-karpenter");
    // The queue policy, evaluated: this account's EventBridge may send, another account's may not, nothing over HTTP.
    const policy = [interruptionQueuePolicy("arn:aws:sqs:eu-west-1:123456789012:flink-prod-karpenter")];
    const send = (context: Record<string, string>): IamRequest => ({
      action: "sqs:SendMessage",
      resource: "arn:aws:sqs:eu-west-1:123456789012:flink-prod-karpenter",
      principal: "events.amazonaws.com",
      context,
    });
    assert.equal(
      evaluate([], policy, send({ "aws:SourceAccount": "123456789012", "aws:SecureTransport": "true" })),
      "allow",
    );
    assert.equal(
      evaluate([], policy, send({ "aws:SourceAccount": "999999999999", "aws:SecureTransport": "true" })),
      "implicit-deny",
    );
    assert.equal(
      evaluate([], policy, send({ "aws:SourceAccount": "123456789012", "aws:SecureTransport": "false" })),
      "explicit-deny",
    );
  });

  it("lets the controller launch and end only this cluster's nodes, pass only the node role, read only its queue", () => {
    const policy = [
      karpenterControllerPolicy({
        partition: "aws",
        region: "eu-west-1",
        account: "123456789012",
        clusterName: "flink-prod",
        nodeRoleArn: "arn:aws:iam::123456789012:role/flink-prod-karpenter-node",
        instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/flink-prod-karpenter-node",
        queueArn: "arn:aws:sqs:eu-west-1:123456789012:flink-prod-karpenter",
      }),
    ];
    const ec2 = (r: string) => `arn:aws:ec2:eu-west-1:123456789012:${r}`;
    const launch = (cluster: string): IamRequest => ({
      action: "ec2:RunInstances",
      resource: ec2("instance/*"),
      context: {
        [`aws:RequestTag/kubernetes.io/cluster/${cluster}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": cluster,
        "aws:RequestTag/karpenter.sh/nodepool": "flink",
      },
    });
    assert.equal(evaluate(policy, [], launch("flink-prod")), "allow");
    assert.equal(evaluate(policy, [], launch("flink-staging")), "implicit-deny");
    assert.equal(
      evaluate(policy, [], { action: "ec2:RunInstances", resource: ec2("instance/*") }),
      "implicit-deny",
    );
    const terminate = (tags: Record<string, string>): IamRequest => ({
      action: "ec2:TerminateInstances",
      resource: ec2("instance/i-0abc"),
      context: tags,
    });
    assert.equal(
      evaluate(
        policy,
        [],
        terminate({
          "aws:ResourceTag/kubernetes.io/cluster/flink-prod": "owned",
          "aws:ResourceTag/karpenter.sh/nodepool": "flink",
        }),
      ),
      "allow",
    );
    assert.equal(
      evaluate(policy, [], terminate({ "aws:ResourceTag/kubernetes.io/cluster/flink-staging": "owned" })),
      "implicit-deny",
    );
    assert.equal(evaluate(policy, [], terminate({})), "implicit-deny", "a node group's or anyone's instance");
    const pass = (role: string) =>
      evaluate(policy, [], {
        action: "iam:PassRole",
        resource: `arn:aws:iam::123456789012:role/${role}`,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
      });
    assert.equal(pass("flink-prod-karpenter-node"), "allow");
    assert.equal(pass("flink-prod-cluster"), "implicit-deny");
    assert.equal(
      evaluate(policy, [], {
        action: "sqs:ReceiveMessage",
        resource: "arn:aws:sqs:eu-west-1:123456789012:other",
      }),
      "implicit-deny",
    );
    for (const action of ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:CreateRole"]) {
      assert.equal(evaluate(policy, [], { action, resource: "*" }), "implicit-deny", action);
    }
  });

  it("runs the controller on the system nodes with its CRDs from their own release, and an access entry for its nodes", async () => {
    const { resources } = await prod();
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release");
    const controller = releases.find(
      (r) => (r.inputs as any).chart === "oci://public.ecr.aws/karpenter/karpenter",
    )!;
    const crds = releases.find(
      (r) => (r.inputs as any).chart === "oci://public.ecr.aws/karpenter/karpenter-crd",
    )!;
    const v = (controller.inputs as any).values;
    assert.equal((controller.inputs as any).skipCrds, true);
    assert.ok(controller.dependsOn.includes(crds.name));
    assert.ok(controller.dependsOn.includes("flink-platform-cluster-system"), "on non-Karpenter nodes");
    assert.equal(v.settings.clusterName, "flink-prod");
    assert.equal(v.settings.interruptionQueue, "flink-prod-karpenter");
    assert.match(v.settings.clusterEndpoint, /^https:\/\//);
    assert.match(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /:role\/flink-prod-karpenter$/);
    assert.deepEqual(v.controller.env, [{ name: "AWS_REGION", value: "eu-west-1" }]);
    assert.deepEqual(v.nodeSelector, { "kubernetes.io/os": "linux", "flink-platform/pool": "system" });
    const entry = ofType(resources, "aws:eks/accessEntry:AccessEntry").find(
      (e) => e.inputs.type === "EC2_LINUX",
    )!;
    assert.ok(entry.dependsOn.some((d) => d.endsWith("karpenter-node")));
    // Deny by default; out on HTTPS only; nothing in.
    const policies = resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "NetworkPolicy") as NetworkPolicyLike[];
    const karpenter: PodEndpoint = {
      kind: "pod",
      namespace: "karpenter",
      labels: { "app.kubernetes.io/name": "karpenter" },
    };
    assert.ok(
      allowed(policies, {
        from: karpenter,
        to: { kind: "external", ip: "52.94.0.1" },
        port: 443,
        protocol: "TCP",
      }),
    );
    assert.ok(
      !allowed(policies, {
        from: karpenter,
        to: { kind: "external", ip: "52.94.0.1" },
        port: 80,
        protocol: "TCP",
      }),
    );
    assert.ok(
      !allowed(policies, {
        from: { kind: "pod", namespace: "payments", labels: {} },
        to: karpenter,
        port: 8080,
        protocol: "TCP",
      }),
    );
  });
});

describe("Karpenter: refused at preview", () => {
  const refused = (edit: (c: Record<string, any>) => void, path: string, message: RegExp) => {
    const found = problemsOf(stackVariant("prod", edit));
    const line = found.find((l) => l.startsWith(`flink-platform:${path}: `));
    assert.ok(line, `${path} not refused:\n${found.join("\n")}`);
    assert.match(line!, message);
  };
  it("both a Flink node group and Karpenter, or neither", () => {
    refused(
      (c) =>
        (c.cluster.nodeGroups.flink = {
          instanceTypes: ["m6i.2xlarge"],
          minSize: 1,
          desiredSize: 1,
          maxSize: 2,
        }),
      "cluster.karpenter",
      /remove cluster\.nodeGroups\.flink/,
    );
    refused(
      (c) => delete c.cluster.karpenter,
      "cluster.karpenter",
      /set cluster\.nodeGroups\.flink .* or cluster\.karpenter/,
    );
  });
  it("families of another architecture, without local NVMe, zones outside the cluster", () => {
    refused(
      (c) => (c.cluster.karpenter.instanceFamilies = ["m6i", "m7g"]),
      "cluster.karpenter.instanceFamilies[1]",
      /m7g is arm64/,
    );
    refused(
      (c) => (c.cluster.karpenter.localNvme = true),
      "cluster.karpenter.instanceFamilies[0]",
      /m6i has no local NVMe/,
    );
    refused(
      (c) => (c.cluster.karpenter.zones = ["eu-west-1d"]),
      "cluster.karpenter.zones[0]",
      /not one of the cluster's availabilityZones/,
    );
  });
  it("capacity types without Karpenter, and Karpenter inside the VPC without its endpoints", () => {
    const found = problemsOf(
      stackVariant("staging", (c) => (c.namespaces[0].taskManagerCapacity = ["spot"])),
    );
    assert.ok(
      found.some((l) => /namespaces\[0\]\.taskManagerCapacity: only with cluster\.karpenter/.test(l)),
      found.join("\n"),
    );
    refused(
      (c) => (c.cluster.httpsEgress = "vpc"),
      "cluster.interfaceEndpoints",
      /httpsEgress "vpc" with Karpenter needs "sqs", "ssm"/,
    );
  });
  it("NodePool limits below what the Flink pods may grow to", () => {
    refused(
      (c) => (c.cluster.karpenter.limits = { cpu: 32, memory: "128Gi" }),
      "cluster.karpenter.limits",
      /the Flink pods .* need \d+ r6i\.2xlarge nodes, but the NodePool limits hold 2/,
    );
  });
});
