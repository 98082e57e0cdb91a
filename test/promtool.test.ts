/**
 * The alert rules under real Prometheus: `promtool check rules` on exactly what the stack
 * deploys, and `promtool test rules` with series for every alert, proving that each fires
 * when it should and stays silent when it should not.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";
import { AlertRule, flinkAlertRules, isAlert, RuleGroup } from "../components/monitoring/alertRules";

const INSTALL_HINT =
  "promtool not found: install it with `sudo apt-get install --no-install-recommends prometheus` (Debian/Ubuntu) or put a Prometheus release's promtool on PATH";

function promtool(args: string[], cwd: string): { ok: boolean; output: string } {
  const run = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (run.error) throw new Error(INSTALL_HINT);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

type Labels = Record<string, string>;

interface AlertCase {
  alert: string;
  /** Why the other series in the case must not fire. */
  silentBecause: string;
  series: [selector: string, values: string][];
  evalTime: string;
  firing: { labels: Labels; value?: string }[];
  /** A time at which the condition holds but `for` has not yet elapsed: nothing may fire. */
  pendingAt?: string;
}

const P = 'namespace="payments", flink_deployment="fraud-detection"';
const A = 'namespace="analytics", flink_deployment="adhoc"';
const fraud = { namespace: "payments", flink_deployment: "fraud-detection" };
const adhoc = { namespace: "analytics", flink_deployment: "adhoc" };

const TM = 'container="flink-main-container"';
const tmPod = "fraud-detection-taskmanager-1-1";

/**
 * Test series for the production thresholds: 2 restarts, 300 s checkpoints, 500 ms/s, 90%; and
 * the defaults: throughput below 50% for 15 min after 1 h running, CPU 85%, memory 90%, more than
 * 3 restarts an hour, filesystems 85%, network buffers 90%, 30 min in a transient lifecycle state.
 */
