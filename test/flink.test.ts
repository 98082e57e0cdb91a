import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { manifest, ofType, one, render, stackVariant } from "./harness";
import { quorumSize } from "../components/ha/quorum";

const prod = () => render(stackVariant("prod"), "prod");

describe("Flink operator and workloads", () => {
  it("installs pinned cert-manager and operator releases watching exactly the Flink namespaces", async () => {
    const { resources } = await prod();
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release");
    const operator = releases.find((r) => r.inputs.chart === "flink-kubernetes-operator")!;
    assert.equal(operator.inputs.version, "1.15.0");
    // The archive keeps every release; downloads.apache.org drops superseded ones.
    assert.equal(
      (operator.inputs.repositoryOpts as any).repo,
      "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
    );
    const values = operator.inputs.values as any;
    assert.deepEqual(values.watchNamespaces, ["analytics", "payments"]);
    assert.equal(values.webhook.create, true);
    assert.ok(values.operatorPod.resources.limits.memory);
    assert.deepEqual(values.operatorPod.nodeSelector, { "flink-platform/pool": "system" });
    assert.ok(
      releases.some((r) => r.inputs.chart === "cert-manager" && /^v\d/.test(String(r.inputs.version))),
    );
  });

  it("creates a FlinkDeployment per job and session cluster, applied only after the operator release", async () => {
    const { resources } = await prod();
    const crs = ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkDeployment");
    assert.equal(crs.length, 5);
    const operatorRelease = ofType(resources, "kubernetes:helm.sh/v3:Release").find(
      (r) => r.inputs.chart === "flink-kubernetes-operator",
    )!;
    for (const cr of [...crs, ...ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob")]) {
      assert.ok(cr.dependsOn.includes(operatorRelease.name), `${cr.name} must depend on the operator`);
    }
    const session = manifest(resources, "FlinkDeployment", "adhoc", "analytics");
    assert.equal(session.spec.job, undefined);
    assert.equal(session.spec.taskManager.replicas, 3);
    const jobs = ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkSessionJob").map(
      (r) => r.inputs as any,
    );
    assert.deepEqual(
      jobs.map((j) => j.spec.deploymentName),
      ["adhoc", "adhoc"],
    );
    const snapshot = manifest(resources, "FlinkStateSnapshot", "clickstream-pre-3-5", "analytics");
    assert.deepEqual(snapshot.spec.jobReference, { kind: "FlinkDeployment", name: "clickstream-enrichment" });
    assert.equal(snapshot.spec.savepoint.formatType, "CANONICAL");
  });

  it("gives Flink pods the Flink nodes, zone spread, non-root and a named metrics port", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    // Each process carries its whole template; no common one the operator would merge by position.
    assert.equal(fd.spec.podTemplate, undefined);
    for (const process of ["jobManager", "taskManager"]) {
      const s = fd.spec[process].podTemplate.spec;
      assert.deepEqual(s.nodeSelector, { "flink-platform/pool": "flink" }, process);
      assert.equal(s.containers[0].name, "flink-main-container", process);
    }
    const spec = fd.spec.taskManager.podTemplate.spec;
    assert.deepEqual(spec.nodeSelector, { "flink-platform/pool": "flink" });
    assert.equal(spec.tolerations[0].key, "flink-platform/pool");
    assert.equal(spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    assert.deepEqual(spec.topologySpreadConstraints[0].labelSelector.matchLabels, { app: "fraud-detection" });
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.equal(spec.priorityClassName, "flink-critical");
    const main = spec.containers[0];
    assert.equal(main.name, "flink-main-container");
    assert.deepEqual(main.ports, [{ name: "metrics", containerPort: 9249, protocol: "TCP" }]);
    assert.equal(fd.spec.flinkConfiguration["metrics.reporter.prom.port"], "9249");
    assert.equal(fd.spec.job.upgradeMode, "savepoint");
    assert.equal(fd.spec.jobManager.replicas, 2);
    assert.equal(fd.spec.serviceAccount, "flink");
  });

  it("grants the JobManager's service account only what native mode needs, and no Leases", async () => {
    const { resources } = await prod();
    const role = manifest(resources, "Role", "flink", "payments");
    const resourcesGranted = role.rules.flatMap((r: any) => r.resources).sort();
    assert.deepEqual(resourcesGranted, ["configmaps", "deployments", "deployments/finalizers", "pods"]);
    for (const rule of role.rules) assert.ok(!rule.verbs.includes("*"));
  });

  it("runs TaskManagers (user code) under their own account: the S3 role, and only reads with Kubernetes HA", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    assert.equal(fd.spec.serviceAccount, "flink");
    assert.equal(fd.spec.flinkConfiguration["kubernetes.taskmanager.service-account"], "flink-taskmanager");
    const tm = manifest(resources, "ServiceAccount", "flink-taskmanager", "payments");
    const jm = manifest(resources, "ServiceAccount", "flink", "payments");
    // Both carry the namespace's S3 role, whose trust admits both.
    assert.equal(
      tm.metadata.annotations["eks.amazonaws.com/role-arn"],
      jm.metadata.annotations["eks.amazonaws.com/role-arn"],
    );
    const trust = JSON.parse(
      String(one(resources, "aws:iam/role:Role", "storage-s3-payments").inputs.assumeRolePolicy),
    );
    const subs = Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) =>
      k.endsWith(":sub"),
    )![1];
    assert.deepEqual(subs, [
      "system:serviceaccount:payments:flink",
      "system:serviceaccount:payments:flink-taskmanager",
    ]);
    // Kubernetes HA (prod): TaskManagers find the leader in ConfigMaps, read-only.
    const role = manifest(resources, "Role", "flink-taskmanager", "payments");
    assert.deepEqual(role.rules, [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = manifest(resources, "RoleBinding", "flink-taskmanager", "payments");
    assert.deepEqual(binding.subjects, [
      { kind: "ServiceAccount", name: "flink-taskmanager", namespace: "payments" },
    ]);
    // Without Kubernetes HA (dev) they get no Role and no API token at all.
    const dev = await render(stackVariant("dev"), "dev");
    assert.ok(
      !dev.resources.some(
        (r) => (r.inputs as any).kind === "Role" && (r.inputs as any).metadata.name === "flink-taskmanager",
      ),
    );
    assert.equal(
      manifest(dev.resources, "ServiceAccount", "flink-taskmanager", "analytics")
        .automountServiceAccountToken,
      false,
    );
  });

  it("reports every Flink cluster with its capacity and memory breakdown", async () => {
    const { report } = await prod();
    assert.deepEqual(
      report.flinkClusters.map((c) => `${c.namespace}/${c.name}`),
      [
        "analytics/adhoc",
        "analytics/clickstream-enrichment",
        "analytics/sessionization",
        "payments/fraud-detection",
        "payments/ledger-reconciliation",
      ],
    );
    const fraud = report.flinkClusters.find((c) => c.name === "fraud-detection")!;
    assert.equal(fraud.kind, "application");
    assert.equal(fraud.parallelism, 12);
    assert.equal(fraud.taskManagers, 3);
    assert.equal(fraud.taskManager.processBytes, 12 * 1024 ** 3);
    assert.equal(report.flinkClusters.find((c) => c.name === "adhoc")!.parallelism, null);
    const tm = fraud.taskManager;
    assert.equal(
      tm.frameworkHeapBytes +
        tm.taskHeapBytes +
        tm.frameworkOffHeapBytes +
        tm.taskOffHeapBytes +
        tm.managedBytes +
        tm.networkBytes +
        tm.metaspaceBytes +
        tm.overheadBytes,
      tm.processBytes,
    );
  });
});

