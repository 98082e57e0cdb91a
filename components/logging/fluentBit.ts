/**
 * Fluent Bit on every node as the aws-for-fluent-bit chart runs it (0.2.0, pinned in versions.ts),
 * and its configuration, pure: tests read the values and the configuration text they produce.
 *
 * The pipeline: tail the containers of the shipped namespaces (the chart's CRI/docker multiline
 * parsers join the runtime's partial lines), join Flink's multi-line records (a Java stack
 * trace stays with the line that logged it), add Kubernetes metadata, split Flink's log4j
 * console lines into level, logger and message, and ship to CloudWatch Logs (a log group per
 * namespace), Loki or OpenSearch.
 */
import { LoggingModel, PlatformModel } from "../../config/model";
import { containerResources } from "../kube/podSecurity";
import { MAIN_CONTAINER } from "../flink/podTemplate";
import { CERT_MANAGER_NAMESPACE, OPERATOR_NAMESPACE } from "../flink/operator";
import { LB_CONTROLLER_NAMESPACE } from "../ingress/loadBalancerController";
import { uiIngressClusters } from "../ingress/uiIngress";
import { installsMetricsServer, METRICS_SERVER_NAMESPACE } from "../scaling/metricsServer";
import { KARPENTER_NAMESPACE } from "../karpenter/nodePool";
import { ZOOKEEPER_NAMESPACE } from "../ha/quorum";
import { OBJECT_STORE_NAMESPACE } from "../storage/objectStore";
import { NODE_EXPORTER_NAMESPACE } from "../monitoring/stackValues";

const MONITORING = "monitoring";

export const LOGGING_NAMESPACE = "logging";
/** The chart's ServiceAccount name (values serviceAccount.name), which the IRSA role trusts. */
export const FLUENT_BIT_SERVICE_ACCOUNT = "fluent-bit";
/** aws-for-fluent-bit 0.2.0 templates/_helpers.tpl selectorLabels: the chart's name. */
export const FLUENT_BIT_PODS = { "app.kubernetes.io/name": "aws-for-fluent-bit" };
export const LOGGING_POD_SECURITY_REASON =
  "Fluent Bit tails container logs on the node: hostPath /var/log (and the chart's /var/lib/docker/containers, read-only), read as root, which owns the files (aws-for-fluent-bit 0.2.0 values.yaml volumes); no host network or PID, no capabilities, no privilege escalation";

/** Every namespace the stack runs pods in: the teams' and the platform's. Their logs are shipped. */
export function shippedNamespaces(model: PlatformModel): string[] {
  return [
    ...model.namespaces.map((ns) => ns.name),
    OPERATOR_NAMESPACE,
    LOGGING_NAMESPACE,
    ...(model.monitoring.enabled ? [MONITORING, NODE_EXPORTER_NAMESPACE] : []),
    ...(model.operator.webhook ? [CERT_MANAGER_NAMESPACE] : []),
    ...(model.namespaces.some((ns) => ns.haMode === "zookeeper") ? [ZOOKEEPER_NAMESPACE] : []),
    ...(model.cluster.provider !== "eks" ? [OBJECT_STORE_NAMESPACE] : []),
    ...(model.cluster.provider === "eks" && uiIngressClusters(model).length ? [LB_CONTROLLER_NAMESPACE] : []),
    ...(installsMetricsServer(model) ? [METRICS_SERVER_NAMESPACE] : []),
    ...(model.cluster.provider === "eks" && model.cluster.karpenter ? [KARPENTER_NAMESPACE] : []),
  ].sort();
}

/** The CloudWatch log group of a namespace's containers. */
export function logGroupName(environment: string, namespace: string): string {
  return `/flink-platform/${environment}/${namespace}`;
}

/**
 * Flink's console layout, the operator's default for every FlinkDeployment
 * (flink-kubernetes-operator release-1.15.0 helm/flink-kubernetes-operator/conf/log4j-console.properties):
 * `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n`, where `%x` (the NDC) prints `[]` when empty
 * and a logged exception follows on the next lines.
 */
