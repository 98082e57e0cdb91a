/**
 * Every metric name an alert or a dashboard panel may use, with who exports it. Tests parse
 * each PromQL expression and refuse any name not listed here, so a typo in a metric name
 * (which Prometheus would silently answer with "no data") fails the build instead.
 *
 * Flink's Prometheus reporter names a metric `flink_` + logical scope + `_` + name, with the
 * scope variables (host, tm_id, job_name, task_name, subtask_index…) as labels.
 */
export type MetricSource =
  | "flink"
  | "flink-operator"
  | "kube-state-metrics"
  | "cadvisor"
  | "node-exporter"
  | "prometheus"
  | "recording-rule";

export const METRIC_CATALOG: Record<string, MetricSource> = {
  // JobManager scope.
  flink_jobmanager_numRegisteredTaskManagers: "flink",
  flink_jobmanager_numRunningJobs: "flink",
  flink_jobmanager_taskSlotsAvailable: "flink",
  flink_jobmanager_taskSlotsTotal: "flink",
  flink_jobmanager_Status_JVM_Memory_Heap_Used: "flink",
  flink_jobmanager_Status_JVM_Memory_Heap_Max: "flink",
  flink_jobmanager_Status_JVM_CPU_Load: "flink",
  // Job scope on the JobManager (job_id, job_name labels).
  flink_jobmanager_job_numRestarts: "flink",
  flink_jobmanager_job_numberOfFailedCheckpoints: "flink",
  flink_jobmanager_job_numberOfCompletedCheckpoints: "flink",
  flink_jobmanager_job_numberOfInProgressCheckpoints: "flink",
  flink_jobmanager_job_lastCheckpointDuration: "flink",
  flink_jobmanager_job_lastCheckpointSize: "flink",
  // Job status gauges, reported because flinkConfig sets metrics.job.status.enable=STATE,CURRENT_TIME.
  flink_jobmanager_job_runningState: "flink",
  flink_jobmanager_job_restartingState: "flink",
  flink_jobmanager_job_runningTime: "flink",
  // TaskManager scope.
  flink_taskmanager_Status_JVM_Memory_Heap_Used: "flink",
  flink_taskmanager_Status_JVM_Memory_Heap_Max: "flink",
  // Per collector, named after the JVM's collector (G1 on the official Java 17 images).
  flink_taskmanager_Status_JVM_GarbageCollector_G1_Young_Generation_Time: "flink",
  flink_taskmanager_Status_JVM_GarbageCollector_G1_Old_Generation_Time: "flink",
  flink_taskmanager_Status_JVM_CPU_Load: "flink",
  flink_taskmanager_Status_Flink_Memory_Managed_Used: "flink",
  flink_taskmanager_Status_Flink_Memory_Managed_Total: "flink",
  // Network memory of a TaskManager (Status.Shuffle.Netty; flink-runtime NettyShuffleMetricFactory,
  // the same names in release-1.20.4 and release-2.2.1: registerShuffleMetrics under the Status group).
  flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments: "flink",
  flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments: "flink",
  flink_taskmanager_Status_Shuffle_Netty_AvailableMemorySegments: "flink",
  // Per task: Shuffle.Netty.{Input,Output}.Buffers.{inPoolUsage,outPoolUsage} (same file, 1.19 to 2.2).
  flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage: "flink",
  flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage: "flink",
  // Task scope (task_name, subtask_index labels).
  flink_taskmanager_job_task_backPressuredTimeMsPerSecond: "flink",
  flink_taskmanager_job_task_busyTimeMsPerSecond: "flink",
  flink_taskmanager_job_task_idleTimeMsPerSecond: "flink",
  flink_taskmanager_job_task_numRecordsInPerSecond: "flink",
  flink_taskmanager_job_task_numRecordsOutPerSecond: "flink",
  // Operator namespace scope (resourcens, resourcetype labels).
  flink_k8soperator_namespace_Lifecycle_State_FAILED_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_STABLE_Count: "flink-operator",
  flink_k8soperator_namespace_Count: "flink-operator",
  // Every ResourceLifecycleState gets a Count gauge per namespace (LifecycleMetrics.java, release-1.15.0).
  flink_k8soperator_namespace_Lifecycle_State_CREATED_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_UPGRADING_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_DEPLOYED_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_ROLLING_BACK_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_SUSPENDED_Count: "flink-operator",
  flink_k8soperator_namespace_Lifecycle_State_ROLLED_BACK_Count: "flink-operator",
  // JOSDK counters per resource (OperatorJosdkMetrics.java, release-1.15.0; josdk.metrics.enabled defaults to true).
  flink_k8soperator_namespace_resource_JOSDK_Reconciliation_Count: "flink-operator",
  flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count: "flink-operator",
  // kube-state-metrics (shipped and scraped by kube-prometheus-stack).
  kube_resourcequota: "kube-state-metrics",
  kube_pod_container_resource_limits: "kube-state-metrics",
  kube_pod_container_status_restarts_total: "kube-state-metrics",
  kube_node_status_condition: "kube-state-metrics",
  // With metricLabelsAllowlist nodes=[flink-platform/pool]: label_flink_platform_pool (stackValues.ts).
  kube_node_labels: "kube-state-metrics",
  // The kubelet's cAdvisor endpoint (kube-prometheus-stack's kubelet ServiceMonitor keeps these two).
  container_cpu_usage_seconds_total: "cadvisor",
  container_memory_working_set_bytes: "cadvisor",
  // node-exporter on every node (its ServiceMonitor adds the node name as `node`).
  node_cpu_seconds_total: "node-exporter",
  node_memory_MemAvailable_bytes: "node-exporter",
  node_memory_MemTotal_bytes: "node-exporter",
  node_filesystem_avail_bytes: "node-exporter",
  node_filesystem_size_bytes: "node-exporter",
  // Prometheus itself: one series per scrape target.
  up: "prometheus",
  // The platform's own recording rules (alertRules.ts).
  "flink_platform:job_records_in:rate": "recording-rule",
};

/** PromQL functions, keywords and aggregation words that look like identifiers. */
const PROMQL_WORDS = new Set([
  "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "group",
  "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
  "rate", "irate", "increase", "delta", "idelta", "deriv", "absent", "absent_over_time", "clamp_min",
  "clamp_max", "max_over_time", "min_over_time", "avg_over_time", "sum_over_time", "changes", "resets",
  "time", "vector", "scalar", "label_replace", "histogram_quantile", "sort", "sort_desc", "round",
  "count_over_time", "last_over_time", "timestamp", "abs", "ceil", "floor",
]); // prettier-ignore

/**
 * Metric names a PromQL expression reads: identifiers that are not functions, keywords,
 * label names inside `{…}` or `by (…)` lists, durations or strings.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // range selectors
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ""); // label lists
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const next = stripped.slice(match.index! + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || next.startsWith("(")) continue; // keyword or function call
    if (/^\d/.test(word) || /^(?:e|inf|nan|NaN|Inf)$/.test(word)) continue;
    names.add(word);
  }
  return [...names].sort();
}
