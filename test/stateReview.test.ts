/**
 * The PR review of state and downtime: what a change deletes, replaces or restarts. The operator
 * model is checked against the operator's own spec-diff tests; the sections are evaluated over
 * real renders of the prod stack and edits of it.
 */
import { strict as assert } from "assert";
import { render, stackVariant } from "./harness";
import { resourceRecords } from "../tools/offline/render";
import { ResourceRecord } from "../tools/offline/review/records";
import { flinkSpecDiff, scalesInPlace } from "../tools/offline/review/flinkSpecDiff";
import { reviewStack } from "../tools/offline/review/review";
import { replacingChanges } from "../tools/offline/review/replaceRules";
import { reviewMarkdown } from "../tools/offline/review/markdown";

const records = async (edit?: (c: Record<string, any>) => void) =>
  resourceRecords(await render(stackVariant("prod", edit), "prod"));
const FD = "kubernetes:flink.apache.org/v1beta1:FlinkDeployment";
const names = (xs: { resource: string }[]) => xs.map((x) => x.resource.split("::")[1]);

describe("PR review: the operator's spec diff (flink-kubernetes-operator release-1.15.0)", () => {
  const app = () => ({
    image: "flink:1.20",
    flinkVersion: "v1_20",
    flinkConfiguration: { "taskmanager.numberOfTaskSlots": "2" },
    jobManager: { resource: { cpu: 1, memory: "2g" }, replicas: 1 },
    taskManager: { resource: { cpu: 1, memory: "4g" } },
    podTemplate: { apiVersion: "v1", kind: "Pod", spec: { hostname: "h" } },
    job: { jarURI: "local:///job.jar", parallelism: 2, upgradeMode: "savepoint", state: "running", args: [] },
  });
  const edit = (f: (s: any) => void) => {
    const s: any = app();
    f(s);
    return s;
  };

  it("ignores upgrade mode, savepoint paths and operator, autoscaler and default-parallelism keys (SpecDiffTest.java:83-111)", () => {
    const right = edit((s) => {
      s.job.upgradeMode = "last-state";
      s.job.allowNonRestoredState = true;
      s.job.initialSavepointPath = "s3://b/savepoints/x";
      s.job.savepointTriggerNonce = 123;
      Object.assign(s.flinkConfiguration, {
        "kubernetes.operator.reconcile.interval": "100 s",
        "kubernetes.operator.metrics.scope.k8soperator.system": "foo.bar",
        "parallelism.default": "100",
        "job.autoscaler.metrics.window": "1234m",
      });
    });
    const diff = flinkSpecDiff(app(), right, "native");
    assert.equal(diff.type, "IGNORE");
    assert.equal(diff.changes.length, 8);
  });

  it("upgrades on parallelism in native mode and scales in standalone mode (SpecDiffTest.java:113-123, 159-175)", () => {
    const right = edit((s) => (s.job.parallelism = 100));
    assert.equal(flinkSpecDiff(app(), right, "native").type, "UPGRADE");
    assert.equal(flinkSpecDiff(app(), right, "standalone").type, "SCALE");
    const replicas = edit((s) => (s.taskManager.replicas = 3));
    assert.equal(flinkSpecDiff(app(), replicas, "native").type, "UPGRADE");
    assert.equal(flinkSpecDiff(app(), replicas, "standalone").type, "SCALE");
  });

  it("upgrades on image, resources, arguments, state and any other Flink option (SpecDiffTest.java:125-158)", () => {
    for (const f of [
      (s: any) => (s.image = "flink:greatest"),
      (s: any) => (s.jobManager.resource.memory = "999m"),
      (s: any) => (s.taskManager.resource.memory = "8g"),
      (s: any) => (s.job.args = ["--foo", "bar"]),
      (s: any) => (s.job.state = "suspended"),
      (s: any) => (s.flinkConfiguration["execution.checkpointing.interval"] = "2 min"),
    ])
      assert.equal(flinkSpecDiff(app(), edit(f), "native").type, "UPGRADE", String(f));
  });

  it("treats parallelism overrides as a scale in native mode only (SpecDiffTest.java:177-190)", () => {
    const right = edit((s) => (s.flinkConfiguration["pipeline.jobvertex-parallelism-overrides"] = "a:2"));
    assert.equal(flinkSpecDiff(app(), right, "native").type, "SCALE");
    assert.equal(flinkSpecDiff(app(), right, "standalone").type, "UPGRADE");
    // Applied in place only with the adaptive scheduler on Flink 1.18+ (NativeFlinkService.java:243-270).
    assert.equal(scalesInPlace(right, "v1_20"), false);
    right.flinkConfiguration["jobmanager.scheduler"] = "adaptive";
    assert.equal(scalesInPlace(right, "v1_20"), true);
    assert.equal(scalesInPlace(right, "v1_17"), false);
  });

  it("ignores a nonce set back to null and a pod template's apiVersion and kind (SpecDiffTest.java:275-322)", () => {
    const withNonce = edit((s) => (s.restartNonce = 1));
    assert.equal(flinkSpecDiff(app(), withNonce, "native").type, "UPGRADE");
    assert.equal(flinkSpecDiff(withNonce, app(), "native").type, "IGNORE");
    const redeploy = edit((s) => (s.job.savepointRedeployNonce = 1));
    assert.equal(flinkSpecDiff(app(), redeploy, "native").type, "SAVEPOINT_REDEPLOY");
    const bare = edit((s) => (s.podTemplate = { spec: { hostname: "h" } }));
    assert.deepEqual(flinkSpecDiff(app(), bare, "native").changes, []);
  });
});

