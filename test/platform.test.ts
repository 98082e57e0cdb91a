import { strict as assert } from "assert";
import {
  manifest,
  one,
  ofType,
  render,
  stackVariant,
  withFlinkNodeGroup,
  prodWithVpcOnlyEgress,
} from "./harness";
import { RecordedResource } from "../tools/offline/mockRuntime";
import { stackPods } from "./charts/pods";
import { mkdtempSync, readFileSync, readdirSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { execFile } from "child_process";

const dev = () => render(stackVariant("dev"), "dev");
const prod = () => render(stackVariant("prod"), "prod");

describe("platform structure (both stacks)", () => {
  for (const [stack, run] of [
    ["dev", dev],
    ["prod", prod],
  ] as const) {
    it(`${stack}: every Kubernetes and AWS resource has an explicit provider`, async () => {
      const { resources } = await run();
      const custom = resources.filter(
        (r) => r.custom && (r.type.startsWith("kubernetes:") || r.type.startsWith("aws:")),
      );
      assert.ok(custom.length > 10);
      for (const r of custom)
        assert.notEqual(r.provider, "", `${r.type} ${r.name} uses the default provider`);
    });

    it(`${stack}: every resource hangs below the platform component, with unique names`, async () => {
      const { resources } = await run();
      const byName = new Map(resources.map((r) => [r.name, r]));
      for (const r of resources) {
        let cur: RecordedResource | undefined = r;
        const seen = new Set<string>();
        while (cur && cur.parent) {
          assert.ok(!seen.has(cur.name), "parent cycle");
          seen.add(cur.name);
          cur = byName.get(cur.parent);
        }
        assert.equal(
          cur?.type,
          "flink-platform:platform:FlinkPlatform",
          `${r.type} ${r.name} is outside the platform`,
        );
      }
      const keys = resources.map((r) => `${r.type}::${r.name}`);
      assert.equal(new Set(keys).size, keys.length, "duplicate URNs");
      const objects = resources
        .filter((r) => r.type.startsWith("kubernetes:") && (r.inputs as any).metadata)
        .map(
          (r) =>
            `${(r.inputs as any).kind}/${(r.inputs as any).metadata.namespace}/${(r.inputs as any).metadata.name}`,
        );
      assert.equal(new Set(objects).size, objects.length, "two resources manage the same Kubernetes object");
    });

    // Every pod the stack runs, FlinkDeployment pod templates and Helm charts' pods included (the
    // operator adds the Flink main container's resources and image from the FlinkDeployment spec).
    it(`${stack}: every container of every pod runs non-root, unescalated, pinned, with requests and limits`, async () => {
      const { resources } = await run();
      const flink = new Map(
        resources
          .map((r) => r.inputs as any)
          .filter((m) => m?.kind === "FlinkDeployment")
          .map((m) => [`FlinkDeployment/${m.metadata.name}`, m.spec]),
      );
      const pods = stackPods(resources);
      assert.ok(flink.size > 0 && pods.some((p) => p.owner.startsWith("FlinkDeployment/")));
      assert.ok(pods.some((p) => p.owner === "Deployment/flink-kubernetes-operator"));
      for (const pod of pods) {
        const [owner, role] = pod.owner.split(":");
        const flinkSpec = flink.get(owner);
        for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
          const where = `${pod.owner} in ${pod.namespace}: container ${c.name}`;
          // The log agent reads root-owned host logs; its namespace's reason annotation says so.
          if (pod.namespace !== "logging") {
            assert.equal(
              c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot,
              true,
              where,
            );
          }
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
          const main = flinkSpec && c.name === "flink-main-container";
          const resource = main
            ? flinkSpec[role === "jobmanager" ? "jobManager" : "taskManager"].resource
            : undefined;
          if (main) assert.ok(resource.cpu > 0 && /^\d+(Mi|Gi|m|g)$/.test(resource.memory), where);
          else {
            const r = c.resources ?? {};
            assert.ok(
              r.requests?.cpu && r.requests?.memory && r.limits?.memory,
              `${where} lacks requests or a memory limit`,
            );
          }
          // Chart models leave images to the chart version's pins (the supply-chain policy checks those).
          const image: string | undefined = main ? flinkSpec.image : c.image;
          if (image !== undefined) {
            assert.match(image, /(:\w[\w.-]*|@sha256:[0-9a-f]{64})$/, where);
            assert.doesNotMatch(image, /:latest$/, where);
          }
        }
      }
    });
  }

  // Two separate `npm run render` processes: module state, registration order and the clock
  // cannot leak from one render into the other. Every output file is compared, releases/ included.
  it("renders byte-identical output from two separate processes", async () => {
    const [a, b] = await Promise.all(["a", "b"].map(() => renderInProcess("prod")));
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)))
        .sort();
    assert.deepEqual(files(a), files(b));
    for (const dir of ["manifests", "releases"])
      assert.ok(
        files(a).some((f) => f.startsWith(`${dir}/`)),
        dir,
      );
    assert.ok(files(a).includes("policy.json"));
    for (const file of files(a)) {
      assert.equal(readFileSync(join(a, file), "utf8"), readFileSync(join(b, file), "utf8"), file);
    }
    // The PR review diffs resources.json line by line: records ordered by type, then name.
    const records: { type: string; name: string }[] = JSON.parse(
      readFileSync(join(a, "resources.json"), "utf8"),
    );
    const keys = records.map((r) => `${r.type}\u0000${r.name}`);
    assert.deepEqual(keys, [...keys].sort());
  });
});