const CASES: AlertCase[] = [
  {
    alert: "FlinkJobRestarting",
    silentBecause: "a job that restarted once stays below the threshold of 2",
    series: [
      [`flink_jobmanager_job_numRestarts{${P}, job_name="fraud"}`, "0 0 0 1 2 3 3 3 3 3 3"],
      [`flink_jobmanager_job_numRestarts{${A}, job_name="q1"}`, "0 0 0 1 1 1 1 1 1 1 1"],
    ],
    evalTime: "10m",
    firing: [{ labels: { ...fraud, job_name: "fraud" } }],
  },
  {
    alert: "FlinkJobNotRunning",
    silentBecause: "the running job reports runningState 1",
    series: [
      [`flink_jobmanager_job_runningState{${P}, job_name="fraud"}`, "1 1 0x20"],
      [`flink_jobmanager_job_runningState{${A}, job_name="q1"}`, "1x22"],
    ],
    evalTime: "13m",
    pendingAt: "8m",
    firing: [{ labels: { ...fraud, job_name: "fraud" } }],
  },
  {
    alert: "FlinkDeploymentFailed",
    silentBecause: "a namespace with no FAILED resource reports 0",
    series: [
      [
        'flink_k8soperator_namespace_Lifecycle_State_FAILED_Count{resourcens="payments", resourcetype="FlinkDeployment"}',
        "0 0 1x10",
      ],
      [
        'flink_k8soperator_namespace_Lifecycle_State_FAILED_Count{resourcens="analytics", resourcetype="FlinkDeployment"}',
        "0x12",
      ],
    ],
    evalTime: "8m",
    pendingAt: "4m",
    firing: [{ labels: { resourcens: "payments", resourcetype: "FlinkDeployment" }, value: "1" }],
  },
  {
    alert: "FlinkCheckpointsFailing",
    silentBecause: "two failures in 30 minutes stay below the threshold of 3",
    series: [
      [`flink_jobmanager_job_numberOfFailedCheckpoints{${P}, job_name="fraud"}`, "0 0 1 2 3 3 3 3 3 3 3"],
      [`flink_jobmanager_job_numberOfFailedCheckpoints{${A}, job_name="q1"}`, "0 0 1 2 2 2 2 2 2 2 2"],
    ],
    evalTime: "10m",
    firing: [{ labels: { ...fraud, job_name: "fraud" } }],
  },
  {
    alert: "FlinkCheckpointSlow",
    silentBecause: "a 200 s checkpoint is under the 300 s threshold",
    series: [
      [`flink_jobmanager_job_lastCheckpointDuration{${P}, job_name="fraud", pod="jm-0"}`, "400000x20"],
      [`flink_jobmanager_job_lastCheckpointDuration{${A}, job_name="q1", pod="jm-0"}`, "200000x20"],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { ...fraud, job_name: "fraud" } }],
  },
  {
    alert: "FlinkBackpressured",
    silentBecause: "the sink's worst subtask (300 ms/s) is under 500 ms/s",
    series: [
      [
        `flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${P}, job_name="fraud", task_name="enrich", subtask_index="0"}`,
        "800x20",
      ],
      [
        `flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${P}, job_name="fraud", task_name="enrich", subtask_index="1"}`,
        "100x20",
      ],
      [
        `flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${P}, job_name="fraud", task_name="sink", subtask_index="0"}`,
        "300x20",
      ],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { ...fraud, job_name: "fraud", task_name: "enrich" } }],
  },
  {
    alert: "FlinkHeapPressure",
    silentBecause: "a TaskManager at 50% heap is fine",
    series: [
      [`flink_taskmanager_Status_JVM_Memory_Heap_Used{${P}, component="taskmanager", pod="tm-1"}`, "950x20"],
      [`flink_taskmanager_Status_JVM_Memory_Heap_Max{${P}, component="taskmanager", pod="tm-1"}`, "1000x20"],
      [`flink_taskmanager_Status_JVM_Memory_Heap_Used{${P}, component="taskmanager", pod="tm-2"}`, "500x20"],
      [`flink_taskmanager_Status_JVM_Memory_Heap_Max{${P}, component="taskmanager", pod="tm-2"}`, "1000x20"],
      [`flink_jobmanager_Status_JVM_Memory_Heap_Used{${A}, component="jobmanager", pod="jm-0"}`, "960x20"],
      [`flink_jobmanager_Status_JVM_Memory_Heap_Max{${A}, component="jobmanager", pod="jm-0"}`, "1000x20"],
    ],
    evalTime: "16m",
    pendingAt: "14m",
    firing: [
      { labels: { ...fraud, component: "taskmanager", pod: "tm-1" } },
      { labels: { ...adhoc, component: "jobmanager", pod: "jm-0" } },
    ],
  },
  {
    alert: "FlinkNoTaskManagers",
    silentBecause: "an idle session cluster without jobs may have no TaskManagers",
    series: [
      [`flink_jobmanager_numRegisteredTaskManagers{${P}, pod="jm-0"}`, "0x10"],
      [`flink_jobmanager_numRunningJobs{${P}, pod="jm-0"}`, "1x10"],
      [`flink_jobmanager_numRegisteredTaskManagers{${A}, pod="jm-0"}`, "0x10"],
      [`flink_jobmanager_numRunningJobs{${A}, pod="jm-0"}`, "0x10"],
    ],
    evalTime: "6m",
    pendingAt: "3m",
    firing: [{ labels: fraud }],
  },
  {
    alert: "FlinkNoFreeSlots",
    silentBecause: "a stopped job whose cluster has free slots is not waiting for slots",
    series: [
      [`flink_jobmanager_job_runningState{${A}, job_name="q1", pod="jm-0"}`, "0x15"],
      [`flink_jobmanager_taskSlotsAvailable{${A}, pod="jm-0"}`, "0x15"],
      [`flink_jobmanager_job_runningState{${P}, job_name="fraud", pod="jm-0"}`, "0x15"],
      [`flink_jobmanager_taskSlotsAvailable{${P}, pod="jm-0"}`, "2x15"],
    ],
    evalTime: "11m",
    pendingAt: "5m",
    firing: [{ labels: { ...adhoc, job_name: "q1", pod: "jm-0" } }],
  },
  {
    alert: "FlinkNamespaceQuotaNearlyFull",
    silentBecause: "analytics is at 50%, and kube-system is full but not a Flink namespace",
    series: [
      [
        'kube_resourcequota{namespace="payments", resource="requests.cpu", resourcequota="flink-quota", type="used"}',
        "19x20",
      ],
      [
        'kube_resourcequota{namespace="payments", resource="requests.cpu", resourcequota="flink-quota", type="hard"}',
        "20x20",
      ],
      [
        'kube_resourcequota{namespace="analytics", resource="requests.cpu", resourcequota="flink-quota", type="used"}',
        "10x20",
      ],
      [
        'kube_resourcequota{namespace="analytics", resource="requests.cpu", resourcequota="flink-quota", type="hard"}',
        "20x20",
      ],
      [
        'kube_resourcequota{namespace="kube-system", resource="pods", resourcequota="system", type="used"}',
        "20x20",
      ],
      [
        'kube_resourcequota{namespace="kube-system", resource="pods", resourcequota="system", type="hard"}',
        "20x20",
      ],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { namespace: "payments", resource: "requests.cpu", resourcequota: "flink-quota" } }],
  },
  {
    alert: "FlinkThroughputDropped",
    silentBecause:
      "q1 dropped as much but restarted 10 minutes ago, and sessions dropped only to 70% of its average",
    series: [
      // Two subtasks of fraud at 50 records/s each for a day, then 10 each.
      [
        `flink_taskmanager_job_task_numRecordsInPerSecond{${P}, job_name="fraud", task_name="enrich", subtask_index="0"}`,
        "50x1439 10x40",
      ],
      [
        `flink_taskmanager_job_task_numRecordsInPerSecond{${P}, job_name="fraud", task_name="enrich", subtask_index="1"}`,
        "50x1439 10x40",
      ],
      [`flink_jobmanager_job_runningTime{${P}, job_name="fraud", pod="jm-0"}`, "7200000x1480"],
      [
        `flink_taskmanager_job_task_numRecordsInPerSecond{${A}, job_name="q1", task_name="map", subtask_index="0"}`,
        "100x1439 20x40",
      ],
      [`flink_jobmanager_job_runningTime{${A}, job_name="q1", pod="jm-0"}`, "600000x1480"],
      [
        `flink_taskmanager_job_task_numRecordsInPerSecond{${A}, job_name="sessions", task_name="map", subtask_index="0"}`,
        "100x1439 70x40",
      ],
      [`flink_jobmanager_job_runningTime{${A}, job_name="sessions", pod="jm-0"}`, "7200000x1480"],
    ],
    evalTime: "1460m",
    pendingAt: "1450m",
    firing: [{ labels: { ...fraud, job_name: "fraud" } }],
  },
  {
    alert: "FlinkCpuNearLimit",
    silentBecause: "a TaskManager at half its limit, and a busy pod outside the Flink namespaces",
    series: [
      // 0.9 cores: 54 CPU-seconds a minute, against a limit of 1 core.
      [`container_cpu_usage_seconds_total{namespace="payments", pod="${tmPod}", ${TM}}`, "0+54x30"],
      [
        `kube_pod_container_resource_limits{namespace="payments", pod="${tmPod}", ${TM}, resource="cpu", unit="core"}`,
        "1x30",
      ],
      [
        `container_cpu_usage_seconds_total{namespace="payments", pod="fraud-detection-taskmanager-1-2", ${TM}}`,
        "0+30x30",
      ],
      [
        `kube_pod_container_resource_limits{namespace="payments", pod="fraud-detection-taskmanager-1-2", ${TM}, resource="cpu", unit="core"}`,
        "1x30",
      ],
      [`container_cpu_usage_seconds_total{namespace="kube-system", pod="x", ${TM}}`, "0+60x30"],
      [
        `kube_pod_container_resource_limits{namespace="kube-system", pod="x", ${TM}, resource="cpu", unit="core"}`,
        "1x30",
      ],
    ],
    evalTime: "25m",
    pendingAt: "15m",
    firing: [{ labels: { namespace: "payments", pod: tmPod, container: "flink-main-container" } }],
  },
  {
    alert: "FlinkMemoryNearLimit",
    silentBecause: "a TaskManager whose working set is half its limit",
    series: [
      [`container_memory_working_set_bytes{namespace="payments", pod="${tmPod}", ${TM}}`, "950x20"],
      [
        `kube_pod_container_resource_limits{namespace="payments", pod="${tmPod}", ${TM}, resource="memory", unit="byte"}`,
        "1000x20",
      ],
      [
        `container_memory_working_set_bytes{namespace="analytics", pod="adhoc-taskmanager-1-1", ${TM}}`,
        "500x20",
      ],
      [
        `kube_pod_container_resource_limits{namespace="analytics", pod="adhoc-taskmanager-1-1", ${TM}, resource="memory", unit="byte"}`,
        "1000x20",
      ],
    ],
    evalTime: "15m",
    pendingAt: "8m",
    firing: [{ labels: { namespace: "payments", pod: tmPod, container: "flink-main-container" } }],
  },
  {
    alert: "FlinkPodRestarting",
    silentBecause: "two restarts in an hour stay within the threshold of 3, and kube-system is not Flink's",
    series: [
      [
        `kube_pod_container_status_restarts_total{namespace="payments", pod="${tmPod}", ${TM}}`,
        "0 1 2 3 4 5x10",
      ],
      [
        `kube_pod_container_status_restarts_total{namespace="analytics", pod="adhoc-taskmanager-1-1", ${TM}}`,
        "0 1 2x12",
      ],
      [
        'kube_pod_container_status_restarts_total{namespace="kube-system", pod="coredns-1", container="coredns"}',
        "0 2 4 6 8x10",
      ],
    ],
    evalTime: "12m",
    firing: [{ labels: { namespace: "payments", pod: tmPod, container: "flink-main-container" } }],
  },
  {
    alert: "FlinkNetworkBuffersExhausted",
    silentBecause: "a TaskManager using half its network memory segments",
    series: [
      [`flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments{${P}, pod="${tmPod}"}`, "950x20"],
      [`flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments{${P}, pod="${tmPod}"}`, "1000x20"],
      [
        `flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments{${A}, pod="adhoc-taskmanager-1-1"}`,
        "500x20",
      ],
      [
        `flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments{${A}, pod="adhoc-taskmanager-1-1"}`,
        "1000x20",
      ],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { ...fraud, pod: tmPod } }],
  },
  {
    alert: "FlinkTaskBottleneck",
    silentBecause:
      "the source's input and output buffers are both full: it is backpressured, not the bottleneck",
    series: [
      [
        `flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage{${P}, job_name="fraud", task_name="enrich", subtask_index="0"}`,
        "1x20",
      ],
      [
        `flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage{${P}, job_name="fraud", task_name="enrich", subtask_index="0"}`,
        "0.1x20",
      ],
      [
        `flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage{${P}, job_name="fraud", task_name="parse", subtask_index="0"}`,
        "1x20",
      ],
      [
        `flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage{${P}, job_name="fraud", task_name="parse", subtask_index="0"}`,
        "1x20",
      ],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { ...fraud, job_name: "fraud", task_name: "enrich" } }],
  },
  {
    alert: "NodeMemoryPressure",
    silentBecause: "node n2 reports the condition false",
    series: [
      ['kube_node_status_condition{node="n1", condition="MemoryPressure", status="true"}', "0 1x10"],
      ['kube_node_status_condition{node="n2", condition="MemoryPressure", status="true"}', "0x10"],
      ['kube_node_status_condition{node="n2", condition="MemoryPressure", status="false"}', "1x10"],
    ],
    evalTime: "8m",
    pendingAt: "4m",
    firing: [{ labels: { node: "n1", condition: "MemoryPressure", status: "true" } }],
  },
  {
    alert: "NodeDiskPressure",
    silentBecause: "node n1 reports memory pressure, not disk pressure",
    series: [
      ['kube_node_status_condition{node="n2", condition="DiskPressure", status="true"}', "1x10"],
      ['kube_node_status_condition{node="n1", condition="MemoryPressure", status="true"}', "1x10"],
    ],
    evalTime: "8m",
    pendingAt: "4m",
    firing: [{ labels: { node: "n2", condition: "DiskPressure", status: "true" } }],
  },
  {
    alert: "NodeFilesystemAlmostFull",
    silentBecause: "a half-full data volume, and a full tmpfs",
    series: [
      [
        'node_filesystem_avail_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/", fstype="xfs"}',
        "10x20",
      ],
      [
        'node_filesystem_size_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/", fstype="xfs"}',
        "100x20",
      ],
      [
        'node_filesystem_avail_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/data", fstype="xfs"}',
        "50x20",
      ],
      [
        'node_filesystem_size_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/data", fstype="xfs"}',
        "100x20",
      ],
      [
        'node_filesystem_avail_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/run", fstype="tmpfs"}',
        "0x20",
      ],
      [
        'node_filesystem_size_bytes{instance="10.40.1.1:9100", node="n1", mountpoint="/run", fstype="tmpfs"}',
        "100x20",
      ],
    ],
    evalTime: "16m",
    pendingAt: "10m",
    firing: [{ labels: { instance: "10.40.1.1:9100", node: "n1", mountpoint: "/", fstype: "xfs" } }],
  },
  {
    alert: "FlinkOperatorReconcileErrors",
    silentBecause: "a resource whose failure count stopped growing long ago",
    series: [
      [
        'flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count{resourcens="payments", resourcename="fraud-detection", resourcetype="FlinkDeployment"}',
        "0+1x40",
      ],
      [
        'flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count{resourcens="analytics", resourcename="adhoc", resourcetype="FlinkDeployment"}',
        "5x40",
      ],
    ],
    evalTime: "25m",
    pendingAt: "10m",
    firing: [
      {
        labels: { resourcens: "payments", resourcename: "fraud-detection", resourcetype: "FlinkDeployment" },
      },
    ],
  },
  {
    alert: "FlinkDeploymentStuck",
    silentBecause: "analytics has no resource in a transient state, and a STABLE count is not stuck",
    series: [
      [
        'flink_k8soperator_namespace_Lifecycle_State_UPGRADING_Count{resourcens="payments", resourcetype="FlinkDeployment"}',
        "1x40",
      ],
      [
        'flink_k8soperator_namespace_Lifecycle_State_DEPLOYED_Count{resourcens="analytics", resourcetype="FlinkDeployment"}',
        "0x40",
      ],
      [
        'flink_k8soperator_namespace_Lifecycle_State_STABLE_Count{resourcens="analytics", resourcetype="FlinkDeployment"}',
        "3x40",
      ],
    ],
    evalTime: "35m",
    pendingAt: "20m",
    firing: [
      { labels: { resourcens: "payments", resourcetype: "FlinkDeployment", state: "UPGRADING" }, value: "1" },
    ],
  },
  {
    alert: "FlinkOperatorDown",
    silentBecause: "(see the second case: a scraped operator)",
    series: [['up{namespace="flink-operator", pod="flink-kubernetes-operator-0"}', "1 1 0x10"]],
    evalTime: "8m",
    pendingAt: "5m",
    firing: [{ labels: {} }],
  },
  {
    alert: "FlinkOperatorDown",
    silentBecause:
      "the operator is scraped successfully, and another namespace's target being down is not the operator",
    series: [
      ['up{namespace="flink-operator", pod="flink-kubernetes-operator-0"}', "1x12"],
      ['up{namespace="payments", pod="fraud-detection-taskmanager-1-1"}', "0x12"],
    ],
    evalTime: "10m",
    firing: [],
  },
];