describe("PR review: replace-on-change rules", () => {
  const rec = (type: string, inputs: Record<string, unknown>): ResourceRecord => ({
    type,
    name: "x",
    parent: null,
    custom: true,
    inputs,
  });
  const flags = { enableConfigMapMutable: false, enableSecretMutable: false };

  it("replaces a bucket on a new name, a node group on new instance types, a subnet on a new CIDR", () => {
    const cases: [string, object, object, string[]][] = [
      [
        "aws:s3/bucket:Bucket",
        { bucket: "a", tags: { x: "1" } },
        { bucket: "b", tags: { x: "2" } },
        ["bucket"],
      ],
      [
        "aws:eks/nodeGroup:NodeGroup",
        { instanceTypes: ["m6i.xlarge"], scalingConfig: { desiredSize: 3 } },
        { instanceTypes: ["m7i.xlarge"], scalingConfig: { desiredSize: 4 } },
        ["instanceTypes"],
      ],
      ["aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/19" }, { cidrBlock: "10.0.32.0/19" }, ["cidrBlock"]],
    ];
    for (const [type, a, b, expected] of cases)
      assert.deepEqual(replacingChanges(rec(type, a as any), rec(type, b as any), flags), expected, type);
  });

  it("replaces any Kubernetes object on a new name or namespace, and ConfigMaps on new data unless mutable", () => {
    const cm = (data: string, name = "a") =>
      rec("kubernetes:core/v1:ConfigMap", { metadata: { name, namespace: "m" }, data: { k: data } });
    assert.deepEqual(replacingChanges(cm("1"), cm("2"), flags), ["data.k"]);
    assert.deepEqual(replacingChanges(cm("1"), cm("2"), { ...flags, enableConfigMapMutable: true }), []);
    const fd = (ns: string) => rec(FD, { metadata: { name: "j", namespace: ns }, spec: {} });
    assert.deepEqual(replacingChanges(fd("a"), fd("b"), flags), ["metadata.namespace"]);
  });
});

