import { strict as assert } from "assert";
import { problemsOf, render, stackVariant } from "./harness";
import { taskManagersFor } from "../config/capacity";
import { flinkConfiguration, LIST_OPTIONS, OPERATOR_FORBIDDEN_KEYS } from "../components/flink/flinkConfig";
import { resolveModel, FlinkClusterModel } from "../config/model";
import { validate } from "./harness";
import { FlinkVersion, FLINK_VERSIONS } from "../components/versions";

function prodModel(edit: (c: Record<string, any>) => void = () => {}) {
  const v = validate(stackVariant("prod", edit));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack);
}

function configFor(version: FlinkVersion, s3: "irsa" | "endpoint" = "irsa") {
  const model = prodModel((c) => (c.flink.version = version));
  const cluster = model.namespaces[0].flinkClusters[0] as FlinkClusterModel;
  return flinkConfiguration({
    cluster,
    flink: model.flink,
    state: { checkpoints: "s3://b/ns/checkpoints", savepoints: "s3://b/ns/savepoints", ha: "s3://b/ns/ha" },
    s3:
      s3 === "irsa"
        ? { kind: "irsa", region: "eu-west-1" }
        : { kind: "endpoint", endpoint: "http://store:9000" },
    ha: { mode: "kubernetes" },
  });
}

describe("capacity", () => {
  it("needs ⌈parallelism ÷ slots⌉ TaskManagers", () => {
    assert.equal(taskManagersFor(16, 4), 4);
    assert.equal(taskManagersFor(17, 4), 5);
    assert.equal(taskManagersFor(1, 4), 1);
    assert.throws(() => taskManagersFor(0, 4), RangeError);
  });

  it("derives TaskManagers per job unless replicas are given, and session demand from its jobs", () => {
    const model = prodModel((c) => {
      c.namespaces[0].jobs[1].taskManager = { replicas: 5 };
      delete c.namespaces[0].sessionClusters[0].taskManager;
    });
    const [clickstream, sessionization, adhoc] = model.namespaces[0].flinkClusters;
    assert.equal(clickstream.taskManager.replicas, 4); // 16 ÷ 4
    assert.equal(sessionization.taskManager.replicas, 5); // explicit
    assert.equal(adhoc.taskManager.replicas, 3); // (4 + 8) ÷ 4
  });
});

describe("Flink configuration per version", () => {
  it("uses the pre-1.20 names on 1.19", () => {
    const conf = configFor("1.19");
    assert.equal(conf["state.checkpoints.dir"], "s3://b/ns/checkpoints/clickstream-enrichment");
    assert.equal(conf["state.savepoints.dir"], "s3://b/ns/savepoints/clickstream-enrichment");
    assert.equal(conf["state.backend.incremental"], "true");
    assert.equal(conf["execution.checkpointing.dir"], undefined);
  });

  it("uses the 1.20 names on 1.20 and 2.x and never a key 2.0 removed", () => {
    for (const version of ["1.20", "2.0", "2.1", "2.2"] as const) {
      const conf = configFor(version);
      assert.equal(conf["execution.checkpointing.dir"], "s3://b/ns/checkpoints/clickstream-enrichment");
      assert.equal(
        conf["execution.checkpointing.savepoint-dir"],
        "s3://b/ns/savepoints/clickstream-enrichment",
      );
      for (const old of [
        "state.checkpoints.dir",
        "state.savepoints.dir",
        "state.backend.incremental",
        "state.backend",
      ]) {
        assert.equal(conf[old], undefined, `${version} must not set ${old}`);
      }
    }
  });

  it("sets only string values and no key the operator forbids", () => {
    for (const version of FLINK_VERSIONS) {
      const conf = configFor(version);
      for (const [key, value] of Object.entries(conf)) assert.equal(typeof value, "string", key);
      for (const key of OPERATOR_FORBIDDEN_KEYS) assert.equal(conf[key], undefined);
      assert.equal(
        conf["metrics.reporter.prom.factory.class"],
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
      );
      assert.equal(conf["high-availability.storageDir"], "s3://b/ns/ha/clickstream-enrichment");
    }
  });

  it("picks the S3 credentials provider for the bundled AWS SDK", () => {
    assert.equal(
      configFor("1.20")["fs.s3a.aws.credentials.provider"],
      "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
    );
    // 2.x still bundles Hadoop 3.3.4 with AWS SDK v1: an SDK v2 class name would not load.
    for (const version of FLINK_VERSIONS) {
      assert.equal(
        configFor(version)["fs.s3a.aws.credentials.provider"],
        "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
        version,
      );
    }
    const dev = configFor("1.20", "endpoint");
    assert.equal(dev["s3.endpoint"], "http://store:9000");
    assert.equal(dev["s3.path.style.access"], "true");
    assert.equal(
      dev["fs.s3a.aws.credentials.provider"],
      "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
    );
  });
});

