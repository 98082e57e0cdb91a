/**
 * The platform's alert rules as plain data (a PrometheusRule spec), from the thresholds in
 * stack config. promtool checks and unit-tests exactly what this returns.
 *
 * Flink series carry `namespace` and `flink_deployment` (the FlinkDeployment, relabelled from
 * the operator's `app` pod label by the PodMonitors); job-scope series add `job_name`.
 */
import { PlatformModel } from "../../config/model";
import { OPERATOR_NAMESPACE } from "../flink/operator";
import { MAIN_CONTAINER } from "../flink/podTemplate";
import { prometheusDuration } from "./stackValues";

export type Severity = "critical" | "warning";

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity };
  annotations: { summary: string; description: string; runbook: string; runbook_url?: string };
}

/** A recording rule: alerts and dashboards read its series by `record`. */
export interface RecordingRule {
  record: string;
  expr: string;
}

export interface RuleGroup {
  name: string;
  rules: (AlertRule | RecordingRule)[];
}

export const isAlert = (r: AlertRule | RecordingRule): r is AlertRule => "alert" in r;

/** Records in per second of each job, summed over its tasks and subtasks. */
export const JOB_RECORDS_IN = "flink_platform:job_records_in:rate";

/**
 * The operator's transient lifecycle states, in which a resource should not stay: CREATED,
 * UPGRADING, DEPLOYED (not yet stable) and ROLLING_BACK (flink-kubernetes-operator release-1.15.0
 * flink-kubernetes-operator-api/.../lifecycle/ResourceLifecycleState.java).
 */
export const TRANSIENT_LIFECYCLE_STATES = ["CREATED", "UPGRADING", "DEPLOYED", "ROLLING_BACK"] as const;

export interface AlertRulesInput {
  thresholds: PlatformModel["monitoring"]["alerts"];
  /** The Flink namespaces, for the quota, resource and restart alerts. */
  namespaces: string[];
  /** Where the README's alert section lives; each alert links to its anchor. */
  runbookBaseUrl?: string;
}

const JOB = "job {{ $labels.job_name }} (FlinkDeployment {{ $labels.flink_deployment }})";
const CLUSTER = "FlinkDeployment {{ $labels.flink_deployment }}";
const IN_NS = "in namespace {{ $labels.namespace }}";

function percent(ratio: number): string {
  return `${Math.round(ratio * 1000) / 10}%`;
}

