import { strict as assert } from "assert";
import { renderOperatorChart } from "./charts/flinkOperatorChart";
import { loadStackDoc, manifest, ofType, one, render, stackVariant, validate } from "./harness";
import { stringify } from "yaml";
import { resolveModel } from "../config/model";
import { flinkAlertRules, isAlert } from "../components/monitoring/alertRules";
import { flinkDashboards } from "../components/monitoring/dashboards";
import { METRIC_CATALOG, metricNamesIn } from "../components/monitoring/metricCatalog";
import { OPERATOR_POD_LABEL } from "../components/monitoring/podMonitors";
import { alertmanagerConfig, prometheusDuration } from "../components/monitoring/stackValues";
import { routeAlert } from "../policies/alerting";
import { inhibited } from "./alertmanager";
import { KUBE_PROMETHEUS_STACK } from "../components/versions";
import { MAIN_CONTAINER } from "../components/flink/podTemplate";

const HELM = "kubernetes:helm.sh/v3:Release";

/** Every registered Kubernetes object of a kind, as applied. */
function objectsOf(resources: { inputs: Record<string, unknown> }[], kind: string): any[] {
  return resources.map((r) => r.inputs as any).filter((m) => m?.kind === kind);
}

function modelOf(stack: "dev" | "prod") {
  const v = validate(stackVariant(stack));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack);
}

function rulesOf(stack: "dev" | "prod") {
  const model = modelOf(stack);
  return flinkAlertRules({
    thresholds: model.monitoring.alerts,
    namespaces: model.namespaces.map((n) => n.name),
  })
    .flatMap((g) => g.rules)
    .filter(isAlert);
}

const stackText = (stack: "dev" | "prod") => stringify(loadStackDoc(stack));

describe("alert rules", () => {
  // Built inside each test (not at describe time), so an invalid stack fails a test, not mocha.
  let rules: ReturnType<typeof rulesOf>;
  let byName: Map<string, (typeof rules)[number]>;
  beforeEach(() => {
    rules = rulesOf("prod");
    byName = new Map(rules.map((r) => [r.alert, r]));
  });

  it("cover every failure the platform pages for", () => {
    for (const alert of [
      "FlinkJobRestarting",
      "FlinkCheckpointsFailing",
      "FlinkCheckpointSlow",
      "FlinkBackpressured",
      "FlinkNoTaskManagers",
      "FlinkNoFreeSlots",
      "FlinkJobNotRunning",
      "FlinkHeapPressure",
      "FlinkOperatorDown",
      "FlinkNamespaceQuotaNearlyFull",
      "FlinkThroughputDropped",
      "FlinkCpuNearLimit",
      "FlinkMemoryNearLimit",
      "FlinkPodRestarting",
      "FlinkNetworkBuffersExhausted",
      "FlinkTaskBottleneck",
      "NodeMemoryPressure",
      "NodeDiskPressure",
      "NodeFilesystemAlmostFull",
      "FlinkOperatorReconcileErrors",
      "FlinkDeploymentStuck",
    ]) {
      assert.ok(byName.has(alert), `missing alert ${alert}`);
    }
    assert.equal(byName.size, rules.length, "alert names are unique");
  });

  it("each have a severity, a summary, a description naming job and namespace, and a runbook hint", () => {
    for (const r of rules) {
      assert.match(r.labels.severity, /^(critical|warning)$/, r.alert);
      assert.ok(r.annotations.summary.length > 10, `${r.alert} summary`);
      assert.ok(r.annotations.runbook.length > 20, `${r.alert} runbook`);
      const d = r.annotations.description;
      if (/^(kube_node|node_)/.test(r.expr) || /^1 - node_/.test(r.expr)) {
        assert.match(d, /\$labels\.(node|instance)/, `${r.alert} description names the node`);
        continue;
      }
      assert.match(
        d,
        /\$labels\.(namespace|resourcens)|namespace flink-operator/,
        `${r.alert} description names the namespace`,
      );
      if (/flink_jobmanager_job_|flink_taskmanager_job_/.test(r.expr)) {
        assert.match(d, /\$labels\.job_name/, `${r.alert} description names the job`);
      } else if (/^flink_(jobmanager|taskmanager)_/m.test(r.expr) || r.expr.includes("flink_jobmanager_")) {
        assert.match(d, /\$labels\.flink_deployment/, `${r.alert} description names the deployment`);
      }
    }
  });

  it("take their thresholds from stack config, stricter in production", () => {
    const dev = new Map(rulesOf("dev").map((r) => [r.alert, r]));
    assert.match(byName.get("FlinkJobRestarting")!.expr, />= 2$/);
    assert.match(dev.get("FlinkJobRestarting")!.expr, />= 5$/);
    assert.match(byName.get("FlinkCheckpointSlow")!.expr, /> 300000$/);
    assert.match(dev.get("FlinkCheckpointSlow")!.expr, /> 120000$/);
    assert.match(byName.get("FlinkNamespaceQuotaNearlyFull")!.expr, /namespace=~"analytics\|payments"/);
  });

  it("link each alert to its runbook section when a runbook URL is configured", () => {
    const alerts = flinkAlertRules({
      thresholds: modelOf("prod").monitoring.alerts,
      namespaces: ["a"],
      runbookBaseUrl: "https://example.com/README.md",
    })
      .flatMap((g) => g.rules)
      .filter(isAlert);
    const restarting = alerts.find((r) => r.alert === "FlinkJobRestarting")!;
    assert.equal(restarting.annotations.runbook_url, "https://example.com/README.md#flinkjobrestarting");
    assert.ok(alerts.every((r) => r.annotations.runbook_url?.endsWith(`#${r.alert.toLowerCase()}`)));
  });

  it("read only metrics Flink, the operator, kube-state-metrics or Prometheus export", () => {
    for (const r of rules) {
      const names = metricNamesIn(r.expr);
      assert.ok(names.length > 0, `${r.alert} reads a metric`);
      for (const name of names) assert.ok(name in METRIC_CATALOG, `${r.alert} reads unknown metric ${name}`);
    }
  });
});

