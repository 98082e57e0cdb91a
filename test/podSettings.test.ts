/**
 * Teams' pod settings (environment, volumes, sidecars, placement, pulling, logging) merged with
 * the platform's baseline: what reaches the pods, what the fit checks count, what is refused,
 * and that the rendered FlinkDeployments keep to the operator's CRD and Pod Security restricted.
 */
import { strict as assert } from "assert";
import { manifest, problemsOf, render, stackVariant } from "./harness";
import { mergePods } from "../config/podMerge";
import { crdProblems } from "./charts/flinkDeploymentCrd";
import { podSecurityViolations } from "../components/kube/podSecurityStandards";
import { log4jConsoleProperties, FLINK_CONSOLE_PATTERN } from "../components/flink/logging";

/** A prod stack using every pod setting: the job a team with Kafka, a truststore and a sidecar runs. */
function everything(c: Record<string, any>) {
  c.flink.pod = {
    env: [{ name: "TZ", value: "UTC" }],
    imagePullSecrets: ["registry-acme"],
    tolerations: [{ key: "dedicated", operator: "Equal", value: "flink", effect: "NoSchedule" }],
    labels: { team: "payments" },
  };
  c.namespaces[1].pod = { envFrom: [{ configMapRef: "payments-settings" }] };
  const job = c.namespaces[1].jobs[0];
  job.pod = {
    env: [
      { name: "TZ", value: "Europe/Amsterdam" },
      { name: "KAFKA_SASL_PASSWORD", secretKeyRef: { name: "fraud-detection-kafka", key: "password" } },
      { name: "FEATURE_FLAGS", configMapKeyRef: { name: "flags", key: "fraud" } },
    ],
    volumes: [
      { name: "kafka-truststore", secret: { secretName: "kafka-truststore" } },
      { name: "scratch", emptyDir: { sizeLimit: "1Gi" } },
      { name: "vault-token", serviceAccountToken: { audience: "vault", expirationSeconds: 600 } },
    ],
    volumeMounts: [
      { name: "kafka-truststore", mountPath: "/etc/kafka/truststore" },
      { name: "scratch", mountPath: "/scratch", readOnly: false },
    ],
    sidecars: [
      {
        name: "vault-agent",
        image: "hashicorp/vault:1.17.2",
        args: ["agent", "-config=/etc/vault/agent.hcl"],
        resources: { cpu: 0.5, memory: "256Mi" },
        volumeMounts: [{ name: "vault-token", mountPath: "/var/run/vault" }],
        ports: [{ name: "vault", containerPort: 8200 }],
      },
    ],
    initContainers: [
      {
        name: "wait-for-kafka",
        image: "busybox:1.36.1",
        command: ["true"],
        resources: { cpu: 0.1, memory: "32Mi" },
      },
    ],
    imagePullPolicy: "Always",
    nodeSelector: { "node.kubernetes.io/instance-type": "m6i.2xlarge" },
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 50,
            podAffinityTerm: {
              labelSelector: { matchLabels: { app: "ledger-reconciliation" } },
              topologyKey: "kubernetes.io/hostname",
            },
          },
        ],
      },
    },
    topologySpreadConstraints: [
      { maxSkew: 2, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" },
    ],
    annotations: { "acme.example/owner": "payments" },
    terminationGracePeriodSeconds: 120,
    livenessProbe: { tcpSocket: { port: 6122 }, periodSeconds: 30 },
  };
  job.jobManager = {
    ...job.jobManager,
    pod: { volumes: [{ name: "jm-data", persistentVolumeClaim: { size: "10Gi" } }] },
  };
  job.taskManager = {
    ...job.taskManager,
    ephemeralStorage: "20Gi",
    pod: { priorityClassName: "flink-critical" },
  };
  job.logging = { rootLevel: "WARN", levels: { "com.acme": "DEBUG" } };
}

describe("pod settings: merging", () => {
  it("adds lists by name (a later level replaces a name), adds tolerations, merges maps, overrides single values", () => {
    const pod = mergePods(
      {
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "1" },
        ],
        tolerations: [{ key: "x" }],
        nodeSelector: { a: "1" },
      },
      {
        env: [
          { name: "B", value: "2" },
          { name: "C", value: "2" },
        ],
        tolerations: [{ key: "y" }],
        nodeSelector: { b: "2" },
        imagePullPolicy: "Always",
      },
      { imagePullPolicy: "Never" },
    );
    assert.deepEqual(pod.env, [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      { name: "C", value: "2" },
    ]);
    assert.deepEqual(pod.tolerations, [{ key: "x" }, { key: "y" }]);
    assert.deepEqual(pod.nodeSelector, { a: "1", b: "2" });
    assert.equal(pod.imagePullPolicy, "Never");
  });
});

