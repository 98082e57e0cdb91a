/**
 * The checks that stand in for the Flink operator's admission and Flink's own startup
 * (components/flink/checks.ts): each from one edit of a valid stack, with exactly the problems the
 * user reads. The operator's facts are cited where checks.ts states them (DefaultValidator,
 * release-1.15.0).
 */
import { strict as assert } from "assert";
import { problemsOf, stackVariant, validate } from "./harness";
import { checkWorkloads, ownedOptionProblems } from "../components/flink/checks";
import { resolveModel } from "../config/model";
import { StackConfig } from "../config/schema";

function parsed(stack: "dev" | "prod"): any {
  const v = validate(stackVariant(stack));
  if (!v.ok) throw new Error(v.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  return structuredClone(v.stack);
}

/** Workload problems after `edit`, as `path: message` lines. */
function after(stack: "dev" | "prod", edit: (s: any) => void): string[] {
  const s = parsed(stack);
  edit(s);
  return checkWorkloads(resolveModel(s as StackConfig)).map((p) => `${p.path}: ${p.message}`);
}

const DEV_JOB = 'job "clickstream-enrichment" in namespace "analytics"';
const DEV_SESSION_JOB = 'session job "top-speed-windowing" in namespace "analytics"';

describe("Flink admission checks", () => {
  it("pass both shipped stacks", () => {
    assert.deepEqual(
      after("dev", () => {}),
      [],
    );
    assert.deepEqual(
      after("prod", () => {}),
      [],
    );
  });

  it("FlinkDeployment names the operator accepts", () => {
    const bad = (name: string) =>
      `namespaces[0].jobs[0].name: FlinkDeployment name "${name}" is refused by the Flink operator: at most 45 characters of ` +
      "[a-z0-9-], starting with a letter and not ending with '-'";
    for (const name of ["a".repeat(46), "job-", "9job"])
      assert.deepEqual(
        after("dev", (s) => (s.namespaces[0].jobs[0].name = name)),
        [bad(name)],
        name,
      );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].name = "a".repeat(45))),
      [],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionClusters[0].name = "adhoc-")),
      [
        `namespaces[0].sessionClusters[0].name: FlinkDeployment name "adhoc-" is refused by the Flink operator: at most 45 characters of ` +
          "[a-z0-9-], starting with a letter and not ending with '-'",
      ],
    );
  });

  it("keys the operator sets, deprecated on 2.x, or missing before 1.20", () => {
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].flinkConfiguration = { "kubernetes.cluster-id": "x" })),
      [
        `namespaces[0].jobs[0].flinkConfiguration.kubernetes.cluster-id: ${DEV_JOB}: "kubernetes.cluster-id" is set by the Flink operator and must not be configured`,
      ],
    );
    assert.deepEqual(
      after("dev", (s) => {
        s.namespaces[0].jobs[0].flinkVersion = "2.0";
        s.namespaces[0].jobs[0].flinkConfiguration = { "state.backend.incremental": "true" };
      }),
      [
        `namespaces[0].jobs[0].flinkConfiguration.state.backend.incremental: ${DEV_JOB}: "state.backend.incremental" is a deprecated name on Flink 2.x; use "execution.checkpointing.incremental"`,
      ],
    );
    assert.deepEqual(
      after(
        "dev",
        (s) => (s.namespaces[0].jobs[0].flinkConfiguration = { "state.backend.incremental": "true" }),
      ),
      [],
      "the old name is the name on 1.20",
    );
    assert.deepEqual(
      after("dev", (s) => {
        s.namespaces[0].jobs[0].flinkVersion = "1.19";
        s.namespaces[0].jobs[0].flinkConfiguration = { "execution.checkpointing.incremental": "true" };
      }),
      [
        `namespaces[0].jobs[0].flinkConfiguration.execution.checkpointing.incremental: ${DEV_JOB}: "execution.checkpointing.incremental" does not exist before Flink 1.20; on 1.19 use "state.backend.incremental"`,
      ],
    );
    assert.deepEqual(
      after(
        "dev",
        (s) => (s.namespaces[0].sessionJobs[0].flinkConfiguration = { "kubernetes.namespace": "x" }),
      ),
      [
        `namespaces[0].sessionJobs[0].flinkConfiguration.kubernetes.namespace: ${DEV_SESSION_JOB}: "kubernetes.namespace" is set by the Flink operator and must not be configured`,
      ],
      "a session job's keys are checked against its cluster's version",
    );
  });

  it("owned options, refused at every flinkConfiguration but for the operator's own keys", () => {
    const owned = (edit: (s: any) => void) => {
      const s = parsed("dev");
      edit(s);
      return ownedOptionProblems(s).map((p) => p.path);
    };
    const key = "state.checkpoints.dir";
    assert.deepEqual(
      owned((s) => {
        s.flink.flinkConfiguration = { [key]: "s3://x" };
        s.namespaces[0].jobs[1].flinkConfiguration = { [key]: "s3://x" };
        s.namespaces[0].sessionClusters[0].flinkConfiguration = { [key]: "s3://x" };
        s.namespaces[0].sessionJobs[1].flinkConfiguration = { [key]: "s3://x" };
      }),
      [
        `flink.flinkConfiguration.${key}`,
        `namespaces[0].jobs[1].flinkConfiguration.${key}`,
        `namespaces[0].sessionClusters[0].flinkConfiguration.${key}`,
        `namespaces[0].sessionJobs[1].flinkConfiguration.${key}`,
      ],
    );
    assert.deepEqual(
      owned((s) => (s.flink.flinkConfiguration = { "kubernetes.namespace": "x", "pipeline.name": "x" })),
      [],
      "the operator's keys get the operator's message instead; the job's own options are free",
    );
  });

  it("standby JobManagers need HA; an application needs a TaskManager", () => {
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].jobManager.replicas = 2)),
      [
        `namespaces[0].jobs[0].jobManager.replicas: ${DEV_JOB}: 2 JobManager replicas need high availability; ` +
          'set ha.mode (or the namespace\'s ha.mode) to "kubernetes" or "zookeeper", or use 1 replica',
      ],
    );
    assert.deepEqual(
      after("dev", (s) => {
        s.namespaces[0].jobs[0].jobManager.replicas = 2;
        s.namespaces[0].ha = { mode: "kubernetes" };
      }),
      [],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionClusters[0].jobManager = { replicas: 3 })),
      [
        'namespaces[0].sessionClusters[0].jobManager.replicas: session cluster "adhoc" in namespace "analytics": 3 JobManager replicas need high availability; ' +
          'set ha.mode (or the namespace\'s ha.mode) to "kubernetes" or "zookeeper", or use 1 replica',
      ],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].taskManager.replicas = 0)),
      [`namespaces[0].jobs[0].taskManager.replicas: ${DEV_JOB}: needs at least one TaskManager`],
    );
  });

  it("autoscaler bounds the operator would reject", () => {
    const fraud = 'job "fraud-detection" in namespace "payments"';
    const as = (edit: Record<string, number>) => (s: any) =>
      Object.assign(s.namespaces[1].jobs[0].autoscaler, edit);
    assert.deepEqual(after("dev", as({ utilizationMin: 0.6 })), [
      `namespaces[1].jobs[0].autoscaler.utilizationMin: ${fraud}: must be below targetUtilization 0.6`,
    ]);
    assert.deepEqual(after("dev", as({ utilizationMax: 0.6 })), [
      `namespaces[1].jobs[0].autoscaler.utilizationMax: ${fraud}: must be above targetUtilization 0.6`,
    ]);
    assert.deepEqual(after("dev", as({ utilizationMin: 0.59, utilizationMax: 0.61 })), []);
    assert.deepEqual(after("dev", as({ minParallelism: 9, maxParallelism: 8 })), [
      `namespaces[1].jobs[0].autoscaler.minParallelism: ${fraud}: must not exceed maxParallelism 8`,
    ]);
    assert.deepEqual(after("dev", as({ minParallelism: 8, maxParallelism: 8 })), []);
    assert.deepEqual(
      after("dev", (s) => {
        as({ maxParallelism: 10 })(s);
        s.namespaces[1].jobs[0].taskManager.replicas = 3;
      }),
      [
        `namespaces[1].jobs[0].taskManager.replicas: ${fraud}: fixed at 3 TaskManagers (9 slots), it cannot grow to ` +
          "autoscaler.maxParallelism 10; drop taskManager.replicas or lower the ceiling",
      ],
    );
    assert.deepEqual(
      after("dev", (s) => {
        as({ maxParallelism: 9 })(s);
        s.namespaces[1].jobs[0].taskManager.replicas = 3;
      }),
      [],
    );
  });

  it("reactive mode: the HPA alone owns the TaskManager count", () => {
    const ledger = 'job "ledger-reconciliation" in namespace "payments"';
    assert.deepEqual(
      after(
        "prod",
        (s) =>
          (s.namespaces[1].jobs[1].autoscaler = { enabled: true, mode: "scale", targetUtilization: 0.7 }),
      ),
      [
        `namespaces[1].jobs[1].reactive: ${ledger}: reactive mode and the operator's autoscaler both rescale the job; choose one (set autoscaler.enabled: false)`,
      ],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[1].jobs[1].taskManager.replicas = 3)),
      [
        `namespaces[1].jobs[1].taskManager.replicas: ${ledger}: the HorizontalPodAutoscaler owns the TaskManager count; set reactive.minTaskManagers instead`,
      ],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[1].jobs[1].reactive.minTaskManagers = 5)),
      [`namespaces[1].jobs[1].reactive.minTaskManagers: ${ledger}: must not exceed maxTaskManagers 4`],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[1].jobs[1].reactive.minTaskManagers = 4)),
      [],
    );
  });

  it("memory Flink would refuse at startup", () => {
    const [p, ...rest] = after("dev", (s) => (s.namespaces[0].jobs[0].jobManager.memory = 300 * 2 ** 20));
    assert.equal(rest.length, 0);
    assert.match(
      p,
      new RegExp(
        `^namespaces\\[0\\]\\.jobs\\[0\\]\\.jobManager\\.memory: ${DEV_JOB}: JobManager memory is refused by Flink: `,
      ),
    );
    const [t] = after("dev", (s) => (s.namespaces[0].jobs[0].taskManager.memory = 300 * 2 ** 20));
    assert.match(
      t,
      new RegExp(
        `^namespaces\\[0\\]\\.jobs\\[0\\]\\.taskManager\\.memory: ${DEV_JOB}: TaskManager memory is refused by Flink: `,
      ),
    );
  });

  it("a redeploy nonce needs the savepoint it redeploys from", () => {
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].savepointRedeployNonce = 1)),
      [
        `namespaces[0].jobs[0].savepointRedeployNonce: ${DEV_JOB}: savepointRedeployNonce redeploys from initialSavepointPath, which is not set`,
      ],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionJobs[0].savepointRedeployNonce = 1)),
      [
        `namespaces[0].sessionJobs[0].savepointRedeployNonce: ${DEV_SESSION_JOB}: savepointRedeployNonce redeploys from initialSavepointPath, which is not set`,
      ],
    );
    assert.deepEqual(
      after("dev", (s) =>
        Object.assign(s.namespaces[0].jobs[0], {
          savepointRedeployNonce: 1,
          initialSavepointPath: "s3://b/sp/1",
        }),
      ),
      [],
    );
  });

  it("s3:// jars only on EKS, and only inside the namespace's artifact locations", () => {
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].jobs[0].jarURI = "s3://jars/analytics/job.jar")),
      [
        `namespaces[0].jobs[0].jarURI: ${DEV_JOB}: s3:// jars need an EKS stack with the namespace's artifacts declared; on an existing cluster use local:// (in the image) or https://`,
      ],
    );
    assert.deepEqual(
      after("prod", (s) => (s.namespaces[0].jobs[1].jarURI = "s3://acme-flink-artifacts/payments/x.jar")),
      [
        'namespaces[0].jobs[1].jarURI: job "sessionization" in namespace "analytics": s3://acme-flink-artifacts/payments/x.jar ' +
          "is outside the namespace's artifact locations (s3://acme-flink-artifacts/analytics/), so its pods could not read it; " +
          "add its bucket and prefix to namespaces[0].artifacts",
      ],
    );
    assert.deepEqual(
      after("prod", (s) => {
        s.namespaces[1].artifacts = [];
        s.namespaces[1].jobs = [s.namespaces[1].jobs[0]];
      }),
      [
        'namespaces[1].jobs[0].jarURI: job "fraud-detection" in namespace "payments": s3://acme-flink-artifacts/payments/fraud-detection-7.2.0.jar ' +
          "is outside the namespace's artifact locations (none), so its pods could not read it; " +
          "add its bucket and prefix to namespaces[1].artifacts",
      ],
    );
    assert.deepEqual(
      after("prod", (s) => {
        s.namespaces[0].artifacts.push({ bucket: "shared-jars", prefix: "common/" });
        s.namespaces[0].jobs[1].jarURI = "s3://shared-jars/other/x.jar";
      }),
      [
        'namespaces[0].jobs[1].jarURI: job "sessionization" in namespace "analytics": s3://shared-jars/other/x.jar ' +
          "is outside the namespace's artifact locations (s3://acme-flink-artifacts/analytics/, s3://shared-jars/common/), " +
          "so its pods could not read it; add its bucket and prefix to namespaces[0].artifacts",
      ],
    );
  });

  it("session jobs: schemes the operator fetches, versions, and their cluster's slots", () => {
    const [scheme] = after("dev", (s) => (s.namespaces[0].sessionJobs[0].jarURI = "local:///opt/job.jar"));
    assert.match(
      scheme,
      /^namespaces\[0\]\.sessionJobs\[0\]\.jarURI: session job "top-speed-windowing" in namespace "analytics": the Flink operator fetches session-job jars itself and admits only [a-z0-9, ]+ \(kubernetes\.operator\.user\.artifacts\.allowed-schemes\); "local" would be refused: publish the jar over https, or run it as an application job \(jobs\[\]\), whose JobManager reads local:\/\/ and s3:\/\/ jars itself$/,
    );
    const s3 = after("dev", (s) => (s.namespaces[0].sessionJobs[0].jarURI = "s3://jars/job.jar"))
      .filter((p) => p.includes("would be refused"))
      .join("\n");
    assert.match(
      s3,
      /"s3" would be refused: declare the bucket in the namespace's `artifacts` on an EKS stack/,
    );
    assert.match(
      after("prod", (s) => (s.namespaces[0].sessionJobs[0].jarURI = "local:///opt/job.jar")).join("\n"),
      /admits only https, s3 \(kubernetes\.operator\.user\.artifacts\.allowed-schemes\); "local" would be refused: publish the jar over https or in one of the namespace's artifact locations \(s3:\/\/\)$/,
      "on EKS with artifact locations the operator reads s3:// itself",
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionJobs[0].parallelism = 5)),
      [
        `namespaces[0].sessionJobs[0].parallelism: ${DEV_SESSION_JOB}: parallelism 5 exceeds the 4 slots of session cluster "adhoc"`,
      ],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionJobs[0].parallelism = 4)),
      [],
    );
    const autoscaled = { enabled: true, mode: "scale", targetUtilization: 0.7, maxParallelism: 5 };
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionJobs[0].autoscaler = { ...autoscaled })),
      [
        `namespaces[0].sessionJobs[0].autoscaler.maxParallelism: ${DEV_SESSION_JOB}: 5 exceeds the 4 slots of session cluster "adhoc" (fixed taskManager.replicas)`,
      ],
    );
    assert.deepEqual(
      after("dev", (s) => (s.namespaces[0].sessionJobs[0].autoscaler = { ...autoscaled, maxParallelism: 4 })),
      [],
    );
    assert.deepEqual(
      after("dev", (s) => {
        s.namespaces[0].sessionClusters[0].flinkVersion = "1.19";
        s.namespaces[0].sessionJobs[0].autoscaler = { ...autoscaled, maxParallelism: 4 };
      }),
      [
        `namespaces[0].sessionJobs[0].autoscaler: ${DEV_SESSION_JOB}: session-job autoscaling needs Flink 1.20+ on session cluster "adhoc" (it runs 1.19; FLINK-33534)`,
      ],
    );
  });

  it("each Flink process within the LimitRange's container maximum, the maximum itself allowed", () => {
    const limitRange = (cpu: number, memory: string) =>
      problemsOf(
        stackVariant("prod", (c) => {
          c.flink.taskManager = { cpu, memory };
          c.namespaces.forEach((n: any) => (n.quota = { cpu: 400, memory: "4000Gi" }));
          delete c.namespaces[1].jobs[0].taskManager;
        }),
      ).filter((p) => p.includes("LimitRange"));
    assert.deepEqual(limitRange(8, "32g"), []);
    const over = limitRange(8.5, "8g");
    assert.equal(over.length, 5, over.join("\n"));
    assert.equal(
      over[0],
      'flink-platform:namespaces[0].jobs[0].taskManager: the TaskManager of "clickstream-enrichment" in namespace "analytics" ' +
        "(8500m cpu, 8Gi) exceeds the namespace LimitRange's container maximum (8 cpu, 32Gi; " +
        "policy.maxContainerCpu / policy.maxContainerMemory), so its pods would be refused",
    );
    assert.equal(limitRange(2, "32769m").length, 5, "one MiB over in memory");
  });
});