/** `npm run render -- --stack <stack> --policy` in a child process; resolves to its output folder. */
function renderInProcess(stack: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `render-${stack}-`));
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    "tools/render.ts",
    "--stack",
    stack,
    "--out",
    out,
    "--policy",
  ];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, (error, _stdout, stderr) =>
      error ? reject(new Error(stderr)) : resolve(out),
    ),
  );
}

describe("dev: existing cluster with the in-cluster object store", () => {
  it("creates nothing on AWS", async () => {
    const { resources } = await dev();
    assert.deepEqual(
      resources.filter((r) => r.type.startsWith("aws:")),
      [],
    );
    const provider = one(resources, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.context, "kind-flink-dev");
  });

  it("runs a pinned object store with a bucket and a user of its own per namespace", async () => {
    const { resources } = await dev();
    const server = manifest(resources, "Deployment", "object-store", "flink-storage");
    assert.match(server.spec.template.spec.containers[0].image, /^minio\/minio:RELEASE\.\d{4}-/);
    assert.ok(manifest(resources, "PersistentVolumeClaim", "object-store-data", "flink-storage"));
    const root = manifest(resources, "Secret", "object-store-root", "flink-storage");
    // Keys stay readable in the render; only the values are redacted.
    assert.deepEqual(root.stringData, { MINIO_ROOT_PASSWORD: "[secret]", MINIO_ROOT_USER: "[secret]" });
    // Root credentials plus an access key and a secret key per namespace, all generated.
    assert.equal(
      ofType(resources, "random:index/randomPassword:RandomPassword").filter((r) =>
        r.name.includes("object-store"),
      ).length,
      2 + 2 * 2,
    );
    const script = manifest(resources, "Job", "object-store-setup", "flink-storage").spec.template.spec
      .containers[0].args[0];
    for (const [i, bucket] of ["flink-analytics", "flink-payments"].entries()) {
      assert.match(script, new RegExp(`mc mb --ignore-existing store/${bucket}`));
      assert.match(
        script,
        new RegExp(`mc admin policy attach store ${bucket} --user "\\$USER_${i}_ACCESS_KEY"`),
      );
    }
    for (const ns of ["analytics", "payments"]) {
      const creds = manifest(resources, "Secret", "object-store-credentials", ns);
      assert.deepEqual(creds.stringData, {
        AWS_ACCESS_KEY_ID: "[secret]",
        AWS_SECRET_ACCESS_KEY: "[secret]",
      });
    }
  });

  it("points Flink at its namespace's bucket through the endpoint, path-style, with credentials from the Secret", async () => {
    const { resources } = await dev();
    const fd = manifest(resources, "FlinkDeployment", "clickstream-enrichment", "analytics");
    assert.equal(
      fd.spec.flinkConfiguration["execution.checkpointing.dir"],
      "s3://flink-analytics/checkpoints/clickstream-enrichment",
    );
    assert.match(fd.spec.flinkConfiguration["s3.endpoint"], /^http:\/\/object-store\.flink-storage\.svc/);
    assert.equal(fd.spec.flinkConfiguration["s3.path.style.access"], "true");
    for (const process of ["jobManager", "taskManager"]) {
      assert.deepEqual(fd.spec[process].podTemplate.spec.containers[0].envFrom, [
        { secretRef: { name: "object-store-credentials" } },
      ]);
    }
  });
});