describe("metric name extraction", () => {
  it("finds metric names and skips functions, keywords, labels and durations", () => {
    assert.deepEqual(
      metricNamesIn(
        'max by (namespace, job_name) (increase(flink_a{x="up"}[15m])) > 3 and on (namespace) absent(up == 1) or foo_total',
      ),
      ["flink_a", "foo_total", "up"],
    );
  });
});

describe("dashboards", () => {
  // Built in a hook, not at describe time: a throw names this suite instead of crashing mocha.
  let dashboards: ReturnType<typeof flinkDashboards>;
  before(() => (dashboards = flinkDashboards()));

  it("cover jobs, checkpoints, throughput, JVM, cluster resources per pool, network buffers and the operator", () => {
    const titles = Object.values(dashboards).map((d) => d.title);
    for (const word of [
      "Job overview",
      "Checkpoints",
      "backpressure",
      "JVM",
      "Cluster resources",
      "Network buffers",
      "Operator health",
    ]) {
      assert.ok(
        titles.some((t) => t.includes(word)),
        `no dashboard about ${word}: ${titles.join(", ")}`,
      );
    }
  });

  it("use only exported metric names, and non-overlapping panels", () => {
    for (const d of Object.values(dashboards)) {
      assert.ok(d.panels.length >= 4, d.title);
      const cells = new Set<string>();
      for (const p of d.panels) {
        for (const t of p.targets) {
          for (const name of metricNamesIn(t.expr)) {
            assert.ok(name in METRIC_CATALOG, `${d.title} / ${p.title} reads unknown metric ${name}`);
          }
        }
        const { x, y, w, h } = p.gridPos;
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            assert.ok(!cells.has(`${i},${j}`), `${d.title}: panel ${p.title} overlaps another`);
            cells.add(`${i},${j}`);
          }
      }
    }
  });

  it("are provisioned as labelled ConfigMaps holding valid dashboard JSON", async () => {
    const { resources } = await render(stackText("prod"), "prod");
    const maps = ofType(resources, "kubernetes:core/v1:ConfigMap").filter(
      (r) => (r.inputs as any).metadata.labels?.grafana_dashboard === "1",
    );
    assert.equal(maps.length, Object.keys(dashboards).length);
    for (const m of maps) {
      const [json] = Object.values((m.inputs as any).data) as string[];
      const parsed = JSON.parse(json);
      assert.ok(parsed.uid && parsed.panels.length > 0);
      assert.equal((m.inputs as any).metadata.namespace, "monitoring");
    }
  });
});