describe("operator admission rules at preview", () => {
  const has = (problems: string[], path: string, text: RegExp) =>
    assert.ok(
      problems.some((p) => p.startsWith(`flink-platform:${path}: `) && text.test(p)),
      `expected ${path} ~ ${text}; got:\n${problems.join("\n")}`,
    );

  it("refuses names longer than 45 characters", () => {
    has(
      problemsOf(stackVariant("prod", (c) => (c.namespaces[1].jobs[0].name = "a".repeat(46)))),
      "namespaces[1].jobs[0].name",
      /refused by the Flink operator: at most 45/,
    );
  });

  it("refuses keys the operator sets and keys the Flink version does not have", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.namespaces[0].jobs[0].flinkConfiguration = { "kubernetes.cluster-id": "x" };
        c.namespaces[1].jobs[0].flinkVersion = "2.0";
        c.namespaces[1].jobs[0].flinkConfiguration = { "state.checkpoints.dir": "s3://x/y" };
        c.namespaces[1].jobs[1].flinkVersion = "1.19";
        c.namespaces[1].jobs[1].flinkConfiguration = { "execution.checkpointing.dir": "s3://x/y" };
      }),
    );
    has(
      problems,
      "namespaces[0].jobs[0].flinkConfiguration.kubernetes.cluster-id",
      /set by the Flink operator/,
    );
    has(
      problems,
      "namespaces[1].jobs[0].flinkConfiguration.state.checkpoints.dir",
      /is a deprecated name on Flink 2.x; use "execution.checkpointing.dir"/,
    );
    has(
      problems,
      "namespaces[1].jobs[1].flinkConfiguration.execution.checkpointing.dir",
      /does not exist before Flink 1.20/,
    );
  });

  it("needs HA for standby JobManagers", () => {
    has(
      problemsOf(stackVariant("dev", (c) => (c.namespaces[0].jobs[0].jobManager = { replicas: 2 }))),
      "namespaces[0].jobs[0].jobManager.replicas",
      /need high availability/,
    );
  });

  it("accepts last-state for session jobs, refuses parallelism beyond a session cluster's slots", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.namespaces[0].sessionJobs[0].upgradeMode = "last-state";
        c.namespaces[0].sessionJobs[1].parallelism = 13;
      }),
    );
    assert.deepEqual(
      problems.filter((p) => p.includes("sessionJobs[0]")),
      [],
      "operator 1.10+ supports last-state session jobs",
    );
    has(problems, "namespaces[0].sessionJobs[1].parallelism", /exceeds the 12 slots/);
  });

  it("limits FlinkDeployment names to 45 characters, not session job names", () => {
    const long = "a".repeat(50);
    assert.deepEqual(
      problemsOf(stackVariant("prod", (c) => (c.namespaces[0].sessionJobs[0].name = long))),
      [],
    );
    has(
      problemsOf(
        stackVariant("prod", (c) => {
          c.namespaces[0].sessionClusters[0].name = long;
          c.namespaces[0].sessionJobs.forEach((j: any) => (j.sessionCluster = long));
        }),
      ),
      "namespaces[0].sessionClusters[0].name",
      /at most 45/,
    );
  });

  it("refuses a session-job jar scheme the operator would not fetch, saying what works", () => {
    // dev: no artifact locations, so the operator admits https only (its default).
    has(
      problemsOf(
        stackVariant(
          "dev",
          (c) => (c.namespaces[0].sessionJobs[0].jarURI = "file:///opt/flink/usrlib/job.jar"),
        ),
      ),
      "namespaces[0].sessionJobs[0].jarURI",
      /admits only https .*"file" would be refused: publish the jar over https/,
    );
    has(
      problemsOf(
        stackVariant("dev", (c) => (c.namespaces[0].sessionJobs[0].jarURI = "s3://flink/jobs/job.jar")),
      ),
      "namespaces[0].sessionJobs[0].jarURI",
      /"s3" would be refused: declare the bucket in the namespace's `artifacts` on an EKS stack/,
    );
  });

  it("refuses an s3:// jar outside the namespace's artifact locations", () => {
    has(
      problemsOf(
        stackVariant(
          "prod",
          (c) => (c.namespaces[1].jobs[0].jarURI = "s3://acme-flink-artifacts/analytics/x.jar"),
        ),
      ),
      "namespaces[1].jobs[0].jarURI",
      /outside the namespace's artifact locations \(s3:\/\/acme-flink-artifacts\/payments\/\).*add its bucket and prefix to namespaces\[1\]\.artifacts/,
    );
  });

  it("refuses a memory size Flink would refuse, naming the job, with Flink's message", () => {
    has(
      problemsOf(stackVariant("prod", (c) => (c.namespaces[1].jobs[0].taskManager = { memory: "900m" }))),
      "namespaces[1].jobs[0].taskManager.memory",
      /job "fraud-detection" in namespace "payments": TaskManager memory is refused by Flink: Sum of configured Framework Heap Memory/,
    );
    has(
      problemsOf(
        stackVariant(
          "prod",
          (c) =>
            (c.namespaces[1].jobs[1].flinkConfiguration = { "taskmanager.memory.managed.fraction": "0.95" }),
        ),
      ),
      "namespaces[1].jobs[1].taskManager.memory",
      /exceed configured Total Flink Memory/,
    );
  });
});

