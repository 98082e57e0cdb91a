import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { loadStackDoc, render, stackVariant, validate } from "./harness";
import { DEFAULT_SETTINGS, imageProblem, POLICIES, PolicyResource } from "../policies/policies";
import { PackConfig, runPolicies, settingsOf } from "../policies/runner";
import { parseFlinkMemory, parseQuantity } from "../policies/quantities";
import { checkPolicies } from "../tools/offline/policy";
import { formatQuantity } from "../config/units";

const k8s = (kind: string, props: Record<string, any>, name = "r"): PolicyResource => ({
  type: `kubernetes:${kind === "FlinkDeployment" || kind === "FlinkSessionJob" ? "flink.apache.org/v1beta1" : kind === "Deployment" || kind === "StatefulSet" ? "apps/v1" : "core/v1"}:${kind}`,
  name,
  props: { kind, ...props },
});

const container = (resources: any, image = "minio/minio:RELEASE.2025-09-07T16-13-09Z") => ({
  name: "main",
  image,
  resources,
});
const deployment = (c: any) => k8s("Deployment", { spec: { template: { spec: { containers: [c] } } } });
const equalResources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "1Gi" } };

function flinkDeployment(edit: (spec: any, metadata: any) => void = () => {}): PolicyResource {
  const spec: any = {
    image: "flink:1.20.3-scala_2.12-java17",
    flinkConfiguration: { "high-availability.type": "kubernetes", "taskmanager.numberOfTaskSlots": "4" },
    jobManager: { resource: { cpu: 1, memory: "2g" }, replicas: 2 },
    taskManager: { resource: { cpu: 2, memory: "8g" } },
    podTemplate: { spec: { containers: [{ name: "flink-main-container" }] } },
    job: { parallelism: 16, upgradeMode: "savepoint" },
  };
  const metadata: any = { name: "job", namespace: "payments" };
  edit(spec, metadata);
  return k8s("FlinkDeployment", { metadata, spec });
}

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

const iam = (statement: object): PolicyResource => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "policy",
  props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
});

const namespaceResources = (withLimitRange: boolean) => [
  flinkDeployment(),
  k8s("ResourceQuota", {
    metadata: { name: "q", namespace: "payments" },
    spec: { hard: { "requests.cpu": "8", "requests.memory": "32Gi", "limits.memory": "32Gi" } },
  }),
  ...(withLimitRange
    ? [k8s("LimitRange", { metadata: { name: "l", namespace: "payments" }, spec: {} })]
    : []),
];

const zookeeper = (replicas: number) =>
  k8s("StatefulSet", {
    metadata: { name: "zookeeper", labels: { "app.kubernetes.io/name": "zookeeper" } },
    spec: { replicas },
  });