const FLINK_TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}`;
export const FLINK_LOG_REGEX = String.raw`^(?<time>${FLINK_TIMESTAMP}) +(?<level>[A-Z]+) +(?<logger>\S+) +(?:\[[^\]]*\] +)?- (?<message>[\s\S]*)$`;
/** A record starts at a timestamp; every other line (stack frames, `Caused by:`) continues it. */
export const FLINK_MULTILINE_RULES: [state: string, regex: string, next: string][] = [
  ["start_state", `^${FLINK_TIMESTAMP} `, "cont"],
  ["cont", `^(?!${FLINK_TIMESTAMP} )`, "cont"],
];

/** Records of Flink's main container: `kube.var.log.containers.<pod>_<namespace>_<container>-<id>.log`. */
const FLINK_TAG = `kube.*_${MAIN_CONTAINER}-*`;

/** parser_extra.conf: Fluent Bit reads both parser kinds from a parsers file. */
export function fluentBitParsers(): string {
  return [
    "[MULTILINE_PARSER]",
    "    name          flink_log4j_multiline",
    "    type          regex",
    "    flush_timeout 2000",
    ...FLINK_MULTILINE_RULES.map(
      ([state, regex, next]) => `    rule          "${state}" "/${regex}/" "${next}"`,
    ),
    "",
    "[PARSER]",
    "    Name   flink_log4j",
    "    Format regex",
    `    Regex  ${FLINK_LOG_REGEX}`,
    "    Time_Key    time",
    "    Time_Format %Y-%m-%d %H:%M:%S,%L",
    "    Time_Keep   On",
  ].join("\n");
}

/**
 * The filter chain, in order. The multiline filter comes first: it re-emits joined records to the
 * head of the pipeline, so any filter before it would run twice (Fluent Bit manual, filters,
 * multiline). Kubernetes metadata from the API server; then Flink's lines are split.
 */
export function fluentBitFilters(): string {
  return [
    "[FILTER]",
    "    Name                  multiline",
    `    Match                 ${FLINK_TAG}`,
    "    multiline.key_content log",
    "    multiline.parser      flink_log4j_multiline",
    "",
    "[FILTER]",
    "    Name                kubernetes",
    "    Match               kube.*",
    "    Kube_URL            https://kubernetes.default.svc:443",
    "    Kube_Tag_Prefix     kube.var.log.containers.",
    "    Merge_Log           Off",
    "    Labels              On",
    "    Annotations         Off",
    "    K8S-Logging.Exclude On",
    "    Buffer_Size         0",
    "",
    "[FILTER]",
    "    Name         parser",
    `    Match        ${FLINK_TAG}`,
    "    Key_Name     log",
    "    Parser       flink_log4j",
    "    Reserve_Data On",
    "    Preserve_Key On",
  ].join("\n");
}

/** Loki or OpenSearch, as an extra [OUTPUT] section. */
export function endpointOutput(logging: LoggingModel): string {
  const e = logging.endpoint;
  if (!e || (logging.destination !== "loki" && logging.destination !== "opensearch")) return "";
  const common = [
    "[OUTPUT]",
    `    Name   ${logging.destination}`,
    "    Match  kube.*",
    `    Host   ${e.host}`,
    `    Port   ${e.port}`,
    `    tls    ${e.tls ? "On" : "Off"}`,
  ];
  if (logging.destination === "loki") {
    return [
      ...common,
      "    labels      job=flink-platform, namespace=$kubernetes['namespace_name'], app=$kubernetes['labels']['app'], container=$kubernetes['container_name']",
      "    line_format json",
    ].join("\n");
  }
  return [
    ...common,
    `    Index  ${e.index}`,
    "    Suppress_Type_Name On",
    "    Replace_Dots On",
    "    Trace_Error On",
  ].join("\n");
}

export interface FluentBitValuesInput {
  logging: LoggingModel;
  environment: string;
  /** Namespaces whose containers are shipped (each has its log group on CloudWatch). */
  namespaces: string[];
  /** CloudWatch Logs: the region and the IRSA role that may write the log groups. */
  cloudWatch?: { region: string; roleArn: string };
}

/** Values for aws-for-fluent-bit 0.2.0 (paths from its values.yaml at eks-charts 2942cdc). */
export function fluentBitValues(input: FluentBitValuesInput) {
  const { logging, cloudWatch } = input;
  const namespaces = [...input.namespaces].sort();
  return {
    fullnameOverride: "fluent-bit",
    serviceAccount: {
      create: true,
      name: FLUENT_BIT_SERVICE_ACCOUNT,
      annotations: cloudWatch ? { "eks.amazonaws.com/role-arn": cloudWatch.roleArn } : {},
    },
    resources: containerResources(logging.cpu, logging.memory),
    // Root reads the root-owned log files without any capability; nothing else is granted.
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    // On every node: the Flink pool's taint is NoSchedule.
    tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
    service: { extraParsers: fluentBitParsers() },
    input: {
      // Only the platform's namespaces: each has a log group, and nothing else is shipped.
      path: namespaces.map((ns) => `/var/log/containers/*_${ns}_*.log`).join(","),
    },
    // The chart's kubernetes filter would run before the multiline filter; ours run in order.
    filter: { enabled: false },
    additionalFilters: fluentBitFilters(),
    cloudWatchLogs: cloudWatch
      ? {
          enabled: true,
          region: cloudWatch.region,
          // Records whose namespace is unknown (metadata lookup failed) land in the logging group.
          logGroupName: logGroupName(input.environment, LOGGING_NAMESPACE),
          logGroupTemplate: `${logGroupName(input.environment, "$kubernetes['namespace_name']")}`,
          logStreamTemplate: "$kubernetes['pod_name'].$kubernetes['container_name']",
          logStreamPrefix: "node-",
          // Pulumi creates every group with its KMS key and retention; the agent may not.
          autoCreateGroup: false,
        }
      : { enabled: false },
    ...(endpointOutput(logging) ? { additionalOutputs: endpointOutput(logging) } : {}),
  };
}