describe("high availability: ZooKeeper", () => {
  const zk = () =>
    render(
      stackVariant("prod", (c) => {
        c.ha = { mode: "zookeeper", jobManagerReplicas: 2, zookeeper: { replicas: 5 } };
        // Five members with required anti-affinity need five system nodes.
        c.cluster.nodeGroups.system = { ...c.cluster.nodeGroups.system, desiredSize: 5, maxSize: 6 };
      }),
      "prod",
    );

  it("runs an odd ensemble whose members are exactly the quorum Flink gets", async () => {
    const { resources } = await zk();
    const sts = manifest(resources, "StatefulSet", "zookeeper", "flink-ha");
    assert.equal(sts.spec.replicas, 5);
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    const quorum = fd.spec.flinkConfiguration["high-availability.zookeeper.quorum"].split(",");
    assert.deepEqual(
      quorum,
      [0, 1, 2, 3, 4].map((i) => `zookeeper-${i}.${sts.spec.serviceName}.flink-ha.svc.cluster.local:2181`),
    );
    assert.equal(fd.spec.flinkConfiguration["high-availability.type"], "zookeeper");
    assert.equal(
      fd.spec.flinkConfiguration["high-availability.zookeeper.path.root"],
      "/flink/payments/fraud-detection",
    );
    assert.match(
      fd.spec.flinkConfiguration["high-availability.storageDir"],
      /^s3:\/\/acme-flink-prod-euw1-payments\/ha\//,
    );
    const pdb = manifest(resources, "PodDisruptionBudget", "zookeeper", "flink-ha");
    assert.equal(pdb.spec.minAvailable, 3);
    assert.ok(pdb.spec.minAvailable > 5 / 2, "the budget keeps a majority");
    assert.ok(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
  });

  it("sizes the heap from the memory limit and probes without starting a JVM", async () => {
    const { resources } = await zk();
    const container = manifest(resources, "StatefulSet", "zookeeper", "flink-ha").spec.template.spec
      .containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    // bin/zkEnv.sh reads ZK_SERVER_HEAP (MiB) for -Xmx; the default 1000 would not fit a 1Gi limit.
    assert.equal(env.ZK_SERVER_HEAP, "512");
    assert.equal(container.resources.limits.memory, "1Gi");
    assert.equal(env.ZOO_CFG_EXTRA, "quorumListenOnAllIPs=true");
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const command = probe.exec.command.join(" ");
      assert.doesNotMatch(command, /zkServer\.sh|java/, "a probe must not start a JVM");
      assert.match(command, /\/dev\/tcp\/127\.0\.0\.1\/2181/);
      // The four-letter word it sends must be on the server's whitelist.
      const word = /printf (\w+)/.exec(command)![1];
      assert.ok(env.ZOO_4LW_COMMANDS_WHITELIST.split(",").includes(word), word);
    }
  });

  it("drops the disruption budget for a single member, which would block every drain", async () => {
    const { resources } = await render(
      stackVariant("dev", (c) => (c.ha = { mode: "zookeeper", zookeeper: { replicas: 1 } })),
      "dev",
    );
    assert.ok(manifest(resources, "StatefulSet", "zookeeper", "flink-ha"));
    assert.ok(!resources.some((r) => (r.inputs as any).kind === "PodDisruptionBudget"));
  });

  it("keeps a strict majority for every odd size", () => {
    for (const n of [1, 3, 5, 7]) assert.ok(quorumSize(n) > n / 2 && quorumSize(n) - 1 <= n / 2);
  });
});

describe("npm run render", () => {
  it("exits 1 listing every problem, without a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "bad-stack-"));
    const file = join(dir, "Pulumi.bad.yaml");
    writeFileSync(
      file,
      stackVariant("prod", (c) => {
        c.namespaces[0].jobs[0].parallelism = -1;
        c.flink.jobManager.memory = "lots";
        c.ha.mode = "none";
        c.namespaces[0].jobs[0].entryklass = "x";
      }),
    );
    const out = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/render.ts",
        "--stack",
        "bad",
        "--config",
        file,
        "--out",
        join(dir, "out"),
      ],
      {
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
      },
    );
    assert.equal(out.status, 1, out.stderr);
    assert.match(out.stderr, /flink-platform:namespaces\[0\]\.jobs\[0\]\.parallelism: must be at least 1/);
    assert.match(out.stderr, /flink-platform:flink\.jobManager\.memory: "lots" is not a size/);
    assert.match(
      out.stderr,
      /flink-platform:namespaces\[0\]\.jobs\[0\]\.entryklass: unknown key "entryklass" \(did you mean "entryClass"\?\)/,
    );
    assert.doesNotMatch(out.stderr, /\n\s+at /, "no stack trace");
  });
});
