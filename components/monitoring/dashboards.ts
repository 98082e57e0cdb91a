/**
 * Grafana dashboards for Flink as plain JSON, provisioned through labelled ConfigMaps that
 * Grafana's dashboard sidecar loads. Every panel filters by the namespace / deployment / job
 * variables, so one dashboard serves every team.
 */

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: "prometheus"; uid: string };
  fieldConfig: { defaults: { unit: string; min?: number; max?: number }; overrides: [] };
  targets: { refId: string; expr: string; legendFormat: string }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  editable: boolean;
  time: { from: string; to: string };
  refresh: string;
  templating: { list: object[] };
  panels: Panel[];
}

const DATASOURCE = { type: "prometheus" as const, uid: "${datasource}" };
const NS = 'namespace=~"$namespace"';
const DEP = `${NS}, flink_deployment=~"$deployment"`;
const JOB = `${DEP}, job_name=~"$job"`;

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  type?: Panel["type"];
  max?: number;
  targets: [expr: string, legend: string][];
}

function variable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: "query",
    datasource: DATASOURCE,
    query: { query, refId: name },
    refresh: 2,
    includeAll: true,
    multi: true,
    current: { text: "All", value: "$__all" },
    sort: 1,
  };
}

/** Lay panels out two per row, 12 columns wide and 8 high, in the order given. */
function dashboard(uid: string, title: string, specs: PanelSpec[]): Dashboard {
  return {
    uid,
    title,
    tags: ["flink", "flink-platform"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: {
      list: [
        { name: "datasource", label: "Data source", type: "datasource", query: "prometheus" },
        variable(
          "namespace",
          "Namespace",
          "label_values(flink_jobmanager_numRegisteredTaskManagers, namespace)",
        ),
        variable(
          "deployment",
          "FlinkDeployment",
          `label_values(flink_jobmanager_numRegisteredTaskManagers{${NS}}, flink_deployment)`,
        ),
        variable("job", "Job", `label_values(flink_jobmanager_job_numRestarts{${DEP}}, job_name)`),
      ],
    },
    panels: specs.map((s, i) => ({
      id: i + 1,
      type: s.type ?? "timeseries",
      title: s.title,
      description: s.description,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      datasource: DATASOURCE,
      fieldConfig: {
        defaults: { unit: s.unit, ...(s.max !== undefined ? { min: 0, max: s.max } : {}) },
        overrides: [],
      },
      targets: s.targets.map(([expr, legendFormat], t) => ({
        refId: String.fromCharCode(65 + t),
        expr,
        legendFormat,
      })),
    })),
  };
}

const POOL = "label_flink_platform_pool";
/** A node series joined with its pool (kube_node_labels, from kube-state-metrics' allowlist). */
const byPool = (expr: string) =>
  `avg by (${POOL}) ((${expr}) * on (node) group_left (${POOL}) max by (node, ${POOL}) (kube_node_labels))`;

export function flinkDashboards(): Record<string, Dashboard> {
  return {
    "flink-cluster-resources": dashboard("flink-cluster-resources", "Flink / Cluster resources", [
      {
        title: "Node CPU used, per pool",
        description: "Average busy share of the nodes' CPUs in each node pool (node-exporter).",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            byPool('1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[5m]))'),
            "{{label_flink_platform_pool}}",
          ],
        ],
      },
      {
        title: "Node memory used, per pool",
        description: "Average share of node memory not available to new allocations (node-exporter).",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            byPool(
              "1 - max by (node) (node_memory_MemAvailable_bytes) / max by (node) (node_memory_MemTotal_bytes)",
            ),
            "{{label_flink_platform_pool}}",
          ],
        ],
      },
      {
        title: "Nodes under pressure, per pool",
        description:
          "Nodes whose kubelet reports memory, disk or PID pressure; NodeMemoryPressure and NodeDiskPressure page.",
        unit: "none",
        targets: [
          [
            `sum by (${POOL}, condition) (kube_node_status_condition{condition=~"MemoryPressure|DiskPressure|PIDPressure", status="true"} * on (node) group_left (${POOL}) max by (node, ${POOL}) (kube_node_labels))`,
            "{{label_flink_platform_pool}} {{condition}}",
          ],
        ],
      },
      {
        title: "Root filesystem used, per node",
        description: "NodeFilesystemAlmostFull fires above the configured share.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            '1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}',
            "{{node}}",
          ],
        ],
      },
      {
        title: "Flink containers: CPU used / limit",
        description: "FlinkCpuNearLimit fires above the configured share.",
        unit: "percentunit",
        targets: [
          [
            `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${NS}, container="flink-main-container"}[5m])) / sum by (namespace, pod) (kube_pod_container_resource_limits{${NS}, container="flink-main-container", resource="cpu"})`,
            "{{pod}}",
          ],
        ],
      },
      {
        title: "Flink containers: working set / memory limit",
        description:
          "Heap, managed, network and native memory together; FlinkMemoryNearLimit fires above the configured share.",
        unit: "percentunit",
        targets: [
          [
            `sum by (namespace, pod) (container_memory_working_set_bytes{${NS}, container="flink-main-container"}) / sum by (namespace, pod) (kube_pod_container_resource_limits{${NS}, container="flink-main-container", resource="memory"})`,
            "{{pod}}",
          ],
        ],
      },
    ]),
    "flink-network-buffers": dashboard("flink-network-buffers", "Flink / Network buffers", [
      {
        title: "TaskManager network memory used",
        description:
          "Used / total network memory segments per TaskManager; FlinkNetworkBuffersExhausted fires above the threshold.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments{${DEP}} / flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments{${DEP}}`,
            "{{flink_deployment}} {{pod}}",
          ],
        ],
      },
      {
        title: "Input buffer pool usage (worst subtask)",
        description: "Full input buffers: the task cannot keep up with what arrives.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `max by (job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Output buffer pool usage (worst subtask)",
        description: "Full output buffers: the task is backpressured by the one downstream.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `max by (job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Backpressured time (ms/s, worst subtask)",
        description:
          "The bottleneck is the task with full input and free output buffers (FlinkTaskBottleneck).",
        unit: "ms",
        max: 1000,
        targets: [
          [
            `max by (job_name, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
    ]),
    "flink-operator-health": dashboard("flink-operator-health", "Flink / Operator health", [
      {
        title: "Reconciliations per second",
        description: "How often the operator reconciles each namespace's resources.",
        unit: "ops",
        targets: [
          [
            'sum by (resourcens) (rate(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_Count{resourcens=~"$namespace"}[5m]))',
            "{{resourcens}}",
          ],
        ],
      },
      {
        title: "Failed reconciliations (15 min)",
        description: "Per resource; FlinkOperatorReconcileErrors fires while they keep failing.",
        unit: "none",
        targets: [
          [
            'sum by (resourcens, resourcename) (increase(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count{resourcens=~"$namespace"}[15m]))',
            "{{resourcens}}/{{resourcename}}",
          ],
        ],
      },
      {
        title: "Resources per lifecycle state",
        description:
          "STABLE is the goal; FlinkDeploymentStuck fires when one stays CREATED, UPGRADING, DEPLOYED or ROLLING_BACK.",
        unit: "none",
        targets: [
          ["STABLE", "FAILED", "SUSPENDED", "CREATED", "UPGRADING", "DEPLOYED", "ROLLING_BACK"].map(
            (state): [string, string] => [
              `sum by (resourcens) (flink_k8soperator_namespace_Lifecycle_State_${state}_Count{resourcens=~"$namespace"})`,
              `{{resourcens}} ${state}`,
            ],
          ),
        ].flat(),
      },
      {
        title: "Operator up",
        description: "Scrape success of every operator pod; FlinkOperatorDown fires when none answers.",
        unit: "none",
        type: "stat",
        targets: [['sum(up{namespace="flink-operator"})', "pods up"]],
      },
    ]),
    "flink-job-overview": dashboard("flink-job-overview", "Flink / Job overview", [
      {
        title: "Jobs running",
        description: "1 while the job is in RUNNING state (metrics.job.status.enable=STATE).",
        unit: "none",
        type: "stat",
        targets: [
          [`sum by (namespace, job_name) (flink_jobmanager_job_runningState{${JOB}})`, "{{job_name}}"],
        ],
      },
      {
        title: "Restarts (15 min)",
        description: "Job restarts in the last 15 minutes; the FlinkJobRestarting alert fires on this.",
        unit: "none",
        targets: [[`increase(flink_jobmanager_job_numRestarts{${JOB}}[15m])`, "{{namespace}}/{{job_name}}"]],
      },
      {
        title: "Registered TaskManagers",
        description: "TaskManagers registered with each cluster's ResourceManager.",
        unit: "none",
        targets: [
          [
            `max by (namespace, flink_deployment) (flink_jobmanager_numRegisteredTaskManagers{${DEP}})`,
            "{{namespace}}/{{flink_deployment}}",
          ],
        ],
      },
      {
        title: "Task slots: available / total",
        description: "Free and total slots; a job waits when it needs slots and none are free.",
        unit: "none",
        targets: [
          [
            `max by (namespace, flink_deployment) (flink_jobmanager_taskSlotsAvailable{${DEP}})`,
            "{{flink_deployment}} available",
          ],
          [
            `max by (namespace, flink_deployment) (flink_jobmanager_taskSlotsTotal{${DEP}})`,
            "{{flink_deployment}} total",
          ],
        ],
      },
      {
        title: "Time in RUNNING state",
        description: "How long each job has been running since its last (re)start.",
        unit: "ms",
        targets: [[`flink_jobmanager_job_runningTime{${JOB}}`, "{{namespace}}/{{job_name}}"]],
      },
      {
        title: "Operator: resources FAILED / STABLE",
        description: "Operator lifecycle counts per namespace (FAILED pages through FlinkDeploymentFailed).",
        unit: "none",
        targets: [
          [
            'sum by (resourcens) (flink_k8soperator_namespace_Lifecycle_State_FAILED_Count{resourcens=~"$namespace"})',
            "{{resourcens}} failed",
          ],
          [
            'sum by (resourcens) (flink_k8soperator_namespace_Lifecycle_State_STABLE_Count{resourcens=~"$namespace"})',
            "{{resourcens}} stable",
          ],
        ],
      },
    ]),
    "flink-checkpoints": dashboard("flink-checkpoints", "Flink / Checkpoints", [
      {
        title: "Last checkpoint duration",
        description: "End-to-end duration of the last completed checkpoint.",
        unit: "ms",
        targets: [[`flink_jobmanager_job_lastCheckpointDuration{${JOB}}`, "{{namespace}}/{{job_name}}"]],
      },
      {
        title: "Last checkpoint size",
        description: "State size of the last checkpoint (incremental checkpoints report the delta).",
        unit: "bytes",
        targets: [[`flink_jobmanager_job_lastCheckpointSize{${JOB}}`, "{{namespace}}/{{job_name}}"]],
      },
      {
        title: "Completed and failed checkpoints (30 min)",
        description: "Three failures in 30 minutes page through FlinkCheckpointsFailing.",
        unit: "none",
        targets: [
          [
            `increase(flink_jobmanager_job_numberOfCompletedCheckpoints{${JOB}}[30m])`,
            "{{job_name}} completed",
          ],
          [`increase(flink_jobmanager_job_numberOfFailedCheckpoints{${JOB}}[30m])`, "{{job_name}} failed"],
        ],
      },
      {
        title: "Checkpoints in progress",
        description: "More than one for long means checkpoints are queueing.",
        unit: "none",
        targets: [
          [`flink_jobmanager_job_numberOfInProgressCheckpoints{${JOB}}`, "{{namespace}}/{{job_name}}"],
        ],
      },
    ]),
    "flink-throughput": dashboard("flink-throughput", "Flink / Throughput and backpressure", [
      {
        title: "Records in per second",
        description: "Summed over subtasks, per task.",
        unit: "rps",
        targets: [
          [
            `sum by (job_name, task_name) (flink_taskmanager_job_task_numRecordsInPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Records out per second",
        description: "Summed over subtasks, per task.",
        unit: "rps",
        targets: [
          [
            `sum by (job_name, task_name) (flink_taskmanager_job_task_numRecordsOutPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Backpressured time (ms/s, worst subtask)",
        description:
          "1000 means a subtask is fully backpressured; the FlinkBackpressured alert fires above the threshold.",
        unit: "ms",
        max: 1000,
        targets: [
          [
            `max by (job_name, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Busy time (ms/s, worst subtask)",
        description: "The bottleneck is the busiest task downstream of the backpressured ones.",
        unit: "ms",
        max: 1000,
        targets: [
          [
            `max by (job_name, task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
      {
        title: "Idle time (ms/s, average subtask)",
        description: "High idle time everywhere means the sources are the limit.",
        unit: "ms",
        max: 1000,
        targets: [
          [
            `avg by (job_name, task_name) (flink_taskmanager_job_task_idleTimeMsPerSecond{${JOB}})`,
            "{{job_name}} / {{task_name}}",
          ],
        ],
      },
    ]),
    "flink-jvm-memory": dashboard("flink-jvm-memory", "Flink / JVM and memory", [
      {
        title: "TaskManager heap used / max",
        description: "Per TaskManager pod; FlinkHeapPressure fires above the configured ratio.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `flink_taskmanager_Status_JVM_Memory_Heap_Used{${DEP}} / flink_taskmanager_Status_JVM_Memory_Heap_Max{${DEP}}`,
            "{{pod}}",
          ],
        ],
      },
      {
        title: "JobManager heap used / max",
        description: "Per JobManager pod (standbys included).",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `flink_jobmanager_Status_JVM_Memory_Heap_Used{${DEP}} / flink_jobmanager_Status_JVM_Memory_Heap_Max{${DEP}}`,
            "{{pod}}",
          ],
        ],
      },
      {
        title: "GC time (ms/s)",
        description: "Time in G1 collections (the official images run Java 17 with G1).",
        unit: "ms",
        targets: [
          [
            `rate(flink_taskmanager_Status_JVM_GarbageCollector_G1_Young_Generation_Time{${DEP}}[5m])`,
            "{{pod}} young",
          ],
          [
            `rate(flink_taskmanager_Status_JVM_GarbageCollector_G1_Old_Generation_Time{${DEP}}[5m])`,
            "{{pod}} old",
          ],
        ],
      },
      {
        title: "Managed memory used / total",
        description:
          "RocksDB and batch operators use managed memory; see report.json for the configured size.",
        unit: "percentunit",
        max: 1,
        targets: [
          [
            `flink_taskmanager_Status_Flink_Memory_Managed_Used{${DEP}} / flink_taskmanager_Status_Flink_Memory_Managed_Total{${DEP}}`,
            "{{pod}}",
          ],
        ],
      },
      {
        title: "CPU load",
        description: "JVM process CPU load per pod.",
        unit: "percentunit",
        targets: [
          [`flink_taskmanager_Status_JVM_CPU_Load{${DEP}}`, "{{pod}} (taskmanager)"],
          [`flink_jobmanager_Status_JVM_CPU_Load{${DEP}}`, "{{pod}} (jobmanager)"],
        ],
      },
    ]),
  };
}
