import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { stackVariant, validate } from "./harness";
import { POLICIES, PolicyResource, imageProblem } from "../policies/policies";
import { PackConfig, runPolicies, settingsOf } from "../policies/runner";
import { parseFlinkMemory, parseQuantity } from "../policies/quantities";
import { VERDICTS } from "./policyVerdicts";

const API: Record<string, string> = {
  FlinkDeployment: "flink.apache.org/v1beta1",
  FlinkSessionJob: "flink.apache.org/v1beta1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  NetworkPolicy: "networking.k8s.io/v1",
};
const k8s = (kind: string, props: Record<string, any>, name = "r"): PolicyResource => ({
  type: `kubernetes:${API[kind] ?? "core/v1"}:${kind}`,
  name,
  props: { kind, ...props },
});

const IMAGE =
  "minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e";
const safe = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true };
const container = (resources: any, image = IMAGE, extra: object = {}) => ({
  name: "main",
  image,
  resources,
  securityContext: safe,
  ...extra,
});
const workload = (kind: string, c: any, spec: object = {}) =>
  k8s(kind, {
    metadata: { name: "w", namespace: "payments" },
    spec:
      kind === "CronJob"
        ? { jobTemplate: { spec: { template: { spec: { containers: [c], ...spec } } } } }
        : { template: { spec: { containers: [c], ...spec } } },
  });
const deployment = (c: any, spec: object = {}) => workload("Deployment", c, spec);
const equalResources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } };
const FLINK_IMAGE =
  "flink:1.20.3-scala_2.12-java17@sha256:3f62b87223b90e2f614d826fae08bed2704d38d9851eed118a71cbfdb35e4800";

function flinkDeployment(edit: (spec: any, metadata: any) => void = () => {}, name = "job"): PolicyResource {
  const spec: any = {
    image: FLINK_IMAGE,
    flinkConfiguration: {
      "high-availability.type": "kubernetes",
      "taskmanager.numberOfTaskSlots": "4",
      "job.autoscaler.enabled": "true",
      "job.autoscaler.vertex.max-parallelism": "32",
    },
    jobManager: { resource: { cpu: 1, memory: "2g" }, replicas: 2 },
    taskManager: { resource: { cpu: 2, memory: "8g" } },
    podTemplate: { spec: { containers: [{ name: "flink-main-container", securityContext: safe }] } },
    job: { jarURI: "s3://artifacts/payments/job.jar", parallelism: 16, upgradeMode: "savepoint" },
  };
  const metadata: any = { name, namespace: "payments" };
  edit(spec, metadata);
  return k8s("FlinkDeployment", { metadata, spec }, name);
}

const release = (values: object): PolicyResource => ({
  type: "kubernetes:helm.sh/v3:Release",
  name: "release",
  props: { chart: "x", namespace: "monitoring", values },
});