describe("pod settings: what reaches the pods", () => {
  const stack = () => render(stackVariant("prod", everything), "prod");

  it("merges the team's settings into each process's template; the platform keeps its placement and security", async () => {
    const { resources } = await stack();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    const tm = fd.spec.taskManager.podTemplate.spec;
    const jm = fd.spec.jobManager.podTemplate.spec;
    // A toleration adds to the platform's Flink-pool toleration; it does not replace it.
    assert.deepEqual(
      tm.tolerations.map((t: any) => t.key),
      ["flink-platform/pool", "dedicated"],
    );
    assert.deepEqual(tm.nodeSelector, {
      "node.kubernetes.io/instance-type": "m6i.2xlarge",
      "flink-platform/pool": "flink",
    });
    const main = tm.containers[0];
    assert.equal(main.name, "flink-main-container");
    // The job's TZ replaces the stack's; the Secret is referenced, never read.
    assert.deepEqual(
      main.env.map((e: any) => [e.name, e.value ?? Object.keys(e.valueFrom)[0]]),
      [
        ["ENABLE_BUILT_IN_PLUGINS", "flink-s3-fs-hadoop-1.20.3.jar"],
        ["TZ", "Europe/Amsterdam"],
        ["KAFKA_SASL_PASSWORD", "secretKeyRef"],
        ["FEATURE_FLAGS", "configMapKeyRef"],
      ],
    );
    assert.deepEqual(main.envFrom, [{ configMapRef: { name: "payments-settings" } }]);
    assert.deepEqual(main.volumeMounts, [
      { name: "kafka-truststore", mountPath: "/etc/kafka/truststore", readOnly: true },
      { name: "scratch", mountPath: "/scratch", readOnly: false },
    ]);
    const sidecar = tm.containers[1];
    assert.equal(sidecar.name, "vault-agent");
    assert.deepEqual(sidecar.resources, {
      requests: { cpu: "500m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    assert.equal(sidecar.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(tm.imagePullSecrets, [{ name: "registry-acme" }]);
    assert.equal(fd.spec.imagePullPolicy, "Always");
    assert.equal(tm.priorityClassName, "flink-critical");
    assert.equal(tm.topologySpreadConstraints.length, 3, "the platform's two plus the team's");
    assert.deepEqual(tm.topologySpreadConstraints[2].labelSelector, {
      matchLabels: { app: "fraud-detection" },
    });
    assert.equal(fd.spec.taskManager.resource.ephemeralStorage, "20Gi");
    // The JobManager's PVC volume is a generic ephemeral volume, on the JobManager only.
    assert.deepEqual(jm.volumes.at(-1).ephemeral.volumeClaimTemplate.spec.resources.requests, {
      storage: "10Gi",
    });
    assert.ok(!tm.volumes.some((v: any) => v.name === "jm-data"));
    // Pod labels keep the platform's.
    assert.equal(
      fd.spec.taskManager.podTemplate.metadata.labels["app.kubernetes.io/part-of"],
      "flink-platform",
    );
    assert.equal(fd.spec.taskManager.podTemplate.metadata.labels.team, "payments");
  });

  it("keeps to the operator's CRD schema, and every pod stays Pod Security restricted", async () => {
    const { resources } = await stack();
    for (const r of resources) {
      const m = r.inputs as any;
      if (m?.kind !== "FlinkDeployment" && m?.kind !== "FlinkSessionJob") continue;
      assert.deepEqual(crdProblems(m.kind, m.spec), [], `${m.kind} ${m.metadata.name}`);
      for (const process of m.kind === "FlinkDeployment" ? ["jobManager", "taskManager"] : []) {
        assert.deepEqual(
          podSecurityViolations(m.spec[process].podTemplate.spec, "restricted"),
          [],
          `${m.metadata.name} ${process}`,
        );
      }
    }
  });

  it("the CRD check catches what the API server would prune", () => {
    assert.deepEqual(
      crdProblems("FlinkDeployment", {
        jobManager: {
          resource: { cpu: 1, memory: "2g", ephemeralStorage: "1Gi" },
          podTemplate: { spec: { containers: [{ name: "x", resourcez: {} }] } },
        },
        imagePullPolicy: "Always",
        mode: "native",
        flinkVersion: "v1_20",
        jobb: {},
      }),
      [
        "spec.jobManager.podTemplate.spec.containers[0].resourcez: not in the schema (the API server would prune it)",
        "spec.jobb: not in the schema (the API server would prune it)",
      ],
    );
  });

  it("counts sidecars, init containers and local disk in the quota and the node fit", async () => {
    const plain = await render(stackVariant("prod"), "prod");
    const { report } = await stack();
    const payments = (r: any) => r.namespaces.find((n: any) => n.name === "payments");
    // fraud-detection: 3 TaskManagers and 2 JobManagers, each with the 500m / 256Mi sidecar (the
    // init container is smaller than the pod, so it adds nothing).
    const delta = payments(report).requests.cpu - payments(plain.report).requests.cpu;
    assert.equal(Math.round(delta * 1000), 5 * 500);
    const flinkPool = report.pools.find((p: any) => p.pool === "flink");
    assert.ok(flinkPool, "pool report");
  });

  it("writes the console log configuration: Flink's stdout layout, the team's levels", async () => {
    const { resources } = await stack();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    const file: string = fd.spec.logConfiguration["log4j-console.properties"];
    assert.match(file, /^rootLogger\.level = WARN$/m);
    assert.match(file, /logger\.l\d+\.name = com\.acme\nlogger\.l\d+\.level = DEBUG/);
    assert.ok(file.includes(`appender.console.layout.pattern = ${FLINK_CONSOLE_PATTERN}`));
    // Every other cluster keeps INFO and the same layout.
    const other = manifest(resources, "FlinkDeployment", "ledger-reconciliation", "payments");
    assert.match(other.spec.logConfiguration["log4j-console.properties"], /^rootLogger\.level = INFO$/m);
    // A whole file replaces the platform's.
    assert.equal(
      log4jConsoleProperties({ rootLevel: "INFO", levels: {}, log4jProperties: "x = y\n" }),
      "x = y\n",
    );
  });
});

describe("pod settings: refused at preview, each with its key path", () => {
  const problems = (edit: (pod: Record<string, any>, c: Record<string, any>) => void) =>
    problemsOf(
      stackVariant("prod", (c) => {
        const job = c.namespaces[1].jobs[0];
        job.pod = {};
        edit(job.pod, c);
      }),
    );
  const at = "flink-platform:namespaces[1].jobs[0].pod";

  const cases: [string, (pod: Record<string, any>, c: Record<string, any>) => void, string, RegExp][] = [
    [
      "an override that drops runAsNonRoot",
      (p) => (p.securityContext = { runAsNonRoot: false }),
      `${at}.securityContext`,
      /non-root uid 9999.*Pod Security restricted/,
    ],
    [
      "a privileged sidecar",
      (p) =>
        (p.sidecars = [
          {
            name: "s",
            image: "busybox:1.36.1",
            resources: { cpu: 0.1, memory: "32Mi" },
            securityContext: { privileged: true },
          },
        ]),
      `${at}.sidecars[0].securityContext`,
      /cannot be set/,
    ],
    [
      "host networking",
      (p) => (p.hostNetwork = true),
      `${at}.hostNetwork`,
      /host namespaces and host paths are refused/,
    ],
    [
      "a hostPath volume",
      (p) => (p.volumes = [{ name: "h", hostPath: { path: "/" } }]),
      `${at}.volumes[0].hostPath`,
      /host paths are refused/,
    ],
    [
      "a service account",
      (p) => (p.serviceAccountName = "default"),
      `${at}.serviceAccountName`,
      /JobManagers run as `flink`/,
    ],
    [
      "a sidecar named like Flink's container",
      (p) =>
        (p.sidecars = [
          { name: "flink-main-container", image: "busybox:1.36.1", resources: { cpu: 0.1, memory: "32Mi" } },
        ]),
      `${at}.sidecars[0].name`,
      /Flink's own container/,
    ],
    [
      "a sidecar on Flink's REST port",
      (p) =>
        (p.sidecars = [
          {
            name: "proxy",
            image: "nginx:1.27.0",
            resources: { cpu: 0.1, memory: "32Mi" },
            ports: [{ name: "http", containerPort: 8081 }],
          },
        ]),
      `${at}.sidecars[0].ports[0].containerPort`,
      /8081 is Flink's/,
    ],
    [
      "the platform's environment variable",
      (p) => (p.env = [{ name: "ENABLE_BUILT_IN_PLUGINS", value: "x" }]),
      `${at}.env[0].name`,
      /set by the platform/,
    ],
    [
      "AWS credentials that would override IRSA",
      (p) => (p.env = [{ name: "AWS_ACCESS_KEY_ID", secretKeyRef: { name: "k", key: "id" } }]),
      `${at}.env[0].name`,
      /state credentials/,
    ],
    [
      "a password in a plain value",
      (p) => (p.env = [{ name: "KAFKA_PASSWORD", value: "hunter2" }]),
      `${at}.env[0].value`,
      /use secretKeyRef/,
    ],
    [
      "a mount over Flink's configuration",
      (p) => {
        p.volumes = [{ name: "c", configMap: { name: "mine" } }];
        p.volumeMounts = [{ name: "c", mountPath: "/opt/flink/conf" }];
      },
      `${at}.volumeMounts[0].mountPath`,
      /collides with \/opt\/flink\/conf/,
    ],
    [
      "a PVC on TaskManagers",
      (p) => (p.volumes = [{ name: "d", persistentVolumeClaim: { size: "1Gi" } }]),
      `${at}.volumes[0].persistentVolumeClaim`,
      /JobManager only/,
    ],
    ["the platform's labels", (p) => (p.labels = { app: "x" }), `${at}.labels.app`, /select pods by it/],
    [
      "the Flink pool's node label",
      (p) => (p.nodeSelector = { "flink-platform/pool": "system" }),
      `${at}.nodeSelector.flink-platform/pool`,
      /always run on the Flink pool/,
    ],
    [
      "a system priority class",
      (p) => (p.priorityClassName = "system-node-critical"),
      `${at}.priorityClassName`,
      /reserved for Kubernetes/,
    ],
    [
      "a misspelt key",
      (p) => (p.tolerations = [{ key: "x", operatr: "Exists" }]),
      `${at}.tolerations[0].operatr`,
      /did you mean "operator"/,
    ],
    [
      "an unbounded emptyDir",
      (p) => (p.volumes = [{ name: "e", emptyDir: {} }]),
      `${at}.volumes[0].emptyDir.sizeLimit`,
      /is required/,
    ],
    [
      "a sidecar without resources",
      (p) => (p.sidecars = [{ name: "s", image: "busybox:1.36.1" }]),
      `${at}.sidecars[0].resources`,
      /is required/,
    ],
  ];
  for (const [what, edit, path, message] of cases) {
    it(what, () => {
      const found = problems(edit);
      const line = found.find((l) => l.startsWith(`${path}: `));
      assert.ok(line, `${path} not refused:\n${found.join("\n")}`);
      assert.match(line!, message);
    });
  }

  it("a mount of a volume no level declares, naming what is declared", () => {
    const found = problems((p) => (p.volumeMounts = [{ name: "missing", mountPath: "/x" }]));
    assert.ok(
      found.some((l) =>
        /^flink-platform:namespaces\[1\]\.jobs\[0\]\.jobManager: container "flink-main-container" mounts volume "missing", which no pod settings level declares/.test(
          l,
        ),
      ),
      found.join("\n"),
    );
  });

  it("a pull policy that differs between the processes", () => {
    const found = problemsOf(
      stackVariant("prod", (c) => {
        const job = c.namespaces[1].jobs[0];
        job.taskManager = { ...job.taskManager, pod: { imagePullPolicy: "Always" } };
      }),
    );
    assert.ok(
      found.some((l) =>
        l.startsWith(
          "flink-platform:namespaces[1].jobs[0].pod.imagePullPolicy: applies to the whole cluster",
        ),
      ),
    );
  });

  it("a sidecar above the LimitRange's container maximum, and sidecars that break the quota", () => {
    const big = problems(
      (p) => (p.sidecars = [{ name: "big", image: "busybox:1.36.1", resources: { cpu: 16, memory: "1Gi" } }]),
    );
    assert.ok(
      big.some((l) =>
        /container "big" of the TaskManager of "fraud-detection" .* exceeds the namespace LimitRange/.test(l),
      ),
      big.join("\n"),
    );
    const quota = problems(
      (p) => (p.sidecars = [{ name: "fat", image: "busybox:1.36.1", resources: { cpu: 6, memory: "8Gi" } }]),
    );
    assert.ok(
      quota.some((l) =>
        l.startsWith(
          'flink-platform:namespaces[1].quota: the Flink clusters in namespace "payments" need more than its quota',
        ),
      ),
      quota.join("\n"),
    );
  });

  it("local disk a node cannot hold", () => {
    const found = problemsOf(
      stackVariant("prod", (c) => {
        const job = c.namespaces[1].jobs[0];
        // Karpenter's Flink nodes: 100Gi root volumes, 89Gi of it allocatable.
        job.taskManager = { ...job.taskManager, ephemeralStorage: "100Gi" };
      }),
    );
    assert.ok(
      found.some((l) => /taskmanager \(2 cpu, 12Gi, 100Gi local disk\) does not fit one flink node/.test(l)),
      found.join("\n"),
    );
  });
});