describe("savepoint redeploy", () => {
  it("passes the nonce to the operator with the savepoint path, and refuses it alone", async () => {
    const path = "s3://acme-flink-prod-eu-west-1-state/payments/savepoints/fraud-detection/savepoint-1";
    const ok = validate(
      stackVariant("prod", (c) => {
        Object.assign(c.namespaces[1].jobs[0], { initialSavepointPath: path, savepointRedeployNonce: 2 });
      }),
    );
    assert.ok(ok.ok);
    const job = resolveModel(ok.stack).namespaces[1].flinkClusters[0].job!;
    assert.deepEqual([job.initialSavepointPath, job.savepointRedeployNonce], [path, 2]);
    assert.deepEqual(
      problemsOf(stackVariant("prod", (c) => (c.namespaces[1].jobs[0].savepointRedeployNonce = 2))),
      [
        'flink-platform:namespaces[1].jobs[0].savepointRedeployNonce: job "fraud-detection" in namespace "payments": savepointRedeployNonce redeploys from initialSavepointPath, which is not set',
      ],
    );
  });
});

describe("list options", () => {
  it("use Flink's list separator ';' wherever the platform writes one", async () => {
    const { resources } = await render(stackVariant("prod"), "prod");
    const confs = resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "FlinkDeployment")
      .map((m) => m.spec.flinkConfiguration);
    assert.ok(confs.length > 0);
    for (const conf of confs) {
      assert.equal(conf["metrics.job.status.enable"], "STATE;CURRENT_TIME");
      for (const key of LIST_OPTIONS) if (conf[key] !== undefined) assert.doesNotMatch(conf[key], /,/, key);
    }
  });
});
