/**
 * Policy edge cases the fixtures in policies.test.ts do not reach: several buckets in one stack,
 * settings still unknown at preview, legacy and custom HA keys, sizes that are not whole GiB,
 * quotas that limit only some resources. Each asserts the exact verdict.
 */
import { strict as assert } from "assert";
import { PolicyResource, POLICIES } from "../policies/policies";
import { PackConfig, runPolicies } from "../policies/runner";
import { STATELESS_APPROVED_ANNOTATION } from "../policies/annotations";
import { chartRelease, hardenedBucket as bucket } from "./policyResources";

const ALL_MANDATORY: PackConfig = { all: "mandatory" };
const policy = (name: string) => {
  const p = POLICIES.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}`);
  return p;
};
const verdicts = (name: string, resources: PolicyResource[]) =>
  runPolicies(resources, ALL_MANDATORY, [policy(name)]).map((v) => `${v.resource}: ${v.message}`);

describe("policy edge cases", () => {
  describe("s3-bucket-hardened", () => {
    it("judges each bucket by its own settings, not its neighbour's", () => {
      assert.deepEqual(
        verdicts("s3-bucket-hardened", [...bucket("a", "store-a"), ...bucket("b", "store-b")]),
        [],
      );
      assert.deepEqual(
        verdicts("s3-bucket-hardened", [
          ...bucket("a", "store-a", ["sse", "versioning", "pab", "policy"]),
          ...bucket("b", "store-a"),
        ]),
        [
          "a-bucket: is not encrypted with KMS (SSE-KMS)",
          "a-bucket: does not have versioning enabled",
          "a-bucket: does not block all four kinds of public access",
          "a-bucket: has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)",
        ],
        "settings for bucket b under the same parent do not harden bucket a",
      );
    });

    it("matches settings by parent while bucket names are unknown at preview", () => {
      assert.deepEqual(verdicts("s3-bucket-hardened", bucket(undefined, "store")), []);
      assert.deepEqual(
        verdicts("s3-bucket-hardened", [
          ...bucket(undefined, "store-a", ["versioning"]),
          ...bucket(undefined, "store-b").filter((r) => r.type.includes("Versioning")),
        ]),
        ["unknown-bucket: does not have versioning enabled"],
      );
      const orphan = bucket(undefined, "store").map((r) => ({ ...r, parent: undefined }));
      assert.deepEqual(
        verdicts("s3-bucket-hardened", orphan),
        [
          "unknown-bucket: is not encrypted with KMS (SSE-KMS)",
          "unknown-bucket: does not have versioning enabled",
          "unknown-bucket: does not block all four kinds of public access",
          "unknown-bucket: has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)",
        ],
        "without a name or a parent, no setting can be matched to the bucket",
      );
    });

    it("accepts the bucket's inline encryption and versioning (the v1 Bucket inputs)", () => {
      const inline = bucket("a", "s", ["sse", "versioning"]);
      inline[0] = {
        ...inline[0],
        props: {
          bucket: "a",
          serverSideEncryptionConfiguration: {
            rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } },
          },
          versioning: { enabled: true },
        },
      };
      assert.deepEqual(verdicts("s3-bucket-hardened", inline), []);
      const sseWithoutRules = bucket("a", "s");
      sseWithoutRules[1] = { ...sseWithoutRules[1], props: { bucket: "a" } };
      assert.deepEqual(verdicts("s3-bucket-hardened", sseWithoutRules), [
        "a-bucket: is not encrypted with KMS (SSE-KMS)",
      ]);
    });
  });

  describe("iam-no-wildcard-admin", () => {
    const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
    const admin = { Effect: "Allow", Action: "*:*", Resource: "*" };
    it("reads every kind of IAM document", () => {
      const resources: PolicyResource[] = [
        { type: "aws:iam/policy:Policy", name: "managed", props: { policy: doc(admin) } },
        { type: "aws:iam/rolePolicy:RolePolicy", name: "inline", props: { policy: doc(admin) } },
        { type: "aws:iam/userPolicy:UserPolicy", name: "user", props: { policy: doc(admin) } },
        { type: "aws:iam/groupPolicy:GroupPolicy", name: "group", props: { policy: doc(admin) } },
        {
          type: "aws:iam/role:Role",
          name: "role",
          props: { inlinePolicies: [{ name: "x", policy: doc(admin) }] },
        },
        { type: "aws:iam/role:Role", name: "bare", props: {} },
      ];
      assert.deepEqual(verdicts("iam-no-wildcard-admin", resources), [
        'aws:iam/policy:Policy::managed: allows every action ("*")',
        'aws:iam/rolePolicy:RolePolicy::inline: allows every action ("*")',
        'aws:iam/userPolicy:UserPolicy::user: allows every action ("*")',
        'aws:iam/groupPolicy:GroupPolicy::group: allows every action ("*")',
        'aws:iam/role:Role::role: allows every action ("*")',
      ]);
    });

    it("judges only Allow statements, and service-wide actions only on every resource", () => {
      const policy = (...st: object[]): PolicyResource[] => [
        { type: "aws:iam/rolePolicy:RolePolicy", name: "p", props: { policy: doc(...st) } },
      ];
      assert.deepEqual(verdicts("iam-no-wildcard-admin", policy({ ...admin, Effect: "Deny" })), []);
      assert.deepEqual(
        verdicts(
          "iam-no-wildcard-admin",
          policy({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }),
        ),
        [],
      );
      assert.deepEqual(
        verdicts(
          "iam-no-wildcard-admin",
          policy({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" }),
        ),
        ["aws:iam/rolePolicy:RolePolicy::p: allows with NotAction (every action but a list)"],
      );
      assert.deepEqual(
        verdicts(
          "iam-no-wildcard-admin",
          policy({
            Effect: "Allow",
            Action: ["s3:*", "kms:*", "s3:GetObject"],
            Resource: ["arn:aws:s3:::b", "*"],
          }),
        ),
        ["aws:iam/rolePolicy:RolePolicy::p: allows s3:*, kms:* on every resource"],
      );
    });

    it("refuses the administrator-like managed policies, and no others", () => {
      const attach = (policyArn: string): PolicyResource[] => [
        { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "a", props: { policyArn } },
      ];
      for (const name of ["PowerUserAccess", "IAMFullAccess"])
        assert.deepEqual(verdicts("iam-no-wildcard-admin", attach(`arn:aws:iam::aws:policy/${name}`)), [
          `aws:iam/rolePolicyAttachment:RolePolicyAttachment::a: attaches arn:aws:iam::aws:policy/${name}`,
        ]);
      assert.deepEqual(
        verdicts("iam-no-wildcard-admin", attach("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")),
        [],
      );
      assert.deepEqual(
        verdicts("iam-no-wildcard-admin", attach("arn:aws:iam::aws:policy/AdministratorAccessButNotReally")),
        [],
      );
    });
  });

  describe("s3-no-public-policy", () => {
    const bucketPolicy = (type: string, ...Statement: object[]): PolicyResource => ({
      type,
      name: "p",
      props: { policy: JSON.stringify({ Version: "2012-10-17", Statement }) },
    });
    const BP = "aws:s3/bucketPolicy:BucketPolicy";
    it("refuses anyone allowed without a condition, however the principal is spelt", () => {
      assert.deepEqual(
        verdicts("s3-no-public-policy", [
          bucketPolicy(BP, {
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::1:root", "*"] },
            Action: "s3:GetObject",
          }),
        ]),
        ['aws:s3/bucketPolicy:BucketPolicy::p: allows anyone (Principal "*") without a condition'],
      );
      for (const st of [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } },
        },
        { Effect: "Deny", Principal: "*", Action: "s3:*" },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "s3:GetObject" },
      ])
        assert.deepEqual(verdicts("s3-no-public-policy", [bucketPolicy(BP, st)]), [], JSON.stringify(st));
      assert.deepEqual(
        verdicts("s3-no-public-policy", [
          bucketPolicy("aws:iam/rolePolicy:RolePolicy", { Effect: "Allow", Principal: "*" }),
        ]),
        [],
        "only bucket policies",
      );
    });
    it("a service-wide action is `service:*`, not a pattern ending or starting in *", () => {
      const policy = (Action: string) => [
        {
          type: "aws:iam/rolePolicy:RolePolicy",
          name: "p",
          props: {
            policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Action, Resource: "*" }],
            }),
          },
        },
      ];
      assert.deepEqual(verdicts("iam-no-wildcard-admin", policy("s3:*Object")), []);
      assert.deepEqual(verdicts("iam-no-wildcard-admin", policy("s3:Get*")), []);
      assert.deepEqual(verdicts("iam-no-wildcard-admin", policy("*")), [
        'aws:iam/rolePolicy:RolePolicy::p: allows every action ("*")',
      ]);
    });
  });

  describe("iam-trust-scoped", () => {
    const role = (...Statement: object[]): PolicyResource[] => [
      {
        type: "aws:iam/role:Role",
        name: "r",
        props: { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement }) },
      },
    ];
    it("services need aws:SourceAccount, EC2 excepted; Deny statements and other resources are not trusts", () => {
      assert.deepEqual(
        verdicts(
          "iam-trust-scoped",
          role({
            Effect: "Allow",
            Principal: { Service: ["ec2.amazonaws.com", "scheduler.amazonaws.com", "eks.amazonaws.com"] },
          }),
        ),
        ["aws:iam/role:Role::r: trusts scheduler.amazonaws.com, eks.amazonaws.com without aws:SourceAccount"],
      );
      assert.deepEqual(
        verdicts(
          "iam-trust-scoped",
          role({
            Effect: "Allow",
            Principal: { Service: "eks.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": "1" } },
          }),
        ),
        [],
      );
      assert.deepEqual(
        verdicts("iam-trust-scoped", role({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" } })),
        [],
      );
      assert.deepEqual(verdicts("iam-trust-scoped", role({ Effect: "Deny", Principal: "*" })), []);
      assert.deepEqual(
        verdicts("iam-trust-scoped", [
          {
            type: "aws:iam/policy:Policy",
            name: "p",
            props: { assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*" }] }) },
          },
        ]),
        [],
      );
    });
  });

  describe("production rules by kind", () => {
    const flink = (kind: string, spec: object, annotations: Record<string, string> = {}): PolicyResource => ({
      type: `kubernetes:flink.apache.org/v1beta1:${kind}`,
      name: "j",
      props: { kind, metadata: { name: "j", annotations }, spec },
    });
    it("stateless upgrades: application and session jobs alike, unless approved", () => {
      for (const kind of ["FlinkDeployment", "FlinkSessionJob"])
        assert.deepEqual(
          verdicts("production-stateful-upgrade", [flink(kind, { job: { upgradeMode: "stateless" } })]),
          [
            `kubernetes:flink.apache.org/v1beta1:${kind}::j: upgrades with "stateless", losing state (approve with allowStatelessInProduction)`,
          ],
        );
      assert.deepEqual(
        verdicts("production-stateful-upgrade", [
          flink(
            "FlinkSessionJob",
            { job: { upgradeMode: "stateless" } },
            {
              [STATELESS_APPROVED_ANNOTATION]: "true",
            },
          ),
        ]),
        [],
      );
      for (const upgradeMode of ["savepoint", "last-state", undefined])
        assert.deepEqual(
          verdicts("production-stateful-upgrade", [flink("FlinkDeployment", { job: { upgradeMode } })]),
          [],
        );
      assert.deepEqual(
        verdicts("production-stateful-upgrade", [
          {
            type: "kubernetes:apps/v1:Deployment",
            name: "d",
            props: { kind: "Deployment", spec: { job: { upgradeMode: "stateless" } } },
          },
        ]),
        [],
      );
    });

    it("standby JobManagers and ZooKeeper quorums, only where they apply", () => {
      assert.deepEqual(verdicts("production-standby-jobmanagers", [flink("FlinkDeployment", {})]), [
        "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::j: runs 1 JobManager, no standby",
      ]);
      assert.deepEqual(verdicts("production-standby-jobmanagers", [flink("FlinkSessionJob", {})]), []);
      const sts = (name: string, replicas?: number): PolicyResource => ({
        type: "kubernetes:apps/v1:StatefulSet",
        name,
        props: {
          kind: "StatefulSet",
          metadata: { labels: { "app.kubernetes.io/name": name } },
          spec: { replicas },
        },
      });
      assert.deepEqual(
        verdicts("production-zookeeper-quorum", [sts("zookeeper", 3), sts("postgres", 1)]),
        [],
      );
      assert.deepEqual(verdicts("production-zookeeper-quorum", [sts("zookeeper")]), [
        "kubernetes:apps/v1:StatefulSet::zookeeper: has 1 members; use an odd number ≥ 3",
      ]);
      assert.deepEqual(verdicts("production-zookeeper-quorum", [sts("zookeeper", 5)]), []);
    });
  });

  describe("production-ha", () => {
    const fd = (conf: Record<string, string> | undefined): PolicyResource => ({
      type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
      name: "job",
      props: { kind: "FlinkDeployment", spec: conf === undefined ? undefined : { flinkConfiguration: conf } },
    });
    it("accepts Kubernetes, ZooKeeper (any case, either key) and a custom HA factory class", () => {
      for (const conf of <Record<string, string>[]>[
        { "high-availability.type": "KUBERNETES" },
        { "high-availability.type": "zookeeper" },
        { "high-availability": "ZooKeeper" },
        { "high-availability.type": "com.acme.HaFactory" },
      ])
        assert.deepEqual(verdicts("production-ha", [fd(conf)]), [], JSON.stringify(conf));
    });
    it("refuses none, an unknown mode, or no configuration at all", () => {
      const refused: (Record<string, string> | undefined)[] = [
        { "high-availability.type": "NONE" },
        { "high-availability": "kube" },
        {},
        undefined,
      ];
      for (const conf of refused)
        assert.deepEqual(
          verdicts("production-ha", [fd(conf)]),
          ["kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: runs without high availability"],
          JSON.stringify(conf),
        );
    });
  });

  describe("resource-caps and quotas", () => {
    it("states sizes that are not whole GiB in MiB", () => {
      const fd: PolicyResource = {
        type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
        name: "job",
        props: { kind: "FlinkDeployment", spec: { taskManager: { resource: { cpu: 1, memory: "33280m" } } } },
      };
      assert.deepEqual(verdicts("resource-caps", [fd]), [
        "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: taskManager asks for 33280Mi memory, above the cap of 32Gi",
      ]);
    });

    it("finds resources anywhere in a chart's values, and only in a chart's", () => {
      const release = chartRelease;
      assert.deepEqual(
        verdicts("resource-caps", [
          release({
            resources: { limits: { cpu: 100 } },
            sidecar: { resources: ["not", "a", "block"] },
            other: { resources: { claims: [] } },
            nested: { deeper: { resources: { requests: { memory: "40Gi" } } } },
          }),
        ]),
        [
          "kubernetes:helm.sh/v3:Release::r: values.resources asks for 100 cpu, above the cap of 8",
          "kubernetes:helm.sh/v3:Release::r: values.nested.deeper.resources asks for 40Gi memory, above the cap of 32Gi",
        ],
      );
      const notAChart: PolicyResource = {
        type: "kubernetes:core/v1:ConfigMap",
        name: "cm",
        props: { kind: "ConfigMap", values: { resources: { limits: { cpu: 100 } } } },
      };
      assert.deepEqual(verdicts("resource-caps", [notAChart]), []);
    });

    it("allows exactly the cap, and judges Flink's counts only on Flink resources", () => {
      const fd = (kind: string, spec: object): PolicyResource => ({
        type: `kubernetes:flink.apache.org/v1beta1:${kind}`,
        name: "job",
        props: { kind, spec },
      });
      const atCaps = {
        flinkConfiguration: {
          "taskmanager.numberOfTaskSlots": "4",
          "job.autoscaler.vertex.max-parallelism": "512",
        },
        jobManager: { resource: { cpu: 8, memory: "32g" } },
        taskManager: { resource: { cpu: 8, memory: "32768m" } },
        job: { parallelism: 200 },
      };
      assert.deepEqual(
        verdicts("resource-caps", [fd("FlinkDeployment", atCaps)]),
        [],
        "8 cpu, 32Gi, 50 TaskManagers, 512",
      );
      assert.deepEqual(
        verdicts("resource-caps", [fd("FlinkDeployment", { ...atCaps, job: { parallelism: 204 } })]),
        ["kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: 51 TaskManagers, above the cap of 50"],
      );
      assert.deepEqual(
        verdicts("resource-caps", [
          fd("FlinkSessionJob", { job: { parallelism: 512 }, taskManager: { replicas: 400 } }),
        ]),
        [],
        "a session job has no TaskManagers of its own",
      );
      assert.deepEqual(verdicts("resource-caps", [fd("FlinkSessionJob", { job: { parallelism: 513 } })]), [
        "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob::job: parallelism 513, above the cap of 512",
      ]);
      const other: PolicyResource = {
        type: "kubernetes:apps/v1:Deployment",
        name: "d",
        props: { kind: "Deployment", spec: { job: { parallelism: 9999 }, taskManager: { replicas: 999 } } },
      };
      assert.deepEqual(verdicts("resource-caps", [other]), []);
    });

    it("names the resources a quota leaves unlimited", () => {
      const ns = "payments";
      const resources: PolicyResource[] = [
        {
          type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
          name: "job",
          props: { kind: "FlinkDeployment", metadata: { name: "job", namespace: ns }, spec: {} },
        },
        {
          type: "kubernetes:core/v1:ResourceQuota",
          name: "q",
          props: {
            kind: "ResourceQuota",
            metadata: { name: "q", namespace: ns },
            spec: { hard: { "requests.cpu": "8" } },
          },
        },
        {
          type: "kubernetes:core/v1:LimitRange",
          name: "l",
          props: { kind: "LimitRange", metadata: { name: "l", namespace: ns }, spec: {} },
        },
      ];
      assert.deepEqual(verdicts("namespace-quota-and-limits", resources), [
        'namespace/payments: the ResourceQuota of "payments" does not limit requests.memory, limits.memory',
      ]);
    });
  });

  describe("EKS and the network", () => {
    const cluster = (props: object): PolicyResource => ({
      type: "aws:eks/cluster:Cluster",
      name: "eks",
      props,
    });
    it("secrets encryption: one config or several, naming secrets", () => {
      assert.deepEqual(
        verdicts("eks-secrets-encryption", [cluster({ encryptionConfig: { resources: ["secrets"] } })]),
        [],
      );
      assert.deepEqual(
        verdicts("eks-secrets-encryption", [
          cluster({ encryptionConfig: [{ resources: ["other"] }, { resources: ["secrets"] }] }),
        ]),
        [],
      );
      for (const encryptionConfig of [{}, [{ resources: ["other"] }], undefined])
        assert.deepEqual(
          verdicts("eks-secrets-encryption", [cluster({ encryptionConfig })]),
          ["aws:eks/cluster:Cluster::eks: does not encrypt secrets with KMS"],
          JSON.stringify(encryptionConfig),
        );
    });

    it("the API endpoint: private is fine, a few networks are fine, the whole internet never", () => {
      const endpoint = (vpcConfig: object) => verdicts("eks-endpoint-not-open", [cluster({ vpcConfig })]);
      assert.deepEqual(endpoint({ endpointPublicAccess: false }), []);
      assert.deepEqual(
        endpoint({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "10.0.0.0/8"] }),
        [],
      );
      assert.deepEqual(endpoint({ publicAccessCidrs: [...Array(256).keys()].map((i) => `${i}.0.0.0/8`) }), [
        "aws:eks/cluster:Cluster::eks: has a public API endpoint whose ranges cover the whole internet",
      ]);
      assert.deepEqual(
        endpoint({ publicAccessCidrs: [...Array(255).keys()].map((i) => `${i}.0.0.0/8`) }),
        [],
        "all but one /8 leaves a network out",
      );
    });

    it('the VPC CNI enforces NetworkPolicies only with the string "true"', () => {
      const eks = cluster({});
      const cni = (configurationValues?: string): PolicyResource => ({
        type: "aws:eks/addon:Addon",
        name: "vpc-cni",
        props: { addonName: "vpc-cni", configurationValues },
      });
      const refused = ["aws:eks/addon:Addon::vpc-cni: the VPC CNI add-on does not enforce NetworkPolicies"];
      assert.deepEqual(
        verdicts("eks-network-policy-enforced", [eks, cni('{"enableNetworkPolicy":"true"}')]),
        [],
      );
      assert.deepEqual(
        verdicts("eks-network-policy-enforced", [eks, cni('{"enableNetworkPolicy":true}')]),
        refused,
      );
      assert.deepEqual(verdicts("eks-network-policy-enforced", [eks, cni("not json")]), refused);
      assert.deepEqual(verdicts("eks-network-policy-enforced", [eks, cni()]), refused);
      assert.deepEqual(
        verdicts("eks-network-policy-enforced", [cni()]),
        [],
        "no EKS cluster, no CNI to judge",
      );
    });

    it("security groups: open ingress only, in every spelling", () => {
      const sg = (type: string, props: object): PolicyResource => ({ type, name: "sg", props });
      assert.deepEqual(
        verdicts("no-open-security-group-ingress", [
          sg("aws:ec2/securityGroup:SecurityGroup", {
            ingress: [{ ipv6CidrBlocks: ["::/0"], cidrBlocks: ["10.0.0.0/8"] }],
          }),
          sg("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "egress", cidrBlocks: ["0.0.0.0/0"] }),
          sg("aws:ec2/securityGroup:SecurityGroup", {}),
          sg("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv6: "::/0" }),
          sg("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { cidrIpv4: "0.0.0.0/0" }),
        ]),
        [
          "aws:ec2/securityGroup:SecurityGroup::sg: admits ingress from ::/0",
          "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::sg: admits ingress from ::/0",
        ],
      );
    });
  });

  describe("pod security in manifests and chart values", () => {
    it("names each kind of host access a chart's values turn on", () => {
      const release = chartRelease({
        hostPID: true,
        agent: { hostIPC: true, securityContext: { privileged: true, allowPrivilegeEscalation: true } },
        logs: { hostPath: "/var/log" },
        safe: { hostNetwork: false, privileged: false },
      });
      assert.deepEqual(verdicts("pod-security", [release]), [
        "kubernetes:helm.sh/v3:Release::r: values.hostPID is true",
        "kubernetes:helm.sh/v3:Release::r: values.agent.hostIPC is true",
        "kubernetes:helm.sh/v3:Release::r: values.agent.securityContext.privileged is true",
        "kubernetes:helm.sh/v3:Release::r: values.agent.securityContext.allowPrivilegeEscalation is true",
        "kubernetes:helm.sh/v3:Release::r: values.logs mounts a hostPath",
      ]);
    });

    it("a container as root or on a host port", () => {
      const deployment: PolicyResource = {
        type: "kubernetes:apps/v1:Deployment",
        name: "d",
        props: {
          kind: "Deployment",
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: "a",
                    securityContext: { runAsUser: 0 },
                    ports: [{ containerPort: 80, hostPort: 80 }],
                  },
                  { name: "b", securityContext: { runAsUser: 1000 }, ports: [{ containerPort: 80 }] },
                ],
              },
            },
          },
        },
      };
      assert.deepEqual(verdicts("pod-security", [deployment]), [
        'kubernetes:apps/v1:Deployment::d: container "a" (pod template) runs as root (runAsUser 0)',
        'kubernetes:apps/v1:Deployment::d: container "a" (pod template) binds a host port',
      ]);
    });
  });

  describe("production-alert-receiver", () => {
    const kps = (config: object, chart = "kube-prometheus-stack"): PolicyResource[] => [
      {
        type: "kubernetes:helm.sh/v3:Release",
        name: "kps",
        props: { chart, namespace: "monitoring", values: { alertmanager: { config } } },
      },
      {
        type: "kubernetes:core/v1:Namespace",
        name: "monitoring",
        props: { kind: "Namespace", metadata: { name: "monitoring" } },
      },
    ];
    const refused = [
      'kubernetes:helm.sh/v3:Release::kps: critical alerts reach no receiver that notifies anyone; add one, or annotate namespace "monitoring" with flink-platform/no-alert-receiver-reason saying why',
    ];
    const pager = { name: "pager", pagerduty_configs: [{ routing_key_file: "/k" }] };

    it("counts only receivers with at least one integration entry", () => {
      assert.deepEqual(
        verdicts("production-alert-receiver", kps({ route: { receiver: "pager" }, receivers: [pager] })),
        [],
      );
      for (const receiver of [
        { name: "pager", pagerduty_configs: [] },
        { name: "pager", pagerduty_configs: {} },
        { name: "pager", webhook: [{ url: "x" }] },
      ])
        assert.deepEqual(
          verdicts("production-alert-receiver", kps({ route: { receiver: "pager" }, receivers: [receiver] })),
          refused,
          JSON.stringify(receiver),
        );
    });

    it("follows the route: a child inherits its parent's receiver; without continue, later siblings get nothing", () => {
      const routed = (routes: object[], receivers = [pager]) =>
        verdicts(
          "production-alert-receiver",
          kps({ route: { receiver: "pager", routes }, receivers: [{ name: "null" }, ...receivers] }),
        );
      assert.deepEqual(routed([{ matchers: ['severity="critical"'] }]), [], "inherits pager");
      assert.deepEqual(
        routed([
          { receiver: "null", matchers: ['severity="critical"'] },
          { receiver: "pager", matchers: ['severity="critical"'] },
        ]),
        refused,
      );
      assert.deepEqual(
        routed([
          { receiver: "null", matchers: ['severity="critical"'], continue: true },
          { receiver: "pager", matchers: ['severity="critical"'] },
        ]),
        [],
      );
      assert.deepEqual(
        verdicts("production-alert-receiver", kps({ route: {}, receivers: [pager] })),
        refused,
        "no receiver is null",
      );
    });

    it("judges only the kube-prometheus-stack release", () => {
      assert.deepEqual(
        verdicts("production-alert-receiver", kps({ route: { receiver: "null" }, receivers: [] }, "other")),
        [],
      );
    });
  });

  describe("namespaces and Flink pod templates", () => {
    const netpol = (spec: object): PolicyResource => ({
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      name: "np",
      props: { kind: "NetworkPolicy", metadata: { name: "np", namespace: "x" }, spec },
    });
    const ns: PolicyResource = {
      type: "kubernetes:core/v1:Namespace",
      name: "x",
      props: { kind: "Namespace", metadata: { name: "x" } },
    };
    it("a default deny selects every pod, both directions, and allows nothing", () => {
      const refused = ['namespace/x: namespace "x" has no default-deny NetworkPolicy'];
      assert.deepEqual(
        verdicts("namespace-default-deny", [
          ns,
          netpol({ podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        ]),
        [],
      );
      assert.deepEqual(
        verdicts("namespace-default-deny", [ns, netpol({ podSelector: {} })]),
        refused,
        "no policyTypes",
      );
      assert.deepEqual(
        verdicts("namespace-default-deny", [
          ns,
          netpol({ podSelector: { matchLabels: { a: "b" } }, policyTypes: ["Ingress", "Egress"] }),
        ]),
        refused,
        "selects some pods only",
      );
      assert.deepEqual(
        verdicts("namespace-default-deny", [
          ns,
          netpol({ podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] }),
        ]),
        refused,
        "allows all egress",
      );
    });

    it("the autoscaler's ceiling against the namespace's memory quota, in Gi", () => {
      const resources: PolicyResource[] = [
        {
          type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
          name: "job",
          props: {
            kind: "FlinkDeployment",
            metadata: { name: "job", namespace: "p" },
            spec: {
              flinkConfiguration: {
                "job.autoscaler.enabled": "true",
                "job.autoscaler.vertex.max-parallelism": "16",
                "taskmanager.numberOfTaskSlots": "4",
              },
              jobManager: { resource: { cpu: 1, memory: "2g" } },
              taskManager: { resource: { cpu: 1, memory: "8g" } },
            },
          },
        },
        {
          type: "kubernetes:core/v1:ResourceQuota",
          name: "q",
          props: {
            kind: "ResourceQuota",
            metadata: { name: "q", namespace: "p" },
            spec: { hard: { "requests.cpu": "100", "requests.memory": "32Gi" } },
          },
        },
      ];
      assert.deepEqual(verdicts("flink-autoscaler-within-quota", resources), [
        'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: its autoscaler may grow to 4 TaskManagers, beyond the quota of namespace "p" (memory 34Gi > 32Gi)',
      ]);
    });

    it("pod templates: Flink's ports and mounts are taken, wherever the container is", () => {
      const fd = (podTemplate: object): PolicyResource => ({
        type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
        name: "job",
        props: { kind: "FlinkDeployment", spec: { podTemplate } },
      });
      assert.deepEqual(
        verdicts("flink-pod-templates-platform-owned", [
          fd({
            spec: {
              serviceAccount: "x",
              initContainers: [
                {
                  name: "init",
                  ports: [{ containerPort: 6123 }],
                  volumeMounts: [{ mountPath: "/opt/flink/plugins/s3" }],
                },
              ],
              containers: [
                {
                  name: "flink-main-container",
                  ports: [{ containerPort: 8081 }],
                  env: [{ name: "API_KEY", valueFrom: {} }],
                },
                {
                  name: "side",
                  ports: [{ containerPort: 9000 }],
                  volumeMounts: [{ mountPath: "/opt/flink/confx" }],
                  env: [{ name: "db_token", value: "x" }],
                },
              ],
            },
          }),
        ]),
        [
          "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: podTemplate sets its own service account",
          'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "init" (podTemplate) listens on Flink\'s port 6123',
          'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "init" (podTemplate) mounts over /opt/flink/plugins',
          'kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: container "side" (podTemplate) has a plain value for db_token: reference a Secret (valueFrom.secretKeyRef)',
        ],
      );
    });

    it("a bare Pod is judged like a workload's template", () => {
      const pod: PolicyResource = {
        type: "kubernetes:core/v1:Pod",
        name: "p",
        props: { kind: "Pod", spec: { hostNetwork: true } },
      };
      assert.deepEqual(verdicts("pod-security", [pod]), [
        "kubernetes:core/v1:Pod::p: pod: hostNetwork is true",
      ]);
    });
  });
});