const bucketSet = (edit: (rs: Record<string, PolicyResource>) => void = () => {}): PolicyResource[] => {
  const b = "state";
  const rs: Record<string, PolicyResource> = {
    bucket: { type: "aws:s3/bucket:Bucket", name: "bucket", parent: "store", props: { bucket: b } },
    sse: {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: "sse",
      parent: "store",
      props: { bucket: b, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
    },
    versioning: {
      type: "aws:s3/bucketVersioning:BucketVersioning",
      name: "versioning",
      parent: "store",
      props: { bucket: b, versioningConfiguration: { status: "Enabled" } },
    },
    pab: {
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: "pab",
      parent: "store",
      props: {
        bucket: b,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
    policy: {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: "tls",
      parent: "store",
      props: {
        bucket: b,
        policy: JSON.stringify({
          Statement: [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
    },
  };
  edit(rs);
  return Object.values(rs);
};

const eks = (edit: (p: any) => void = () => {}): PolicyResource => {
  const props: any = {
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:1:key/k" }, resources: ["secrets"] },
    vpcConfig: {
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    },
  };
  edit(props);
  return { type: "aws:eks/cluster:Cluster", name: "eks", props };
};
const cni = (enableNetworkPolicy: string): PolicyResource => ({
  type: "aws:eks/addon:Addon",
  name: "vpc-cni",
  props: { addonName: "vpc-cni", configurationValues: JSON.stringify({ enableNetworkPolicy }) },
});

const iam = (statement: object): PolicyResource => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "policy",
  props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
});
const role = (statement: object): PolicyResource => ({
  type: "aws:iam/role:Role",
  name: "role",
  props: { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
});

const quota = (cpu: string, memory: string) =>
  k8s("ResourceQuota", {
    metadata: { name: "q", namespace: "payments" },
    spec: { hard: { "requests.cpu": cpu, "requests.memory": memory, "limits.memory": memory } },
  });
const limitRange = k8s("LimitRange", { metadata: { name: "l", namespace: "payments" }, spec: {} });
const defaultDeny = k8s("NetworkPolicy", {
  metadata: { name: "default-deny", namespace: "payments" },
  spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
});
const namespace = (level: string | undefined, reason?: string) =>
  k8s("Namespace", {
    metadata: {
      name: "x",
      labels: level ? { "pod-security.kubernetes.io/enforce": level } : {},
      annotations: reason ? { "flink-platform/pod-security-reason": reason } : {},
    },
  });
const service = (type: string, approved = false) =>
  k8s("Service", {
    metadata: {
      name: "s",
      namespace: "x",
      annotations: approved ? { "flink-platform/external-access-approved": "SRE-123" } : {},
    },
    spec: { type },
  });
const zookeeper = (replicas: number) =>
  k8s("StatefulSet", {
    metadata: { name: "zookeeper", labels: { "app.kubernetes.io/name": "zookeeper" } },
    spec: { replicas },
  });

/** kube-prometheus-stack with this Alertmanager routing, and its namespace. */
const alerting = (
  route: object,
  receivers: object[],
  reason?: string,
  enabled = true,
  ns = reason ? "sandbox-monitoring" : "monitoring",
): PolicyResource[] => [
  {
    type: "kubernetes:helm.sh/v3:Release",
    name: `kps-${ns}`,
    props: {
      chart: "kube-prometheus-stack",
      namespace: ns,
      values: { alertmanager: { enabled, config: { route, receivers } } },
    },
  },
  k8s("Namespace", {
    metadata: {
      name: ns,
      annotations: reason ? { "flink-platform/no-alert-receiver-reason": reason } : {},
    },
  }),
];
const pager = { name: "oncall", pagerduty_configs: [{ routing_key_file: "/etc/key" }] };
const critical = (receiver: string) => ({
  receiver: "null",
  routes: [
    { receiver: "null", matchers: ['alertname="Watchdog"'] },
    { receiver: "null", matchers: ['severity="critical"'], routes: [{ receiver, continue: true }] },
  ],
});

interface Fixture {
  compliant: PolicyResource[];
  /** One violating set per property the policy claims. */
  violating: Record<string, PolicyResource[]>;
}

/** For every policy: resources it must pass, and, per property it claims, resources it must refuse. */
const FIXTURES: Record<string, Fixture> = {
  "container-resources": {
    compliant: [deployment(container(equalResources)), flinkDeployment()],
    violating: {
      "container without a memory request": [deployment(container({ requests: { cpu: "500m" } }))],
      "Flink process without memory": [flinkDeployment((s) => delete s.taskManager.resource.memory)],
      "sidecar in a Flink pod template without resources": [
        flinkDeployment((s) => s.podTemplate.spec.containers.push({ name: "sidecar", image: IMAGE })),
      ],
    },
  },
  "memory-limit-equals-request": {
    compliant: [deployment(container(equalResources)), flinkDeployment()],
    violating: {
      "memory limit above the request": [
        deployment(container({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } })),
      ],
      "memory limit factor": [
        flinkDeployment((s) => (s.flinkConfiguration["kubernetes.taskmanager.memory.limit-factor"] = "1.5")),
      ],
      "CPU limit factor": [
        flinkDeployment((s) => (s.flinkConfiguration["kubernetes.jobmanager.cpu.limit-factor"] = "50")),
      ],
    },
  },
  "resource-caps": {
    compliant: [
      flinkDeployment(),
      deployment(container(equalResources)),
      release({ prometheus: { resources: equalResources } }),
    ],
    violating: {
      parallelism: [flinkDeployment((s) => (s.job.parallelism = 1024))],
      TaskManagers: [flinkDeployment((s) => (s.taskManager.replicas = 400))],
      "Flink process memory": [flinkDeployment((s) => (s.taskManager.resource.memory = "400g"))],
      "container CPU": [
        deployment(container({ requests: { cpu: "200", memory: "1Gi" }, limits: { memory: "1Gi" } })),
      ],
      "chart values (Prometheus at 200 CPU / 4000Gi)": [
        release({
          prometheus: { prometheusSpec: { resources: { requests: { cpu: "200", memory: "4000Gi" } } } },
        }),
      ],
      "autoscaler ceiling": [
        flinkDeployment((s) => (s.flinkConfiguration["job.autoscaler.vertex.max-parallelism"] = "4096")),
      ],
    },
  },
  "namespace-quota-and-limits": {
    compliant: [flinkDeployment(), quota("64", "256Gi"), limitRange],
    violating: {
      "no LimitRange": [flinkDeployment(), quota("64", "256Gi")],
      "no ResourceQuota": [flinkDeployment(), limitRange],
    },
  },
  "pod-security": {
    compliant: [deployment(container(equalResources)), flinkDeployment(), release({ securityContext: safe })],
    violating: {
      hostNetwork: [deployment(container(equalResources), { hostNetwork: true })],
      hostPID: [workload("DaemonSet", container(equalResources), { hostPID: true })],
      hostPath: [
        workload("Job", container(equalResources), { volumes: [{ name: "root", hostPath: { path: "/" } }] }),
      ],
      privileged: [
        workload("CronJob", container(equalResources, IMAGE, { securityContext: { privileged: true } })),
      ],
      "privilege escalation": [
        workload(
          "StatefulSet",
          container(equalResources, IMAGE, { securityContext: { allowPrivilegeEscalation: true } }),
        ),
      ],
      "root user": [deployment(container(equalResources), { securityContext: { runAsUser: 0 } })],
      "Flink host network": [
        flinkDeployment((s) => (s.flinkConfiguration["kubernetes.hostnetwork.enabled"] = "true")),
      ],
      "Flink pod template hostPath": [
        flinkDeployment(
          (s) => (s.podTemplate.spec.volumes = [{ name: "docker", hostPath: { path: "/var/run" } }]),
        ),
      ],
      "chart values host network": [release({ "prometheus-node-exporter": { hostNetwork: true } })],
    },
  },
  "namespace-pod-security": {
    compliant: [namespace("restricted"), namespace("privileged", "node-exporter reads host metrics")],
    violating: {
      "no enforce label": [namespace(undefined)],
      "baseline without a reason": [namespace("baseline")],
    },
  },
  "no-external-services": {
    compliant: [service("ClusterIP"), service("LoadBalancer", true), flinkDeployment()],
    violating: {
      LoadBalancer: [service("LoadBalancer")],
      NodePort: [service("NodePort")],
      "Flink REST as LoadBalancer": [
        flinkDeployment(
          (s) => (s.flinkConfiguration["kubernetes.rest-service.exposed.type"] = "LoadBalancer"),
        ),
      ],
      "chart values": [release({ grafana: { service: { type: "LoadBalancer" } } })],
    },
  },
  "namespace-default-deny": {
    compliant: [
      flinkDeployment(),
      defaultDeny,
      namespace("restricted"),
      k8s("NetworkPolicy", {
        metadata: { name: "default-deny", namespace: "x" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      }),
    ],
    violating: {
      "no policy": [flinkDeployment()],
      "a created namespace without one": [namespace("restricted")],
      "ingress only": [
        namespace("restricted"),
        k8s("NetworkPolicy", {
          metadata: { name: "d", namespace: "x" },
          spec: { podSelector: {}, policyTypes: ["Ingress"] },
        }),
      ],
      "a deny with rules": [
        flinkDeployment(),
        k8s("NetworkPolicy", {
          metadata: { name: "d", namespace: "payments" },
          spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] },
        }),
      ],
    },
  },
  "flink-autoscaler-within-quota": {
    // 32 ÷ 4 = 8 TaskManagers × (2 cpu, 8g) + 2 × (1 cpu, 2g) = 18 cpu, 68Gi.
    compliant: [flinkDeployment(), quota("18", "68Gi")],
    violating: { "ceiling beyond the quota": [flinkDeployment(), quota("17", "68Gi")] },
  },
  "flink-pod-templates-platform-owned": {
    compliant: [
      flinkDeployment((s) => {
        s.podTemplate.spec.containers[0].env = [
          { name: "KAFKA_PASSWORD", valueFrom: { secretKeyRef: { name: "k", key: "p" } } },
        ];
        s.podTemplate.spec.containers.push({ name: "proxy", image: IMAGE, ports: [{ containerPort: 8200 }] });
      }),
    ],
    violating: {
      "a service account": [flinkDeployment((s) => (s.podTemplate.spec.serviceAccountName = "default"))],
      "a sidecar on the REST port": [
        flinkDeployment((s) =>
          s.podTemplate.spec.containers.push({
            name: "proxy",
            image: IMAGE,
            ports: [{ containerPort: 8081 }],
          }),
        ),
      ],
      "a mount over Flink's configuration": [
        flinkDeployment(
          (s) =>
            (s.podTemplate.spec.containers[0].volumeMounts = [{ name: "c", mountPath: "/opt/flink/conf" }]),
        ),
      ],
      "a plain password": [
        flinkDeployment(
          (s) => (s.podTemplate.spec.containers[0].env = [{ name: "DB_PASSWORD", value: "x" }]),
        ),
      ],
    },
  },
  "jar-uris-secure": {
    compliant: [flinkDeployment()],
    violating: { "plain http": [flinkDeployment((s) => (s.job.jarURI = "http://repo.example/job.jar"))] },
  },
  "images-pinned": {
    compliant: [
      flinkDeployment(),
      deployment(container(equalResources, "registry:5000/tools/mc@sha256:abc")),
    ],
    violating: {
      "no tag": [deployment(container(equalResources, "registry:5000/minio/minio"))],
      latest: [flinkDeployment((s) => (s.image = "flink:latest"))],
      "chart values": [release({ image: { repository: "quay.io/prometheus/prometheus", tag: "latest" } })],
    },
  },
  "images-allowed-registries": {
    compliant: [
      flinkDeployment(),
      deployment(container(equalResources)),
      release({ image: { repository: "quay.io/prometheus/prometheus", tag: "v3.5.0" } }),
    ],
    violating: {
      "other registry": [deployment(container(equalResources, "evil.example.com/miner:1.0"))],
      "Docker Hub user image": [flinkDeployment((s) => (s.image = "someone/flink:1.20"))],
    },
  },
  "images-by-digest": {
    compliant: [flinkDeployment(), deployment(container(equalResources))],
    violating: {
      "Flink image by tag": [flinkDeployment((s) => (s.image = "flink:1.20.3-scala_2.12-java17"))],
      "container by tag": [deployment(container(equalResources, "minio/minio:RELEASE.2025-09-07T16-13-09Z"))],
    },
  },
  "s3-bucket-hardened": {
    compliant: bucketSet(),
    violating: {
      "no TLS policy": bucketSet((rs) => delete rs.policy),
      "TLS deny on the bucket only": bucketSet((rs) => {
        const doc = JSON.parse(rs.policy.props.policy);
        doc.Statement[0].Resource = ["arn:aws:s3:::state"];
        rs.policy.props.policy = JSON.stringify(doc);
      }),
      "versioning suspended": bucketSet(
        (rs) => (rs.versioning.props.versioningConfiguration.status = "Suspended"),
      ),
      "no KMS": bucketSet(
        (rs) => (rs.sse.props.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm = "AES256"),
      ),
      "public access not blocked": bucketSet((rs) => (rs.pab.props.restrictPublicBuckets = false)),
    },
  },
  "s3-no-public-policy": {
    compliant: bucketSet(),
    violating: {
      "public read": [
        {
          type: "aws:s3/bucketPolicy:BucketPolicy",
          name: "p",
          props: {
            policy: JSON.stringify({
              Statement: [
                { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
              ],
            }),
          },
        },
      ],
    },
  },
  "iam-no-wildcard-admin": {
    compliant: [
      iam({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::state/payments/*" }),
    ],
    violating: {
      "action *": [iam({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::state" })],
      "s3:* on *": [iam({ Effect: "Allow", Action: "s3:*", Resource: "*" })],
      "iam:* on *": [iam({ Effect: "Allow", Action: ["iam:*"], Resource: ["*"] })],
      NotResource: [iam({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" })],
      AdministratorAccess: [
        {
          type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          name: "admin",
          props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
      ],
    },
  },
  "iam-trust-scoped": {
    compliant: [
      role({
        Effect: "Allow",
        Principal: { Service: "eks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      }),
      role({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ],
    violating: {
      "every AWS principal": [role({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })],
      "service without aws:SourceAccount": [
        role({ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }),
      ],
    },
  },
  "eks-secrets-encryption": {
    compliant: [eks()],
    violating: { "no encryption": [eks((p) => delete p.encryptionConfig)] },
  },
  "eks-imdsv2-required": {
    compliant: [
      {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "lt",
        props: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
      },
    ],
    violating: {
      IMDSv1: [
        {
          type: "aws:ec2/launchTemplate:LaunchTemplate",
          name: "lt",
          props: { metadataOptions: { httpTokens: "optional" } },
        },
      ],
      "hop limit 2": [
        {
          type: "aws:ec2/launchTemplate:LaunchTemplate",
          name: "lt",
          props: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } },
        },
      ],
      "node group without a launch template": [
        { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: {} },
      ],
    },
  },
  "eks-endpoint-not-open": {
    compliant: [eks(), eks((p) => (p.vpcConfig = { endpointPublicAccess: false }))],
    violating: {
      "no CIDRs": [eks((p) => (p.vpcConfig = { endpointPublicAccess: true }))],
      "0.0.0.0/0": [eks((p) => (p.vpcConfig.publicAccessCidrs = ["0.0.0.0/0"]))],
      "two halves": [eks((p) => (p.vpcConfig.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"]))],
    },
  },
  "eks-network-policy-enforced": {
    compliant: [eks(), cni("true")],
    violating: { "not enabled": [eks(), cni("false")], "no CNI add-on": [eks()] },
  },
  "no-open-security-group-ingress": {
    compliant: [
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: "sg",
        props: { ingress: [{ cidrBlocks: ["10.40.0.0/16"] }] },
      },
    ],
    violating: {
      "ipv4 anywhere": [
        {
          type: "aws:ec2/securityGroup:SecurityGroup",
          name: "sg",
          props: { ingress: [{ cidrBlocks: ["0.0.0.0/0"] }] },
        },
      ],
      "ipv6 anywhere (rule)": [
        {
          type: "aws:ec2/securityGroupRule:SecurityGroupRule",
          name: "r",
          props: { type: "ingress", ipv6CidrBlocks: ["::/0"] },
        },
      ],
      "vpc ingress rule": [
        {
          type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          name: "r",
          props: { cidrIpv4: "0.0.0.0/0" },
        },
      ],
    },
  },
  "production-ha": {
    compliant: [flinkDeployment()],
    violating: {
      "no HA key": [flinkDeployment((s) => delete s.flinkConfiguration["high-availability.type"])],
      "None in any case": [flinkDeployment((s) => (s.flinkConfiguration["high-availability.type"] = "None"))],
    },
  },
  "production-stateful-upgrade": {
    compliant: [
      flinkDeployment(),
      flinkDeployment((s, m) => {
        s.job.upgradeMode = "stateless";
        m.annotations = { "flink-platform/stateless-upgrade-approved": "true" };
      }),
    ],
    violating: { "stateless unapproved": [flinkDeployment((s) => (s.job.upgradeMode = "stateless"))] },
  },
  "production-standby-jobmanagers": {
    compliant: [flinkDeployment()],
    violating: { "one JobManager": [flinkDeployment((s) => (s.jobManager.replicas = 1))] },
  },
  "production-zookeeper-quorum": {
    compliant: [zookeeper(3)],
    violating: { even: [zookeeper(2)], "one member": [zookeeper(1)] },
  },
  "production-alert-receiver": {
    compliant: [
      ...alerting(critical("oncall"), [{ name: "null" }, pager]),
      ...alerting({ receiver: "null" }, [{ name: "null" }], "a sandbox account nobody is on call for"),
    ],
    violating: {
      "every alert to the null receiver": alerting({ receiver: "null" }, [{ name: "null" }]),
      "a receiver without an integration": alerting(critical("oncall"), [
        { name: "null" },
        { name: "oncall" },
      ]),
      "the pager only gets warnings": alerting(
        {
          receiver: "null",
          routes: [{ receiver: "oncall", matchers: ['severity="warning"'] }],
        },
        [{ name: "null" }, pager],
      ),
      "Alertmanager disabled": alerting(critical("oncall"), [{ name: "null" }, pager], undefined, false),
    },
  },
  "production-state-protected": {
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "b", props: {}, opts: { protect: true, retainOnDelete: true } },
      { type: "aws:kms/key:Key", name: "k", props: {}, opts: { protect: true } },
    ],
    violating: {
      "bucket not retained": [
        {
          type: "aws:s3/bucket:Bucket",
          name: "b",
          props: {},
          opts: { protect: true, retainOnDelete: false },
        },
      ],
      "key not protected": [{ type: "aws:kms/key:Key", name: "k", props: {}, opts: { protect: false } }],
      "cluster not protected": [
        { type: "aws:eks/cluster:Cluster", name: "c", props: {}, opts: { protect: false } },
      ],
    },
  },
};

const ALL_MANDATORY: PackConfig = { all: "mandatory" };
const TIER = { dev: "development", prod: "production" } as const;

describe("policy pack", () => {
  it("is self-contained: `pulumi policy publish` uploads only policies/, so nothing imports outside it", () => {
    for (const file of readdirSync("policies").filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join("policies", file), "utf8");
      assert.doesNotMatch(text, /from "\.\.\//, `policies/${file} imports from outside the pack`);
    }
  });

  it("has compliant fixtures and violating ones for every policy", () => {
    assert.deepEqual(Object.keys(FIXTURES).sort(), POLICIES.map((p) => p.name).sort());
    for (const [name, fixture] of Object.entries(FIXTURES))
      assert.deepEqual(
        Object.keys(VERDICTS[name] ?? {}),
        Object.keys(fixture.violating),
        `${name}: a verdict per fixture`,
      );
  });

  for (const policy of POLICIES) {
    describe(policy.name, () => {
      it("passes the compliant fixture", () => {
        assert.deepEqual(runPolicies(FIXTURES[policy.name].compliant, ALL_MANDATORY, [policy]), []);
      });
      for (const [property, resources] of Object.entries(FIXTURES[policy.name].violating)) {
        it(`refuses: ${property}`, () => {
          const violations = runPolicies(resources, ALL_MANDATORY, [policy]);
          assert.deepEqual(
            violations.map((v) => `${v.resource}: ${v.message}`),
            VERDICTS[policy.name][property],
            `${policy.name} on "${property}"`,
          );
        });
      }
    });
  }

  it("reads Kubernetes quantities and Flink sizes exactly", () => {
    assert.equal(parseQuantity("500m"), 0.5);
    assert.equal(parseQuantity("32Gi"), 32 * 2 ** 30);
    assert.equal(parseQuantity("1G"), 1e9);
    assert.equal(parseQuantity(2), 2);
    assert.equal(parseQuantity("2 cores"), undefined);
    assert.equal(parseFlinkMemory("2048m"), 2 ** 31);
    assert.equal(parseFlinkMemory("8g"), 8 * 2 ** 30);
  });

  it("treats registry ports as part of the name, not a tag", () => {
    assert.match(imageProblem("registry:5000/flink")!, /no tag/);
    assert.match(imageProblem("flink:latest")!, /latest/);
    assert.equal(imageProblem("registry:5000/flink:1.20.3"), undefined);
  });

  it("does not fail on values still unknown at preview", () => {
    const unknownPolicy = bucketSet((rs) => {
      rs.policy.props.policy = undefined;
      for (const r of Object.values(rs)) if (r !== rs.bucket) r.props.bucket = undefined;
    });
    assert.deepEqual(runPolicies(unknownPolicy, ALL_MANDATORY), []);
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: the tier's policy caps are never below the stack's own limits; enforcement matches`, () => {
      const config = JSON.parse(readFileSync(`policies/config/${TIER[stack]}.json`, "utf8")) as PackConfig;
      const v = validate(stackVariant(stack));
      assert.ok(v.ok);
      const policy = v.stack.policy;
      const settings = settingsOf(config);
      // The pack is the ceiling for every stack of the tier; a stack's LimitRange may be tighter.
      assert.ok(policy.maxContainerCpu <= settings.maxContainerCpu);
      assert.ok(policy.maxContainerMemory <= parseQuantity(settings.maxContainerMemory)!);
      assert.ok(policy.maxTaskManagers <= settings.maxTaskManagers);
      assert.ok(policy.maxParallelism <= settings.maxParallelism);
      assert.equal(config.all, policy.enforcement);
      const productionOnly = POLICIES.filter((p) => p.productionOnly).map((p) => p.name);
      for (const name of productionOnly) {
        const entry = config[name];
        const level = typeof entry === "object" ? entry.enforcementLevel : entry;
        assert.equal(
          level,
          stack === "dev" ? "disabled" : level === undefined ? undefined : "mandatory",
          `${name} in ${TIER[stack]}.json`,
        );
      }
    });
  }
});