describe("prod: EKS", () => {
  it("spreads a VPC over three zones with NAT per zone, tagged subnets and an S3 endpoint", async () => {
    const { resources } = await prod();
    const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
    assert.equal(subnets.length, 6);
    const tags = subnets.map((s) => s.inputs.tags as Record<string, string>);
    assert.equal(tags.filter((t) => t["kubernetes.io/role/elb"] === "1").length, 3);
    assert.equal(tags.filter((t) => t["kubernetes.io/role/internal-elb"] === "1").length, 3);
    assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 3);
    const endpoint = one(resources, "aws:ec2/vpcEndpoint:VpcEndpoint", "-s3");
    assert.equal(endpoint.inputs.vpcEndpointType, "Gateway");
    assert.equal(endpoint.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
  });

  it("reaches STS, ECR, EC2 and CloudWatch Logs through private interface endpoints, HTTPS from the VPC only", async () => {
    const { resources } = await prod();
    const interfaces = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
      (e) => e.inputs.vpcEndpointType === "Interface",
    );
    assert.deepEqual(interfaces.map((e) => e.inputs.serviceName).sort(), [
      "com.amazonaws.eu-west-1.ec2",
      "com.amazonaws.eu-west-1.ecr.api",
      "com.amazonaws.eu-west-1.ecr.dkr",
      "com.amazonaws.eu-west-1.logs",
      "com.amazonaws.eu-west-1.sts",
    ]);
    const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet")
      .filter((s) => (s.inputs.tags as Record<string, string>)["kubernetes.io/role/internal-elb"] === "1")
      .map((s) => s.name);
    const sg = one(resources, "aws:ec2/securityGroup:SecurityGroup", "-endpoints");
    for (const e of interfaces) {
      // Private DNS: the SDKs' regional names resolve to the endpoint, no client change needed.
      assert.equal(e.inputs.privateDnsEnabled, true);
      // An interface in each private subnet (the inputs read those subnets' ids), behind the group.
      assert.equal(new Set(e.inputs.subnetIds as string[]).size, 3);
      for (const subnet of [...privateSubnets, sg.name]) assert.ok(e.dependsOn.includes(subnet), subnet);
      assert.equal((e.inputs.securityGroupIds as string[]).length, 1);
    }
    assert.deepEqual(sg.inputs.ingress, [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.40.0.0/16"] },
    ]);
    assert.deepEqual(sg.inputs.egress, []);
  });

  it("with httpsEgress vpc adds an S3 interface endpoint that resolves inside the VPC", async () => {
    const { resources } = await render(prodWithVpcOnlyEgress(), "prod");
    const s3 = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
      (e) => e.inputs.serviceName === "com.amazonaws.eu-west-1.s3",
    );
    assert.deepEqual(s3.map((e) => e.inputs.vpcEndpointType).sort(), ["Gateway", "Interface"]);
    const iface = s3.find((e) => e.inputs.vpcEndpointType === "Interface")!;
    assert.deepEqual(iface.inputs.dnsOptions, { privateDnsOnlyForInboundResolverEndpoint: false });
  });

  it("encrypts secrets with a rotating key, logs the control plane, uses access entries, limits the endpoint", async () => {
    const { resources } = await prod();
    const cluster = one(resources, "aws:eks/cluster:Cluster");
    const i = cluster.inputs as any;
    assert.equal(i.version, "1.34");
    assert.deepEqual(i.encryptionConfig.resources, ["secrets"]);
    for (const log of ["api", "audit", "authenticator"]) assert.ok(i.enabledClusterLogTypes.includes(log));
    assert.equal(i.accessConfig.authenticationMode, "API");
    // Private by default: CI reaches it from self-hosted runners in the VPC.
    assert.equal(i.vpcConfig.endpointPublicAccess, false);
    assert.equal(i.vpcConfig.endpointPrivateAccess, true);
    assert.ok(cluster.protect, "the prod cluster is protected");
    for (const key of ofType(resources, "aws:kms/key:Key")) assert.equal(key.inputs.enableKeyRotation, true);
    // No implicit creator admin: the deploy role, the viewers (read-only) and the admins are explicit.
    assert.equal(i.accessConfig.bootstrapClusterCreatorAdminPermissions, false);
    const grants = Object.fromEntries(
      ofType(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => [
        String(a.inputs.principalArn),
        String(a.inputs.policyArn).split("/").pop(),
      ]),
    );
    assert.deepEqual(grants, {
      "arn:aws:iam::123456789012:role/flink-platform-deploy-prod": "AmazonEKSClusterAdminPolicy",
      "arn:aws:iam::123456789012:role/flink-platform-oncall": "AmazonEKSViewPolicy",
      "arn:aws:iam::123456789012:role/platform-admins": "AmazonEKSClusterAdminPolicy",
    });
    // The Kubernetes provider's first call needs those grants in place.
    const provider = one(resources, "pulumi:providers:kubernetes");
    for (const a of ofType(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
      assert.ok(provider.dependsOn.includes(a.name), a.name);
  });

  it("requires IMDSv2 with hop limit 1 and encrypted gp3 volumes on every node group", async () => {
    const { resources } = await prod();
    // The system node group's: Karpenter's Flink nodes take theirs from the EC2NodeClass (test/karpenter.test.ts).
    const templates = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate");
    assert.equal(templates.length, 1);
    for (const t of templates) {
      const i = t.inputs as any;
      assert.equal(i.metadataOptions.httpTokens, "required");
      assert.equal(i.metadataOptions.httpPutResponseHopLimit, 1);
      assert.equal(i.blockDeviceMappings[0].ebs.volumeType, "gp3");
      assert.equal(i.blockDeviceMappings[0].ebs.encrypted, "true");
    }
  });

  it("without Karpenter runs a tainted Flink node group of exactly its desired size", async () => {
    const { resources } = await render(stackVariant("prod", withFlinkNodeGroup), "prod");
    assert.equal(ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").length, 2);
    const flink = one(resources, "aws:eks/nodeGroup:NodeGroup", "-flink");
    assert.deepEqual((flink.inputs as any).taints, [
      { key: "flink-platform/pool", value: "flink", effect: "NO_SCHEDULE" },
    ]);
    assert.deepEqual((flink.inputs as any).scalingConfig, { minSize: 3, desiredSize: 14, maxSize: 20 });
    assert.ok(!resources.some((r) => (r.inputs as any)?.kind === "NodePool"));
  });

  it("pins core add-ons, gives the EBS CSI driver its own IRSA role and a default encrypted gp3 class", async () => {
    const { resources } = await prod();
    const addons = ofType(resources, "aws:eks/addon:Addon");
    assert.deepEqual(addons.map((a) => a.inputs.addonName).sort(), [
      "aws-ebs-csi-driver",
      "coredns",
      "kube-proxy",
      "vpc-cni",
    ]);
    for (const a of addons) assert.match(String(a.inputs.addonVersion), /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    const ebs = addons.find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
    assert.match(String(ebs.inputs.serviceAccountRoleArn), /^arn:aws:iam::\d{12}:role\//);
    const sc = manifest(resources, "StorageClass", "gp3-encrypted");
    assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    assert.deepEqual(sc.parameters.encrypted, "true");
  });

  it("exports the kubeconfig as a secret and builds the Kubernetes provider from it", async () => {
    const { resources } = await prod();
    const provider = one(resources, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.kubeconfig, "[secret]");
  });
});

describe("prod: EKS ordering and upgrades", () => {
  const byName = (resources: RecordedResource[]) => new Map(resources.map((r) => [r.name, r]));

  it("creates node groups after the CNI and kube-proxy add-ons and the node role's permissions", async () => {
    const { resources } = await prod();
    const names = byName(resources);
    const addon = (n: string) =>
      ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === n)!.name;
    const attachments = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => /-cluster-node-/.test(a.name))
      .map((a) => a.name);
    assert.equal(attachments.length, 2);
    for (const group of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) {
      for (const dep of [addon("vpc-cni"), addon("kube-proxy"), ...attachments]) {
        assert.ok(group.dependsOn.includes(dep), `${group.name} must wait for ${dep}`);
      }
      // Same Kubernetes version as the control plane: a version bump upgrades the nodes too.
      assert.equal(group.inputs.version, "1.34");
    }
    // The cluster waits for its role's permissions (and so outlives them on destroy).
    const cluster = one(resources, "aws:eks/cluster:Cluster");
    for (const suffix of ["-cluster-policy", "-cluster-kms"]) {
      assert.ok(
        cluster.dependsOn.some((d) => d.endsWith(suffix) && names.has(d)),
        suffix,
      );
    }
  });

  it("turns NetworkPolicy enforcement on in the VPC CNI", async () => {
    const { resources } = await prod();
    const cni = ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni")!;
    assert.deepEqual(JSON.parse(String(cni.inputs.configurationValues)), { enableNetworkPolicy: "true" });
  });

  it("gives every role it creates the permissions boundary", async () => {
    const { resources } = await prod();
    const roles = ofType(resources, "aws:iam/role:Role");
    assert.ok(roles.length >= 7);
    for (const r of roles) {
      assert.equal(
        r.inputs.permissionsBoundary,
        "arn:aws:iam::123456789012:policy/flink-platform-boundary-prod",
        r.name,
      );
      assert.ok(String(r.inputs.name ?? r.name).length <= 64);
    }
  });
});

describe("prod: IAM", () => {
  it("has no IAM statement that allows a wildcard action on a wildcard resource", async () => {
    const { resources } = await prod();
    const docs = resources.flatMap((r) =>
      ["policy", "assumeRolePolicy"].flatMap((k) => {
        const v = r.inputs[k];
        return typeof v === "string" && v.startsWith("{") ? [JSON.parse(v)] : [];
      }),
    );
    assert.ok(docs.length >= 8);
    for (const doc of docs) {
      for (const s of doc.Statement) {
        if (s.Effect !== "Allow") continue;
        const actions = [s.Action].flat();
        const res = [s.Resource ?? []].flat();
        assert.ok(
          !(actions.some((a: string) => a === "*" || a.endsWith(":*")) && res.includes("*")),
          JSON.stringify(s),
        );
      }
    }
  });
});