export function flinkAlertRules(input: AlertRulesInput): RuleGroup[] {
  const t = input.thresholds;
  const namespaces = [...input.namespaces].sort().join("|");
  const rule = (
    alert: string,
    severity: Severity,
    expr: string,
    forDuration: string | undefined,
    summary: string,
    description: string,
    runbook: string,
  ): AlertRule => ({
    alert,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity },
    annotations: {
      summary,
      description,
      runbook,
      ...(input.runbookBaseUrl ? { runbook_url: `${input.runbookBaseUrl}#${alert.toLowerCase()}` } : {}),
    },
  });

  const jobs: AlertRule[] = [
    rule(
      "FlinkJobRestarting",
      "critical",
      `increase(flink_jobmanager_job_numRestarts[15m]) >= ${t.restartsPer15m}`,
      undefined,
      `Flink ${JOB} ${IN_NS} is restarting`,
      `Flink ${JOB} ${IN_NS} restarted at least ${t.restartsPer15m} times in 15 minutes; every restart replays from the last checkpoint.`,
      "Read the root exception in the JobManager log (kubectl -n {{ $labels.namespace }} logs deploy/{{ $labels.flink_deployment }}); fix the cause or roll the job back to its previous spec.",
    ),
    rule(
      "FlinkJobNotRunning",
      "critical",
      "flink_jobmanager_job_runningState == 0",
      "10m",
      `Flink ${JOB} ${IN_NS} is not running`,
      `Flink ${JOB} ${IN_NS} has not been in RUNNING state for 10 minutes: it is not processing data.`,
      "kubectl -n {{ $labels.namespace }} describe flinkdeployment {{ $labels.flink_deployment }} shows the operator's view; check for missing TaskManagers, a failing restore or an exhausted restart strategy.",
    ),
    rule(
      "FlinkDeploymentFailed",
      "critical",
      "flink_k8soperator_namespace_Lifecycle_State_FAILED_Count > 0",
      "5m",
      "Flink resources in namespace {{ $labels.resourcens }} are FAILED",
      "{{ $value }} {{ $labels.resourcetype }} resource(s) in namespace {{ $labels.resourcens }} are in the operator's FAILED lifecycle state; their jobs may export no metrics at all.",
      "kubectl -n {{ $labels.resourcens }} get flinkdeployments,flinksessionjobs shows which; the status error and the operator log say why. Fix the spec or restore from the last savepoint.",
    ),
    rule(
      "FlinkCheckpointsFailing",
      "critical",
      "increase(flink_jobmanager_job_numberOfFailedCheckpoints[30m]) >= 3",
      undefined,
      `Checkpoints of Flink ${JOB} ${IN_NS} are failing`,
      `At least 3 checkpoints of Flink ${JOB} ${IN_NS} failed in 30 minutes; a restart now would replay everything since the last good one.`,
      "Open the job's Checkpoints tab (port-forward to the JobManager REST port 8081); look for timeouts (raise the checkpoint timeout or fix backpressure) or storage errors (bucket permissions, throttling).",
    ),
    rule(
      "FlinkCheckpointSlow",
      "warning",
      `max by (namespace, flink_deployment, job_name) (flink_jobmanager_job_lastCheckpointDuration) > ${t.checkpointDurationSeconds * 1000}`,
      "15m",
      `Checkpoints of Flink ${JOB} ${IN_NS} are slow`,
      `The last checkpoint of Flink ${JOB} ${IN_NS} took more than ${t.checkpointDurationSeconds} s for 15 minutes.`,
      "Slow checkpoints usually follow backpressure (barriers queue behind data) or growing state; check the backpressure dashboard and the checkpoint size trend, and consider unaligned checkpoints.",
    ),
    rule(
      "FlinkBackpressured",
      "warning",
      `max by (namespace, flink_deployment, job_name, task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond) > ${t.backpressureMsPerSecond}`,
      "15m",
      `Flink ${JOB} ${IN_NS} is backpressured`,
      `Task {{ $labels.task_name }} of Flink ${JOB} ${IN_NS} spent more than ${t.backpressureMsPerSecond} ms/s backpressured for 15 minutes.`,
      "The bottleneck is the first task downstream that is busy, not backpressured (Throughput dashboard). Scale the job (parallelism or autoscaler) or fix the slow operator or sink.",
    ),
    rule(
      "FlinkHeapPressure",
      "warning",
      `(flink_taskmanager_Status_JVM_Memory_Heap_Used / flink_taskmanager_Status_JVM_Memory_Heap_Max > ${t.heapUsageRatio}) or (flink_jobmanager_Status_JVM_Memory_Heap_Used / flink_jobmanager_Status_JVM_Memory_Heap_Max > ${t.heapUsageRatio})`,
      "15m",
      `Flink ${CLUSTER} ${IN_NS} is short of heap`,
      `A {{ $labels.component }} of Flink ${CLUSTER} ${IN_NS} has used more than ${percent(t.heapUsageRatio)} of its heap for 15 minutes; long GC pauses and OutOfMemoryError follow.`,
      "Raise the memory of the component in stack config (the preview shows the new heap size), or lower state kept on heap (hashmap backend, large windows).",
    ),
  ];

  const capacity: AlertRule[] = [
    rule(
      "FlinkNoTaskManagers",
      "critical",
      "(max by (namespace, flink_deployment) (flink_jobmanager_numRegisteredTaskManagers) == 0) and on (namespace, flink_deployment) (max by (namespace, flink_deployment) (flink_jobmanager_numRunningJobs) > 0)",
      "5m",
      `Flink ${CLUSTER} ${IN_NS} has jobs but no TaskManagers`,
      `Flink ${CLUSTER} ${IN_NS} has submitted jobs but no registered TaskManager for 5 minutes: nothing is processing.`,
      "kubectl -n {{ $labels.namespace }} get pods -l app={{ $labels.flink_deployment }},component=taskmanager; Pending pods point at quota or node capacity (kubectl describe pod), CrashLoopBackOff at memory settings or the image.",
    ),
    rule(
      "FlinkNoFreeSlots",
      "warning",
      "(flink_jobmanager_job_runningState == 0) and on (namespace, flink_deployment) (max by (namespace, flink_deployment) (flink_jobmanager_taskSlotsAvailable) == 0)",
      "10m",
      `Flink ${JOB} ${IN_NS} is waiting for task slots`,
      `Flink ${JOB} ${IN_NS} is not running and its cluster has no free task slot for 10 minutes.`,
      "A session cluster is full or TaskManagers cannot be scheduled: check Pending pods and the namespace quota, then raise the session cluster's TaskManager count or move the job.",
    ),
    rule(
      "FlinkNamespaceQuotaNearlyFull",
      "warning",
      `kube_resourcequota{type="used", namespace=~"${namespaces}"} / ignoring (type) kube_resourcequota{type="hard", namespace=~"${namespaces}"} > ${t.quotaUsageRatio}`,
      "15m",
      "Namespace {{ $labels.namespace }} is close to its quota",
      `Namespace {{ $labels.namespace }} uses more than ${percent(t.quotaUsageRatio)} of its {{ $labels.resource }} quota; the next scale-up or upgrade may not be admitted.`,
      "Compare report.json's namespaces entry with the live usage (kubectl -n {{ $labels.namespace }} describe resourcequota); raise the quota in stack config or shrink a job.",
    ),
  ];

  const t2 = {
    dropFor: prometheusDuration(t.throughputDropFor),
    minRunning: t.throughputMinRunningTime,
    stuckFor: prometheusDuration(t.lifecycleStuckFor),
  };
  // Flink's main container in the team namespaces: JobManagers and TaskManagers.
  const flinkContainers = `namespace=~"${namespaces}", container="${MAIN_CONTAINER}"`;
  const flinkPods = `namespace=~"${namespaces}"`;
  const throughput: (AlertRule | RecordingRule)[] = [
    {
      record: JOB_RECORDS_IN,
      expr: "sum by (namespace, flink_deployment, job_name) (flink_taskmanager_job_task_numRecordsInPerSecond)",
    },
    rule(
      "FlinkThroughputDropped",
      "warning",
      // The job's own average of the last 24 h is its normal; a job that just (re)started has
      // no comparable rate yet, so it must have been RUNNING for a while (runningTime, ms).
      `(${JOB_RECORDS_IN} < ${t.throughputDropRatio} * avg_over_time(${JOB_RECORDS_IN}[24h])) and on (namespace, flink_deployment, job_name) (max by (namespace, flink_deployment, job_name) (flink_jobmanager_job_runningTime) > ${t2.minRunning})`,
      t2.dropFor,
      `Throughput of Flink ${JOB} ${IN_NS} dropped`,
      `Flink ${JOB} ${IN_NS} has read fewer than ${percent(t.throughputDropRatio)} of its 24-hour average records per second for ${t2.dropFor}.`,
      "Compare with the source (Kafka lag, upstream outage) first; if the source has data, look for backpressure and busy tasks on the Throughput dashboard, and for restarts.",
    ),
  ];

  const resources: AlertRule[] = [
    rule(
      "FlinkCpuNearLimit",
      "warning",
      `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${flinkContainers}}[5m])) / sum by (namespace, pod, container) (kube_pod_container_resource_limits{${flinkContainers}, resource="cpu"}) > ${t.cpuLimitRatio}`,
      "15m",
      "Flink pod {{ $labels.pod }} in namespace {{ $labels.namespace }} is close to its CPU limit",
      `Flink pod {{ $labels.pod }} in namespace {{ $labels.namespace }} has used more than ${percent(t.cpuLimitRatio)} of its CPU limit for 15 minutes; it is being throttled.`,
      "Scale the job out (parallelism or autoscaler) or raise the component's cpu in stack config; check GC time on the JVM dashboard first (GC burns CPU when heap is short).",
    ),
    rule(
      "FlinkMemoryNearLimit",
      "warning",
      `sum by (namespace, pod, container) (container_memory_working_set_bytes{${flinkContainers}}) / sum by (namespace, pod, container) (kube_pod_container_resource_limits{${flinkContainers}, resource="memory"}) > ${t.memoryLimitRatio}`,
      "10m",
      "Flink pod {{ $labels.pod }} in namespace {{ $labels.namespace }} is close to its memory limit",
      `The container working set of Flink pod {{ $labels.pod }} in namespace {{ $labels.namespace }} has been above ${percent(t.memoryLimitRatio)} of its memory limit for 10 minutes (heap, managed, network, metaspace and native memory together); the kernel OOM-kills it at the limit.`,
      "Native memory grows outside the heap (RocksDB, direct buffers): raise the process memory in stack config, or give RocksDB less (managed fraction) if the JVM overhead is too small.",
    ),
    rule(
      "FlinkPodRestarting",
      "critical",
      `increase(kube_pod_container_status_restarts_total{${flinkPods}}[1h]) > ${t.containerRestartsPerHour}`,
      undefined,
      "Pod {{ $labels.pod }} in namespace {{ $labels.namespace }} keeps restarting",
      `Container {{ $labels.container }} of pod {{ $labels.pod }} in namespace {{ $labels.namespace }} restarted more than ${t.containerRestartsPerHour} times in an hour.`,
      "kubectl -n {{ $labels.namespace }} describe pod {{ $labels.pod }}: OOMKilled means memory (FlinkMemoryNearLimit), an exit code with the previous log (kubectl logs --previous) the cause.",
    ),
    rule(
      "FlinkNetworkBuffersExhausted",
      "warning",
      `flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments / flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments > ${t.networkBufferUsageRatio}`,
      "15m",
      `A TaskManager of Flink ${CLUSTER} ${IN_NS} is out of network buffers`,
      `TaskManager {{ $labels.pod }} of Flink ${CLUSTER} ${IN_NS} has used more than ${percent(t.networkBufferUsageRatio)} of its network memory segments for 15 minutes: records wait for buffers, and checkpoint barriers with them.`,
      "Usually backpressure from a slow task downstream (FlinkTaskBottleneck names it); otherwise raise taskmanager.memory.network.fraction, or enable unaligned checkpoints so barriers overtake the queued data.",
    ),
    rule(
      "FlinkTaskBottleneck",
      "warning",
      "(max by (namespace, flink_deployment, job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage) > 0.9) and on (namespace, flink_deployment, job_name, task_name) (max by (namespace, flink_deployment, job_name, task_name) (flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage) < 0.5)",
      "15m",
      `Task {{ $labels.task_name }} of Flink ${JOB} ${IN_NS} is the bottleneck`,
      `Task {{ $labels.task_name }} of Flink ${JOB} ${IN_NS} has had full input buffers but free output buffers for 15 minutes: it cannot keep up, and everything upstream is backpressured by it.`,
      "Scale this task (parallelism, autoscaler) or make it cheaper (state access, external calls, skew on a hot key); its busy time on the Throughput dashboard shows how saturated it is.",
    ),
  ];

  const nodes: AlertRule[] = [
    rule(
      "NodeMemoryPressure",
      "critical",
      'kube_node_status_condition{condition="MemoryPressure", status="true"} == 1',
      "5m",
      "Node {{ $labels.node }} is under memory pressure",
      "The kubelet on node {{ $labels.node }} reports MemoryPressure: it is evicting pods, TaskManagers first if they use more than they requested.",
      "kubectl describe node {{ $labels.node }}: find the pod using more than it requested (Cluster resources dashboard); every platform pod has memory limit = request, so look at pods outside the platform.",
    ),
    rule(
      "NodeDiskPressure",
      "critical",
      'kube_node_status_condition{condition="DiskPressure", status="true"} == 1',
      "5m",
      "Node {{ $labels.node }} is under disk pressure",
      "The kubelet on node {{ $labels.node }} reports DiskPressure: it is evicting pods and garbage-collecting images.",
      "Large local state (RocksDB working directories, spilled batch data) or container logs fill the root volume: raise cluster.nodeGroups.*.diskSizeGiB or move state off the node.",
    ),
    rule(
      "NodeFilesystemAlmostFull",
      "warning",
      `1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"} > ${t.filesystemUsageRatio}`,
      "15m",
      "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is almost full",
      `Filesystem {{ $labels.mountpoint }} on node {{ $labels.instance }} is more than ${percent(t.filesystemUsageRatio)} full; DiskPressure and evictions follow.`,
      "Find what grows (RocksDB local directories, logs) with the Cluster resources dashboard; raise the node group's disk size or reduce local state.",
    ),
  ];

  const lifecycleStuck = TRANSIENT_LIFECYCLE_STATES.map(
    (state) =>
      `label_replace(flink_k8soperator_namespace_Lifecycle_State_${state}_Count, "state", "${state}", "", "")`,
  ).join(" or ");
  const platform: AlertRule[] = [
    rule(
      "FlinkOperatorDown",
      "critical",
      `absent(up{namespace="${OPERATOR_NAMESPACE}"} == 1)`,
      "5m",
      "The Flink Kubernetes Operator is down",
      `No Flink Kubernetes Operator pod in namespace ${OPERATOR_NAMESPACE} has been scraped successfully for 5 minutes: no job is upgraded, savepointed or recovered by the operator.`,
      `kubectl -n ${OPERATOR_NAMESPACE} get pods and its logs; running jobs keep running, but changes and operator-driven recovery wait until it is back.`,
    ),
  ];

  platform.push(
    rule(
      "FlinkOperatorReconcileErrors",
      "warning",
      "sum by (resourcens, resourcename, resourcetype) (increase(flink_k8soperator_namespace_resource_JOSDK_Reconciliation_failed_Count[15m])) > 0",
      "15m",
      "The operator fails to reconcile {{ $labels.resourcetype }} {{ $labels.resourcename }} in namespace {{ $labels.resourcens }}",
      "Reconciliations of {{ $labels.resourcetype }} {{ $labels.resourcename }} in namespace {{ $labels.resourcens }} have kept failing for 15 minutes: spec changes, savepoints and recovery for it do not happen.",
      `kubectl -n {{ $labels.resourcens }} describe {{ $labels.resourcetype }} {{ $labels.resourcename }} (status error, events) and the operator log in ${OPERATOR_NAMESPACE}; fix the spec, or the permission or storage error it names.`,
    ),
    rule(
      "FlinkDeploymentStuck",
      "warning",
      `max by (resourcens, resourcetype, state) (${lifecycleStuck}) > 0`,
      t2.stuckFor,
      "Flink resources in namespace {{ $labels.resourcens }} are stuck in {{ $labels.state }}",
      `{{ $value }} {{ $labels.resourcetype }} resource(s) in namespace {{ $labels.resourcens }} have been in the operator's {{ $labels.state }} lifecycle state for ${t2.stuckFor} without becoming STABLE.`,
      "kubectl -n {{ $labels.resourcens }} get flinkdeployments,flinksessionjobs shows which; a DEPLOYED job that never stabilizes is usually crash-looping (FlinkPodRestarting), an UPGRADING one waits for a savepoint (operator log).",
    ),
  );

  return [
    { name: "flink-platform.throughput", rules: throughput },
    { name: "flink-platform.resources", rules: resources },
    { name: "flink-platform.nodes", rules: nodes },
    { name: "flink-platform.jobs", rules: jobs },
    { name: "flink-platform.capacity", rules: capacity },
    { name: "flink-platform.platform", rules: platform },
  ];
}