/** One compliant and one violating set of resources per policy. */
const FIXTURES: Record<string, { compliant: PolicyResource[]; violating: PolicyResource[] }> = {
  "container-resources": {
    compliant: [deployment(container(equalResources)), flinkDeployment()],
    violating: [deployment(container({ requests: { cpu: "500m" } }))],
  },
  "memory-limit-equals-request": {
    compliant: [deployment(container(equalResources)), flinkDeployment()],
    violating: [
      flinkDeployment((s) => (s.flinkConfiguration["kubernetes.taskmanager.memory.limit-factor"] = "1.5")),
    ],
  },
  "resource-caps": {
    compliant: [flinkDeployment(), deployment(container(equalResources))],
    violating: [flinkDeployment((s) => (s.job.parallelism = 1024))],
  },
  "namespace-quota-and-limits": { compliant: namespaceResources(true), violating: namespaceResources(false) },
  "images-pinned": {
    compliant: [
      flinkDeployment(),
      deployment(container(equalResources, "registry:5000/tools/mc@sha256:abc")),
    ],
    violating: [deployment(container(equalResources, "registry:5000/minio/minio"))],
  },
  "s3-bucket-hardened": {
    compliant: bucketSet(),
    violating: bucketSet((rs) => {
      delete rs.policy;
    }),
  },
  "iam-no-wildcard-admin": {
    compliant: [
      iam({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::state/payments/*" }),
    ],
    violating: [iam({ Effect: "Allow", Action: "*", Resource: "*" })],
  },
  "eks-secrets-encryption": {
    compliant: [eks()],
    violating: [eks((p) => delete p.encryptionConfig)],
  },
  "eks-imdsv2-required": {
    compliant: [
      {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "lt",
        props: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
      },
    ],
    violating: [
      {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "lt",
        props: { metadataOptions: { httpTokens: "optional" } },
      },
    ],
  },
  "eks-endpoint-not-open": {
    compliant: [eks()],
    violating: [eks((p) => (p.vpcConfig = { endpointPublicAccess: true }))],
  },
  "production-ha": {
    compliant: [flinkDeployment()],
    violating: [flinkDeployment((s) => delete s.flinkConfiguration["high-availability.type"])],
  },
  "production-stateful-upgrade": {
    compliant: [
      flinkDeployment(),
      flinkDeployment((s, m) => {
        s.job.upgradeMode = "stateless";
        m.annotations = { "flink-platform/stateless-upgrade-approved": "true" };
      }),
    ],
    violating: [flinkDeployment((s) => (s.job.upgradeMode = "stateless"))],
  },
  "production-standby-jobmanagers": {
    compliant: [flinkDeployment()],
    violating: [flinkDeployment((s) => (s.jobManager.replicas = 1))],
  },
  "production-zookeeper-quorum": { compliant: [zookeeper(3)], violating: [zookeeper(2)] },
  "production-state-protected": {
    compliant: [
      { type: "aws:s3/bucket:Bucket", name: "b", props: {}, opts: { protect: true, retainOnDelete: true } },
      { type: "aws:kms/key:Key", name: "k", props: {}, opts: { protect: true } },
    ],
    violating: [
      { type: "aws:s3/bucket:Bucket", name: "b", props: {}, opts: { protect: true, retainOnDelete: false } },
      { type: "aws:kms/key:Key", name: "k", props: {}, opts: { protect: false } },
    ],
  },
};

const ALL_MANDATORY: PackConfig = { all: "mandatory" };
const TIER = { dev: "development", prod: "production" } as const;

describe("policy pack", () => {
  it("has a compliant and a violating fixture for every policy", () => {
    assert.deepEqual(Object.keys(FIXTURES).sort(), POLICIES.map((p) => p.name).sort());
  });

  for (const policy of POLICIES) {
    it(`${policy.name}: passes the compliant fixture and fails the violating one`, () => {
      const { compliant, violating } = FIXTURES[policy.name];
      assert.deepEqual(runPolicies(compliant, ALL_MANDATORY, [policy]), []);
      const violations = runPolicies(violating, ALL_MANDATORY, [policy]);
      assert.ok(violations.length > 0, `${policy.name} did not flag its violating fixture`);
      for (const v of violations) assert.ok(v.message.length > 10 && v.resource.length > 0);
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
    it(`${stack}: the shipped stack passes the whole pack with its policy config`, async () => {
      const config = JSON.parse(readFileSync(`policies/config/${TIER[stack]}.json`, "utf8")) as PackConfig;
      const { resources } = await render(stringify(loadStackDoc(stack)), stack);
      assert.deepEqual(checkPolicies(resources, config), []);
    });

    it(`${stack}: the policy config's limits and enforcement match the stack's policy settings`, () => {
      const config = JSON.parse(readFileSync(`policies/config/${TIER[stack]}.json`, "utf8")) as PackConfig;
      const v = validate(stackVariant(stack));
      assert.ok(v.ok);
      const policy = v.stack.policy;
      const settings = settingsOf(config);
      assert.deepEqual(settings, {
        ...DEFAULT_SETTINGS,
        maxContainerCpu: policy.maxContainerCpu,
        maxContainerMemory: formatQuantity(policy.maxContainerMemory),
        maxTaskManagers: policy.maxTaskManagers,
        maxParallelism: policy.maxParallelism,
      });
      assert.equal(config.all, policy.enforcement);
      const productionOnly = POLICIES.filter((p) => p.productionOnly).map((p) => p.name);
      for (const name of productionOnly) {
        assert.equal(
          config[name],
          stack === "dev" ? "disabled" : undefined,
          `${name} in ${TIER[stack]}.json`,
        );
      }
    });
  }

  it("holds the dev stack's real resources to production rules under the prod config", async () => {
    const config = JSON.parse(readFileSync("policies/config/production.json", "utf8")) as PackConfig;
    const { resources } = await render(stringify(loadStackDoc("dev")), "dev");
    const flagged = new Set(checkPolicies(resources, config).map((v) => v.policy));
    // dev runs without HA and with one JobManager: exactly what production refuses.
    assert.ok(flagged.has("production-ha"));
    assert.ok(flagged.has("production-standby-jobmanagers"));
  });

  it("`render --policy` exits 1 listing each mandatory violation (policy, resource, message)", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), "flink-platform-policy-"));
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(
      file,
      stackVariant("prod", (c) => (c.flink.image = "flink:latest")),
    );
    const run = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/render.ts",
        "--stack",
        "prod",
        "--config",
        file,
        "--out",
        dir,
        "--policy",
      ],
      { encoding: "utf8" },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stdout,
      /Policies \(policies\/config\/production\.json\): 5 violation\(s\), 5 mandatory/,
    );
    assert.match(
      run.stdout,
      /images-pinned\s+mandatory\s+kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment::\S+fraud-detection\s+spec\.image: image "flink:latest" uses the mutable "latest" tag/,
    );
    const written = JSON.parse(readFileSync(join(dir, "policy.json"), "utf8"));
    assert.equal(written.length, 5);
  });
});

describe("production state protection", () => {
  it("a production render whose bucket lost protect fails the production policy config", async () => {
    const config = JSON.parse(readFileSync("policies/config/production.json", "utf8")) as PackConfig;
    const { resources } = await render(stringify(loadStackDoc("prod")), "prod");
    assert.deepEqual(checkPolicies(resources, config), []);
    const tampered = resources.map((r) =>
      r.type === "aws:s3/bucket:Bucket" && r.name.includes("payments") ? { ...r, protect: false } : r,
    );
    const violations = checkPolicies(tampered, config).filter(
      (v) => v.policy === "production-state-protected",
    );
    assert.equal(violations.length, 1);
    assert.equal(violations[0].level, "mandatory");
    assert.match(violations[0].message, /state bucket is not protected/);
  });
});