/** Renders the subset of Go templating the annotations use: `{{ $labels.x }}` and `{{ $value }}`. */
function renderTemplate(text: string, labels: Labels, value = ""): string {
  return text
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? "")
    .replace(/\{\{ \$value \}\}/g, value);
}

function promtoolTests(rules: AlertRule[]) {
  const byName = new Map(rules.map((r) => [r.alert, r]));
  return {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: CASES.map((c) => {
      const rule = byName.get(c.alert)!;
      return {
        interval: "1m",
        input_series: c.series.map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          ...(c.pendingAt ? [{ eval_time: c.pendingAt, alertname: c.alert, exp_alerts: [] }] : []),
          {
            eval_time: c.evalTime,
            alertname: c.alert,
            exp_alerts: c.firing.map((f) => ({
              exp_labels: { ...f.labels, severity: rule.labels.severity },
              exp_annotations: Object.fromEntries(
                Object.entries(rule.annotations).map(([k, v]) => [k, renderTemplate(v, f.labels, f.value)]),
              ),
            })),
          },
        ],
      };
    }),
  };
}

/** The production stack's rules, built inside each test (Stryker counts a test's coverage from its own body). */
function prodRules(): { groups: RuleGroup[]; rules: AlertRule[] } {
  const v = validate(stackVariant("prod"));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const model = resolveModel(v.stack);
  const groups = flinkAlertRules({
    thresholds: model.monitoring.alerts,
    namespaces: model.namespaces.map((n) => n.name),
  });
  return { groups, rules: groups.flatMap((g) => g.rules).filter(isAlert) };
}