describe("PR review: state at risk, restarts and replacements of real renders", () => {
  let base: ResourceRecord[];
  before(async () => {
    base = await records();
  });

  it("renaming a stateful job puts exactly that job at risk, with its savepoint and the rename recipe", async () => {
    const head = await records((c) => (c.namespaces[0].jobs[1].name = "sessionization-v2"));
    const review = reviewStack(base, head);
    assert.deepEqual(names(review.atRisk), ["flink-platform-flink-analytics-flinkdeployment-sessionization"]);
    const [risk] = review.atRisk;
    assert.equal(risk.what, "FlinkDeployment analytics/sessionization (last-state)");
    assert.equal(risk.change, "deleted");
    // The platform sets savepoint-on-deletion on stateful jobs (flinkConfig.ts deletionSafety).
    assert.match(
      risk.lost,
      /savepoint-on-deletion.*s3:\/\/acme-flink-prod-euw1-analytics\/savepoints\/sessionization\//,
    );
    assert.match(risk.keep, /analytics\/sessionization-v2.*initialSavepointPath.*runbook\.md §4b/);
    assert.deepEqual(review.restarts, []);
    assert.deepEqual(review.replacements, []);
    assert.deepEqual(review.guardsRemoved, []);
  });

  it("a rename that restores from the old job's savepoint says the state is kept", async () => {
    const path =
      "s3://acme-flink-prod-euw1-analytics/savepoints/sessionization/savepoint-0a1b2c-0123456789ab";
    const head = await records((c) => (c.namespaces[0].jobs[1].name = "sessionization-v2"));
    // What the render writes for `initialSavepointPath` on the new job (customResources.ts jobSpec).
    const restoring = head.map((r) =>
      r.name.endsWith("-sessionization-v2")
        ? JSON.parse(
            JSON.stringify(r).replace(
              '"upgradeMode":"last-state"',
              `"upgradeMode":"last-state","initialSavepointPath":"${path}"`,
            ),
          )
        : r,
    );
    const [risk] = reviewStack(base, restoring).atRisk;
    assert.equal(
      risk.keep,
      `Kept: FlinkDeployment analytics/sessionization-v2 starts from \`${path}\` (docs/runbook.md §4b).`,
    );
  });

  it("renaming a namespace puts its namespace, bucket and stateful jobs at risk, and nothing else", async () => {
    const head = await records((c) => (c.namespaces[0].name = "insights"));
    const review = reviewStack(base, head);
    assert.deepEqual(
      review.atRisk.map((r) => r.what),
      [
        "state bucket acme-flink-prod-euw1-analytics (namespace analytics)",
        "Namespace analytics",
        "FlinkDeployment analytics/clickstream-enrichment (savepoint)",
        "FlinkDeployment analytics/sessionization (last-state)",
        "FlinkSessionJob analytics/backfill-sessions (savepoint)",
        "FlinkSessionJob analytics/daily-aggregates (savepoint)",
      ],
    );
    // Production protects the bucket: the deploy stops instead of deleting it.
    assert.match(review.atRisk[0].lost, /protected, so `pulumi up` refuses to delete it/);
    assert.match(
      review.atRisk[1].lost,
      /FlinkDeployment clickstream-enrichment.*FlinkSessionJob daily-aggregates/,
    );
    // The session cluster holds no state of its own; its jobs are listed one by one.
    assert.ok(!review.atRisk.some((r) => r.what.includes("adhoc")));
    assert.deepEqual(review.restarts, []);
  });

  it("changing one job's parallelism restarts exactly that job, with its upgrade mode", async () => {
    const head = await records((c) => (c.namespaces[1].jobs[0].parallelism = 16));
    const review = reviewStack(base, head);
    assert.deepEqual(
      review.restarts.map((r) => [r.job, r.kind, r.upgradeMode, r.changes]),
      [["payments/fraud-detection", "application", "savepoint", ["job.parallelism"]]],
    );
    assert.match(review.restarts[0].interruption, /^Stops with a savepoint/);
    assert.deepEqual(review.atRisk, []);
    assert.deepEqual(review.replacements, []);
  });

  it("changing only the alert thresholds restarts nothing and replaces nothing", async () => {
    const head = await records(
      (c) => (c.monitoring = { ...c.monitoring, alerts: { restartsPer15m: 9, heapUsageRatio: 0.8 } }),
    );
    const changed = head.filter(
      (r) => JSON.stringify(r) !== JSON.stringify(base.find((b) => b.name === r.name && b.type === r.type)),
    );
    assert.deepEqual(
      changed.map((r) => r.type),
      ["kubernetes:monitoring.coreos.com/v1:PrometheusRule"],
      "the edit changes the alert rules",
    );
    assert.deepEqual(reviewStack(base, head), {
      atRisk: [],
      guardsRemoved: [],
      restarts: [],
      noRestart: [],
      replacements: [],
    });
  });

  it("an autoscaler setting applies without a restart", async () => {
    const head = await records((c) => (c.namespaces[0].jobs[0].autoscaler.targetUtilization = 0.6));
    const review = reviewStack(base, head);
    assert.deepEqual(review.restarts, []);
    assert.deepEqual(review.noRestart, [
      {
        job: "analytics/clickstream-enrichment",
        changes: ["flinkConfiguration.job.autoscaler.utilization.target"],
        why: "The operator reads these from the current spec: they apply without a restart.",
      },
    ]);
  });

  it("a checkpoint-interval change restarts every cluster, each by its upgrade mode", async () => {
    const checkpoints = reviewStack(base, await records((c) => (c.flink.checkpointing = { interval: "2m" })));
    assert.deepEqual(
      checkpoints.restarts.map((r) => [r.job, r.upgradeMode]),
      [
        ["analytics/adhoc", "-"],
        ["analytics/clickstream-enrichment", "savepoint"],
        ["analytics/sessionization", "last-state"],
        ["payments/fraud-detection", "savepoint"],
        ["payments/ledger-reconciliation", "savepoint"],
      ],
    );
    // A session cluster is deleted and deployed again with its jobs (SessionReconciler.java:71-87).
    assert.match(
      checkpoints.restarts[0].interruption,
      /session jobs `backfill-sessions`, `daily-aggregates`/,
    );
    assert.match(checkpoints.restarts[2].interruption, /latest checkpoint.*2 min/);
  });

  it("a new VPC range replaces the subnets and, through their ids, the node group", async () => {
    const head = await records((c) => (c.cluster.vpcCidr = "10.41.0.0/16"));
    const review = reviewStack(base, head);
    const groups = review.replacements.filter((r) => r.resource.startsWith("aws:eks/nodeGroup"));
    // The system node group; Karpenter's Flink nodes find their subnets by tag.
    assert.deepEqual(names(groups), ["flink-platform-cluster-system"]);
    assert.match(groups[0].because[0], /^subnetIds \(Subnet .* is replaced\)$/);
    assert.equal(review.replacements.filter((r) => r.resource.startsWith("aws:ec2/subnet")).length, 6);
  });

  it("a bigger node disk rolls the system nodes through a new launch-template version", async () => {
    const review = reviewStack(base, await records((c) => (c.cluster.nodeGroups.system.diskSizeGiB = 100)));
    assert.deepEqual(
      review.replacements.map((r) => [names([r])[0], r.because]),
      [["flink-platform-cluster-system", ["launch template flink-platform-cluster-system (new version)"]]],
    );
    assert.match(review.replacements[0].effect, /^Nodes replaced in place, 1 at a time/);
  });

  it("a bigger ZooKeeper volume replaces the StatefulSet: its HA metadata is at risk, its volumes stay", async () => {
    // The ZooKeeper variant of test/flink.test.ts (one render shared), then a bigger volume.
    const zk = (size?: string) => (c: Record<string, any>) => {
      c.ha = { mode: "zookeeper", jobManagerReplicas: 2, zookeeper: { replicas: 5 } };
      if (size) c.ha.zookeeper.storageSize = size;
      // Five members with required anti-affinity need five system nodes.
      c.cluster.nodeGroups.system = { ...c.cluster.nodeGroups.system, desiredSize: 5, maxSize: 6 };
    };
    const review = reviewStack(await records(zk()), await records(zk("20Gi")));
    assert.deepEqual(
      review.replacements.map((r) => [r.what, r.because]),
      [["StatefulSet flink-ha/zookeeper", ["spec.volumeClaimTemplates"]]],
    );
    // pulumi-kubernetes deletes a same-named object before creating it again (provider.go:1645-1658).
    assert.match(review.replacements[0].effect, /^Deleted, then created again with the same name/);
    assert.deepEqual(
      review.atRisk.map((r) => [r.what, r.change]),
      [["StatefulSet flink-ha/zookeeper", "replaced (spec.volumeClaimTemplates)"]],
    );
    assert.match(review.atRisk[0].lost, /HA metadata.*keeps its volumes/);
    assert.deepEqual(review.restarts, []);
  });

  it("dropping protect from the state buckets is a removed protection, not a deletion", () => {
    const head = base.map((r) =>
      r.type === "aws:s3/bucket:Bucket" ? { ...r, options: { ...r.options, protect: undefined } } : r,
    );
    const review = reviewStack(base, JSON.parse(JSON.stringify(head)));
    assert.deepEqual(
      review.guardsRemoved.map((g) => [names([g])[0], g.option]),
      [
        ["flink-platform-storage-s3-analytics-bucket", "protect"],
        ["flink-platform-storage-s3-payments-bucket", "protect"],
      ],
    );
    assert.deepEqual(review.atRisk, []);
  });

  it("a resource renamed in Pulumi only is one object: the fix is an alias", () => {
    const head = base.map((r) =>
      r.type === FD && r.name.endsWith("-fraud-detection") ? { ...r, name: `${r.name}-renamed` } : r,
    );
    const review = reviewStack(base, head);
    assert.deepEqual(
      review.atRisk.map((r) => r.change),
      ["Pulumi name changed"],
    );
    assert.match(
      review.atRisk[0].keep,
      /aliases: \[\{ name: "flink-platform-flink-payments-flinkdeployment-fraud-detection" \}\]/,
    );
    assert.match(review.replacements[0].because[0], /^Pulumi name/);
  });

  it("folds long tables and keeps every section within its row cap", async () => {
    const head = await records((c) => (c.namespaces[0].name = "insights"));
    const text = reviewMarkdown([{ stack: "prod", review: reviewStack(base, head) }], 3);
    assert.match(text, /<details><summary>6 stateful resources<\/summary>/);
    assert.match(text, /… and 3 more in `review.json`/);
    assert.match(text, /### Jobs that restart\n\nNone: no Flink job or session cluster restarts\./);
    assert.match(text, /live `pulumi preview --diff`.*is authoritative/);
  });
});
