/**
 * The operator as its chart deploys it (chart 1.15.0 defaults merged with our values): the file
 * it really reads, the objects it creates in team namespaces, its image, and how `pulumi up`
 * waits on the Flink resources it reconciles.
 */
import { strict as assert } from "assert";
import { manifest, ofType, one, render, stackVariant } from "./harness";
import { renderOperatorChart } from "./charts/flinkOperatorChart";
import { readiness } from "../components/flink/customResources";

const HELM = "kubernetes:helm.sh/v3:Release";
/** How Flink reads a list option from flink-conf.yaml: items separated by ';'. */
const flinkList = (value: string) => value.split(";").map((s) => s.trim());
const dev = () => render(stackVariant("dev"), "dev");
const prod = () => render(stackVariant("prod"), "prod");

async function operatorChart(run: ReturnType<typeof render>) {
  const { resources } = await run;
  const release = ofType(resources, HELM).find((r) => r.inputs.chart === "flink-kubernetes-operator")!;
  const values = release.inputs.values as any;
  return { release, values, chart: renderOperatorChart(values, String(release.inputs.namespace)) };
}

describe("operator as the chart deploys it", () => {
  it("prod: two replicas elect a leader, configured in the file the chart mounts", async () => {
    const { values, chart } = await operatorChart(prod());
    assert.equal(values.replicas, 2);
    assert.equal(chart.mountedFile, "flink-conf.yaml");
    assert.equal(chart.mountedConfig["kubernetes.operator.leader-election.enabled"], "true");
    // Enabled without a lease name, the operator refuses to start.
    assert.ok(chart.mountedConfig["kubernetes.operator.leader-election.lease-name"]);
    assert.equal(chart.values.strategy.type, "RollingUpdate");
  });

  it("dev: one replica, no leader election, the chart's Recreate strategy", async () => {
    const { chart } = await operatorChart(dev());
    assert.equal(chart.mountedConfig["kubernetes.operator.leader-election.enabled"], "false");
    assert.equal(chart.values.strategy.type, "Recreate");
  });

  it("the settings would be lost in config.yaml: the chart's default flink-conf.yaml key wins", () => {
    // What the first release did: its settings under config.yaml were never mounted.
    const broken = renderOperatorChart(
      { defaultConfiguration: { "config.yaml": "kubernetes.operator.leader-election.enabled: true" } },
      "flink-operator",
    );
    assert.equal(broken.mountedFile, "flink-conf.yaml");
    assert.equal(broken.mountedConfig["kubernetes.operator.leader-election.enabled"], undefined);
  });

  it("runs the pinned image, not the chart's tag", async () => {
    const { chart } = await operatorChart(prod());
    for (const c of chart.pod.spec.containers) {
      // Release versions are on Docker Hub; ghcr.io carries only commit tags.
      assert.equal(c.image, "docker.io/apache/flink-kubernetes-operator:1.15.0", c.name);
    }
  });

  it("gives both containers, webhook included, requests and limits", async () => {
    const { chart } = await operatorChart(prod());
    const names = chart.pod.spec.containers.map((c: any) => c.name);
    assert.deepEqual(names, ["flink-kubernetes-operator", "flink-webhook"]);
    for (const c of [...chart.pod.spec.containers, ...chart.pod.spec.initContainers]) {
      assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${c.name} requests`);
      assert.equal(c.resources.limits.memory, c.resources.requests.memory, `${c.name} limits`);
    }
  });

  it("creates in team namespaces only its own Role and RoleBinding, nothing the platform owns", async () => {
    const { resources } = await prod();
    const { chart } = await operatorChart(prod());
    assert.deepEqual(chart.rbacObjects.sort(), [
      "Role/analytics/flink-operator",
      "Role/payments/flink-operator",
      "RoleBinding/analytics/flink-operator-role-binding",
      "RoleBinding/payments/flink-operator-role-binding",
    ]);
    const platformObjects = resources
      .map((r) => r.inputs as any)
      .filter((m) => ["Role", "RoleBinding", "ServiceAccount"].includes(m?.kind))
      .map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`);
    for (const o of chart.rbacObjects) assert.ok(!platformObjects.includes(o), `${o} created twice`);
  });

  it("is installed after every namespace it watches, where the chart creates Roles", async () => {
    const { resources } = await prod();
    const { release } = await operatorChart(prod());
    const namespaces = ofType(resources, "kubernetes:core/v1:Namespace").filter((n) =>
      ["analytics", "payments"].includes((n.inputs as any).metadata.name),
    );
    assert.equal(namespaces.length, 2);
    for (const ns of namespaces) assert.ok(release.dependsOn.includes(ns.name), ns.name);
  });

  it("prod: reads session-job jars from S3 with its own role, an S3 plugin and the scheme admitted", async () => {
    const { values, chart } = await operatorChart(prod());
    // A list option: Flink's flink-conf.yaml parser splits it on ';' (a comma would make one scheme "https,s3").
    assert.deepEqual(flinkList(chart.mountedConfig["kubernetes.operator.user.artifacts.allowed-schemes"]), [
      "https",
      "s3",
    ]);
    assert.equal(
      chart.mountedConfig["fs.s3a.aws.credentials.provider"],
      "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
    );
    assert.match(values.operatorServiceAccount.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::/);
    // The plugin jar lands in a plugin folder the operator container mounts (FLINK_PLUGINS_DIR=/opt/flink/plugins).
    const [init] = chart.pod.spec.initContainers;
    const copied = init.command.at(-1);
    const pluginMount = chart.pod.spec.containers[0].volumeMounts.find(
      (m: any) => m.name === init.volumeMounts[0].name,
    );
    assert.equal(copied, "/plugin/");
    assert.match(pluginMount.mountPath, /^\/opt\/flink\/plugins\/[^/]+$/);
    assert.match(init.command[1], /^\/opt\/flink\/opt\/flink-s3-fs-hadoop-1\.20\.\d+\.jar$/);
    // The chart's artifacts folder is still an emptyDir, never its hostPath default.
    assert.ok(chart.pod.spec.volumes.find((v: any) => v.name === "flink-artifacts").emptyDir);
  });

  it("dev: admits https jars only and adds no S3 plugin or role", async () => {
    const { values, chart } = await operatorChart(dev());
    assert.deepEqual(flinkList(chart.mountedConfig["kubernetes.operator.user.artifacts.allowed-schemes"]), [
      "https",
    ]);
    assert.deepEqual(chart.pod.spec.initContainers, []);
    assert.deepEqual(values.operatorServiceAccount.annotations, {});
  });
});