describe("monitoring stack", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every PodMonitor's port is declared by the pods it selects`, async () => {
      const { resources } = await render(stackText(stack), stack);
      const podMonitors = objectsOf(resources, "PodMonitor");
      const deployments = objectsOf(resources, "FlinkDeployment");
      assert.ok(deployments.length > 0);
      const flinkMonitors = podMonitors.filter((pm) => pm.metadata.namespace !== "flink-operator");
      assert.equal(flinkMonitors.length, 2 * new Set(deployments.map((d) => d.metadata.namespace)).size);

      for (const pm of flinkMonitors) {
        const selector: Record<string, string> = pm.spec.selector.matchLabels;
        let selected = 0;
        for (const d of deployments.filter((d) => d.metadata.namespace === pm.metadata.namespace)) {
          for (const component of ["jobmanager", "taskmanager"]) {
            // The operator labels every Flink pod app=<deployment>, component=<role>; the template adds its own.
            const template =
              d.spec[component === "jobmanager" ? "jobManager" : "taskManager"].podTemplate ??
              d.spec.podTemplate;
            const podLabels = { ...template.metadata.labels, app: d.metadata.name, component };
            if (!Object.entries(selector).every(([k, v]) => podLabels[k] === v)) continue;
            selected++;
            const main = template.spec.containers.find((c: any) => c.name === MAIN_CONTAINER);
            for (const ep of pm.spec.podMetricsEndpoints) {
              assert.ok(
                main.ports.some((p: any) => p.name === ep.port),
                `${pm.metadata.namespace}/${pm.metadata.name} scrapes port ${ep.port}, not declared by ${d.metadata.name}`,
              );
            }
          }
        }
        assert.ok(selected > 0, `${pm.metadata.namespace}/${pm.metadata.name} selects no Flink pod`);
      }

      const operatorMonitor = manifest(
        resources,
        "PodMonitor",
        "flink-kubernetes-operator",
        "flink-operator",
      );
      const operator = one(resources, HELM, "-operator").inputs as any;
      // What the chart renders from our values: the pod's labels and named ports, and the file it mounts.
      const chart = renderOperatorChart(operator.values, operator.namespace);
      assert.deepEqual(operatorMonitor.spec.selector.matchLabels, OPERATOR_POD_LABEL);
      const port = chart.pod.spec.containers[0].ports.find(
        (p: any) => p.name === operatorMonitor.spec.podMetricsEndpoints[0].port,
      );
      assert.ok(port, "the scraped port is declared by the operator container");
      // ...and the operator's reporter listens on it (the config file the chart mounts).
      assert.equal(
        chart.mountedConfig["kubernetes.operator.metrics.reporter.prom.port"],
        String(port.containerPort),
      );
    });
  }

  it("pins kube-prometheus-stack and sizes retention and storage per environment", async () => {
    const values = async (stack: "dev" | "prod") => {
      const { resources } = await render(stackText(stack), stack);
      const r = one(resources, HELM, "-kube-prometheus-stack").inputs as any;
      assert.equal(r.version, KUBE_PROMETHEUS_STACK.version);
      return r.values;
    };
    const dev = await values("dev");
    const prod = await values("prod");
    assert.equal(dev.prometheus.prometheusSpec.retention, "3d");
    assert.equal(prod.prometheus.prometheusSpec.retention, "15d");
    const storage = (v: any) =>
      v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage;
    assert.equal(storage(dev), "10Gi");
    assert.equal(storage(prod), "100Gi");
    assert.equal(prod.prometheus.prometheusSpec.retentionSize, "90GB");
    assert.equal(prod.prometheus.prometheusSpec.replicas, 2);
    assert.equal(prod.alertmanager.alertmanagerSpec.replicas, 2);
    // Our PodMonitors and rules live outside the chart's release: the selectors must not filter them out.
    for (const key of ["podMonitor", "rule", "serviceMonitor"]) {
      assert.equal(prod.prometheus.prometheusSpec[`${key}SelectorNilUsesHelmValues`], false);
      assert.deepEqual(prod.prometheus.prometheusSpec[`${key}NamespaceSelector`], {});
    }
    // Prod monitoring runs on the system node group.
    assert.deepEqual(Object.keys(prod.prometheus.prometheusSpec.nodeSelector), ["flink-platform/pool"]);
  });

  it("sets requests and limits on every component", async () => {
    const { resources } = await render(stackText("prod"), "prod");
    const v = (one(resources, HELM, "-kube-prometheus-stack").inputs as any).values;
    const components = {
      prometheus: v.prometheus.prometheusSpec.resources,
      alertmanager: v.alertmanager.alertmanagerSpec.resources,
      "prometheus-operator": v.prometheusOperator.resources,
      "config-reloader": v.prometheusOperator.prometheusConfigReloader.resources,
      "admission-patch": v.prometheusOperator.admissionWebhooks.patch.resources,
      grafana: v.grafana.resources,
      "grafana-sidecars": v.grafana.sidecar.resources,
      "kube-state-metrics": v["kube-state-metrics"].resources,
    };
    for (const [name, r] of Object.entries(components)) {
      assert.ok(r?.requests?.cpu && r?.requests?.memory, `${name} requests`);
      assert.equal(r.limits.memory, r.requests.memory, `${name} memory limit`);
    }
    assert.equal(v.prometheus.prometheusSpec.resources.requests.memory, "8Gi");
  });

  it("generates the Grafana admin password and keeps it secret", async () => {
    const { resources, program } = await render(stackText("prod"), "prod");
    one(resources, "random:index/randomPassword:RandomPassword", "-grafana-admin-password");
    const secret = manifest(resources, "Secret", "grafana-admin", "monitoring");
    assert.deepEqual(secret.stringData, { "admin-password": "[secret]", "admin-user": "[secret]" });
    const v = one(resources, HELM, "-kube-prometheus-stack").inputs as any;
    assert.equal(v.values.grafana.admin.existingSecret, "grafana-admin");
    assert.equal(v.values.grafana.service.type, "ClusterIP");
    const isSecret = await (program.platform.grafanaAdminPassword as any).isSecret;
    assert.equal(isSecret, true);
  });

  it("routes alerts to receivers from secret config by severity, with the URL kept secret", async () => {
    const text = stackVariant("prod", (c) => {
      delete c.pagerdutyRoutingKey;
      delete c.slackWebhookUrl;
      c.monitoring = {
        receivers: [
          { name: "oncall", type: "pagerduty", secretKey: "pagerdutyKey", severity: "critical" },
          { name: "team-chat", type: "slack", secretKey: "slackUrl", severity: "warning" },
        ],
      };
      c.pagerdutyKey = { secure: "v1:abc" };
      c.slackUrl = { secure: "v1:def" };
    });
    const { resources } = await render(text, "prod");
    const values = (one(resources, HELM, "-kube-prometheus-stack").inputs as any).values;
    const config = values.alertmanager.config;
    const receivers = Object.fromEntries(config.receivers.map((r: any) => [r.name, r]));
    // The routing stays reviewable in the clear; the URL and key come from a mounted Secret.
    const dir = "/etc/alertmanager/secrets/alertmanager-receivers";
    assert.equal(receivers.oncall.pagerduty_configs[0].routing_key_file, `${dir}/pagerdutyKey`);
    assert.equal(receivers["team-chat"].slack_configs[0].api_url_file, `${dir}/slackUrl`);
    assert.deepEqual(values.alertmanager.alertmanagerSpec.secrets, ["alertmanager-receivers"]);
    assert.deepEqual(manifest(resources, "Secret", "alertmanager-receivers", "monitoring").stringData, {
      pagerdutyKey: "[secret]",
      slackUrl: "[secret]",
    });
    // Delivered as Alertmanager routes them: critical to both, warnings to the chat, Watchdog nowhere.
    const job = { namespace: "payments", flink_deployment: "fraud-detection", job_name: "fraud" };
    const to = (labels: Record<string, string>) => routeAlert(config.route, labels).sort();
    assert.deepEqual(to({ ...job, alertname: "FlinkJobNotRunning", severity: "critical" }), [
      "oncall",
      "team-chat",
    ]);
    assert.deepEqual(to({ ...job, alertname: "FlinkBackpressured", severity: "warning" }), ["team-chat"]);
    assert.deepEqual(to({ alertname: "Watchdog", severity: "none" }), ["null"]);
    // Grouping and repeat intervals come from stack config.
    assert.deepEqual(config.route.group_by, ["alertname", "namespace", "flink_deployment", "job_name"]);
    const repeat = Object.fromEntries(
      config.route.routes
        .filter((r: any) => r.repeat_interval)
        .map((r: any) => [r.matchers[0], r.repeat_interval]),
    );
    assert.deepEqual(repeat, { 'severity="critical"': "1h", 'severity="warning"': "4h" });
  });

  it("routing follows monitoring.routing: grouping and repeat intervals per severity", () => {
    const model = modelOf("prod");
    const config = alertmanagerConfig(model.monitoring.receivers, {
      groupBy: ["namespace", "job_name"],
      groupWait: 10_000,
      groupInterval: 60_000,
      repeatInterval: { critical: 900_000, warning: 43_200_000 },
    });
    assert.deepEqual(config.route.group_by, ["namespace", "job_name"]);
    assert.equal(config.route.group_wait, "10s");
    assert.deepEqual(
      config.route.routes.slice(1).map((r: any) => r.repeat_interval),
      ["15m", "12h"],
    );
  });

  it("a critical alert mutes only the warnings of its own job (or, cluster-wide, of its FlinkDeployment)", () => {
    const rules = alertmanagerConfig([], modelOf("prod").monitoring.routing).inhibit_rules;
    const session = { namespace: "analytics", flink_deployment: "adhoc" };
    const warn = (alertname: string, labels: Record<string, string>) => ({
      alertname,
      severity: "warning",
      ...labels,
    });
    const backpressureA = warn("FlinkBackpressured", { ...session, job_name: "a", task_name: "map" });
    const backpressureB = warn("FlinkBackpressured", { ...session, job_name: "b", task_name: "map" });
    const quota = warn("FlinkNamespaceQuotaNearlyFull", { namespace: "analytics", resource: "requests.cpu" });
    const cpu = warn("FlinkCpuNearLimit", { namespace: "analytics", pod: "adhoc-taskmanager-1-1" });
    const jobDown = { alertname: "FlinkJobNotRunning", severity: "critical", ...session, job_name: "a" };
    assert.ok(inhibited(rules, backpressureA, [jobDown]), "the same job's warning is muted");
    assert.ok(!inhibited(rules, backpressureB, [jobDown]), "another job of the same session cluster is not");
    const noTaskManagers = { alertname: "FlinkNoTaskManagers", severity: "critical", ...session };
    assert.ok(inhibited(rules, backpressureB, [noTaskManagers]), "a cluster-wide critical mutes its jobs");
    // Critical alerts without a job or deployment mute nothing: no namespace-wide silence.
    for (const critical of [
      ...([] as Record<string, string>[]),
      { alertname: "FlinkDeploymentFailed", severity: "critical", resourcens: "analytics" },
      { alertname: "FlinkOperatorDown", severity: "critical" },
      { alertname: "FlinkPodRestarting", severity: "critical", namespace: "analytics", pod: "x" },
      noTaskManagers,
      jobDown,
    ]) {
      for (const target of [quota, cpu]) {
        assert.ok(!inhibited(rules, target, [critical]), `${critical.alertname} mutes ${target.alertname}`);
      }
    }
    assert.ok(
      !inhibited(
        rules,
        warn("FlinkBackpressured", { namespace: "payments", flink_deployment: "adhoc", job_name: "a" }),
        [jobDown],
      ),
      "the same names in another namespace",
    );
  });

  it("is left out entirely when monitoring is disabled", async () => {
    const { resources } = await render(
      stackVariant("dev", (c) => (c.monitoring = { enabled: false })),
      "dev",
    );
    assert.equal(ofType(resources, HELM).filter((r) => r.name.includes("prometheus")).length, 0);
    assert.equal(
      objectsOf(resources, "PodMonitor").length + objectsOf(resources, "PrometheusRule").length,
      0,
    );
  });

  it("asks Flink for the job-status gauges the alerts read", async () => {
    const { resources } = await render(stackText("dev"), "dev");
    for (const d of objectsOf(resources, "FlinkDeployment")) {
      assert.match(d.spec.flinkConfiguration["metrics.job.status.enable"], /\bSTATE\b/);
    }
  });

  it("formats Prometheus durations in the largest exact unit", () => {
    assert.equal(prometheusDuration(15 * 86_400_000), "15d");
    assert.equal(prometheusDuration(90_000), "90s");
    assert.equal(prometheusDuration(1500), "1500ms");
  });
});