/** A directory holding the rules and the promtool tests for them. */
function promtoolDir(groups: RuleGroup[], rules: AlertRule[]): string {
  const dir = mkdtempSync(join(tmpdir(), "flink-platform-rules-"));
  writeFileSync(join(dir, "rules.yaml"), stringify({ groups }));
  writeFileSync(join(dir, "tests.yaml"), stringify(promtoolTests(rules)));
  promtool(["--version"], dir); // fails with the install hint when promtool is missing
  return dir;
}

/** Labels of a series selector: `name{a="1", b="2"}`. */
function selectorLabels(selector: string): Labels {
  return Object.fromEntries([...selector.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

/** A series no expected alert is about: one of the firing alerts' labels differs on it. */
const silentSeries = (c: AlertCase) =>
  c.series.filter(([selector]) => {
    const labels = selectorLabels(selector);
    return c.firing.every((f) =>
      Object.entries(f.labels).some(([k, v]) => labels[k] !== undefined && labels[k] !== v),
    );
  });

describe("alert rules under promtool", function () {
  this.timeout(30_000);

  it("has, for every alert, a firing case, series that must stay silent, and a pending check for its `for`", () => {
    const { rules } = prodRules();
    for (const r of rules) {
      const cases = CASES.filter((c) => c.alert === r.alert);
      assert.ok(
        cases.some((c) => c.firing.length > 0),
        `${r.alert} has no firing case`,
      );
      // promtool compares the firing alerts exactly, so a silent series that fired would fail it.
      assert.ok(
        cases.some((c) => silentSeries(c).length > 0),
        `${r.alert} has no series that must stay silent`,
      );
      if (r.for) {
        assert.ok(
          cases.some((c) => c.pendingAt && c.firing.length > 0),
          `${r.alert} (for ${r.for}) has no pending check: a shorter \`for\` would pass unnoticed`,
        );
      }
    }
  });

  it("passes promtool check rules", () => {
    const { groups, rules } = prodRules();
    const run = promtool(["check", "rules", "rules.yaml"], promtoolDir(groups, rules));
    assert.ok(run.ok, run.output);
    const all = groups.flatMap((g) => g.rules).length;
    assert.match(run.output, new RegExp(`SUCCESS: ${all} rules found`));
  });

  it("passes promtool test rules: each alert fires when it should and only then", () => {
    const { groups, rules } = prodRules();
    const run = promtool(["test", "rules", "tests.yaml"], promtoolDir(groups, rules));
    assert.ok(run.ok, run.output);
  });
});