describe("pulumi up waits for Flink resources", () => {
  it("annotates every Flink resource with what ready means and how long to wait", async () => {
    const { resources } = await prod();
    const crs = resources.filter((r) => r.type.startsWith("kubernetes:flink.apache.org/"));
    assert.ok(crs.length >= 8);
    for (const cr of crs) {
      const m = cr.inputs as any;
      const wait = JSON.parse(m.metadata.annotations["pulumi.com/waitFor"]);
      assert.ok(Array.isArray(wait) && wait.length > 0, `${m.kind}/${m.metadata.name}`);
      for (const expr of wait) assert.match(expr, /^(jsonpath=\{\.status\.[\w.]+\}=\w+|condition=\w+)$/);
      // 20 minutes in production: a savepoint upgrade of a large job takes a while.
      assert.equal(m.metadata.annotations["pulumi.com/timeoutSeconds"], "1200");
    }
  });

  it("an application is ready when its job runs and the operator calls it stable", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    assert.deepEqual(JSON.parse(fd.metadata.annotations["pulumi.com/waitFor"]), [
      // condition= also waits for the operator to observe the current generation.
      "condition=Running",
      "jsonpath={.status.lifecycleState}=STABLE",
    ]);
    const session = manifest(resources, "FlinkDeployment", "adhoc", "analytics");
    assert.deepEqual(JSON.parse(session.metadata.annotations["pulumi.com/waitFor"]), [
      "condition=Running",
      "jsonpath={.status.jobManagerDeploymentStatus}=READY",
    ]);
    const job = manifest(resources, "FlinkSessionJob", "daily-aggregates", "analytics");
    assert.deepEqual(JSON.parse(job.metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.jobStatus.state}=RUNNING",
      "jsonpath={.status.lifecycleState}=STABLE",
    ]);
  });

  it("a suspended job is ready once suspended, not running", () => {
    assert.deepEqual(readiness("application", "suspended"), ["jsonpath={.status.lifecycleState}=SUSPENDED"]);
  });

  it("creates a snapshot only after its job resource is ready, and waits for it to complete", async () => {
    const { resources } = await prod();
    const snapshot = one(resources, "kubernetes:flink.apache.org/v1beta1:FlinkStateSnapshot");
    const job = ofType(resources, "kubernetes:flink.apache.org/v1beta1:FlinkDeployment").find(
      (r) => (r.inputs as any).metadata.name === "clickstream-enrichment",
    )!;
    assert.ok(snapshot.dependsOn.includes(job.name));
    assert.deepEqual(JSON.parse((snapshot.inputs as any).metadata.annotations["pulumi.com/waitFor"]), [
      "jsonpath={.status.state}=COMPLETED",
    ]);
  });
});
