/**
 * The platform's alert rules as plain data (a PrometheusRule spec), from the thresholds in
 * stack config. promtool checks and unit-tests exactly what this returns.
 *
 * Flink series carry `namespace` and `flink_deployment` (the FlinkDeployment, relabelled from
 * the operator's `app` pod label by the PodMonitors); job-scope series add `job_name`.
 */
import { PlatformModel } from "../../config/model";
import { OPERATOR_NAMESPACE } from "../flink/operator";

export type Severity = "critical" | "warning";

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity };
  annotations: { summary: string; description: string; runbook: string; runbook_url?: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

export interface AlertRulesInput {
  thresholds: PlatformModel["monitoring"]["alerts"];
  /** The Flink namespaces, for the quota alert. */
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

  return [
    { name: "flink-platform.jobs", rules: jobs },
    { name: "flink-platform.capacity", rules: capacity },
    { name: "flink-platform.platform", rules: platform },
  ];
}
