/**
 * aws-for-fluent-bit 0.2.0 (aws/eks-charts stable/aws-for-fluent-bit at 2942cdc): its values.yaml
 * defaults, the DaemonSet pod templates/daemonset.yaml renders, and the parts of
 * templates/configmap.yaml the platform's values reach (service, tail input, the chart's
 * kubernetes filter, additionalFilters, the cloudwatch_logs output, additionalOutputs,
 * parser_extra.conf).
 */
import { mergeValues, RenderedPod, Values } from "./helm";

export const FLUENT_BIT_DEFAULTS: Values = {
  image: { repository: "public.ecr.aws/aws-observability/aws-for-fluent-bit", tag: "3.2.1" },
  podSecurityContext: {},
  containerSecurityContext: {},
  service: {
    extraService:
      "HTTP_Server  On\nHTTP_Listen  0.0.0.0\nHTTP_PORT    2020\nHealth_Check On\nHC_Errors_Count 5\nHC_Retry_Failure_Count 5\nHC_Period 5",
    parsersFiles: ["/fluent-bit/parsers/parsers.conf"],
  },
  input: {
    enabled: true,
    tag: "kube.*",
    path: "/var/log/containers/*.log",
    db: "/var/log/flb_kube.db",
    multilineParser: "docker, cri",
    memBufLimit: "5MB",
    skipLongLines: "On",
    refreshInterval: 10,
  },
  filter: { enabled: true, match: "kube.*", kubeURL: "https://kubernetes.default.svc.cluster.local:443" },
  cloudWatchLogs: {
    enabled: true,
    match: "*",
    region: "us-east-1",
    logGroupName: "/aws/eks/fluentbit-cloudwatch/logs",
    logStreamPrefix: "fluentbit-",
    autoCreateGroup: true,
  },
  serviceAccount: { create: true, annotations: {} },
  resources: { limits: { memory: "250Mi" }, requests: { cpu: "50m", memory: "50Mi" } },
  tolerations: [],
  hostNetwork: false,
  volumes: [
    { name: "varlog", hostPath: { path: "/var/log" } },
    { name: "varlibdockercontainers", hostPath: { path: "/var/lib/docker/containers" } },
  ],
  volumeMounts: [
    { name: "varlog", mountPath: "/var/log" },
    { name: "varlibdockercontainers", mountPath: "/var/lib/docker/containers", readOnly: true },
  ],
};

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => " ".repeat(n) + l)
    .join("\n");

export interface FluentBitChart {
  pod: RenderedPod;
  /** The mounted /fluent-bit/etc/ files. */
  files: Record<string, string>;
  serviceAccount: { name: string; annotations: Record<string, string> };
}

export function renderFluentBitChart(overrides: Values, namespace: string): FluentBitChart {
  const v = mergeValues(FLUENT_BIT_DEFAULTS, overrides) as any;
  const name = v.fullnameOverride ?? "fluent-bit-aws-for-fluent-bit";
  const conf: string[] = ["[SERVICE]", indent(v.service.extraService, 4)];
  for (const f of v.service.parsersFiles) conf.push(`    Parsers_File ${f}`);
  if (v.service.extraParsers) conf.push("    Parsers_File /fluent-bit/etc/parser_extra.conf");
  if (v.input.enabled) {
    conf.push(
      "[INPUT]",
      "    Name              tail",
      `    Tag               ${v.input.tag}`,
      `    Path              ${v.input.path}`,
      `    DB                ${v.input.db}`,
      `    multiline.parser  ${v.input.multilineParser}`,
      `    Mem_Buf_Limit     ${v.input.memBufLimit}`,
      `    Skip_Long_Lines   ${v.input.skipLongLines}`,
      `    Refresh_Interval  ${v.input.refreshInterval}`,
    );
  }
  if (v.filter.enabled) conf.push("[FILTER]", "    Name kubernetes", `    Match ${v.filter.match}`);
  if (v.additionalFilters) conf.push(indent(v.additionalFilters, 4));
  const cw = v.cloudWatchLogs;
  if (cw.enabled) {
    conf.push(
      "[OUTPUT]",
      "    Name                  cloudwatch_logs",
      `    Match                 ${cw.match}`,
      `    region                ${cw.region}`,
      `    log_group_name        ${cw.logGroupName}`,
      ...(cw.logGroupTemplate ? [`    log_group_template    ${cw.logGroupTemplate}`] : []),
      ...(cw.logStreamPrefix ? [`    log_stream_prefix     ${cw.logStreamPrefix}`] : []),
      ...(cw.logStreamTemplate ? [`    log_stream_template   ${cw.logStreamTemplate}`] : []),
      // templates/configmap.yaml: `{{- if .Values.cloudWatchLogs.autoCreateGroup }}`.
      ...(cw.autoCreateGroup ? [`    auto_create_group     ${cw.autoCreateGroup}`] : []),
    );
  }
  if (v.additionalOutputs) conf.push(indent(v.additionalOutputs, 4));
  const files: Record<string, string> = { "fluent-bit.conf": conf.join("\n") };
  if (v.service.extraParsers) files["parser_extra.conf"] = v.service.extraParsers;
  return {
    files,
    serviceAccount: { name: v.serviceAccount.name ?? name, annotations: v.serviceAccount.annotations },
    pod: {
      owner: "DaemonSet/fluent-bit",
      namespace,
      replicas: 1,
      spec: {
        securityContext: Object.keys(v.podSecurityContext).length ? v.podSecurityContext : undefined,
        ...(v.hostNetwork ? { hostNetwork: true } : {}),
        tolerations: v.tolerations,
        containers: [
          {
            name: "aws-for-fluent-bit",
            image: `${v.image.repository}:${v.image.tag}`,
            securityContext: v.containerSecurityContext,
            resources: v.resources,
            volumeMounts: [{ name: "fluentbit-config", mountPath: "/fluent-bit/etc/" }, ...v.volumeMounts],
          },
        ],
        volumes: [{ name: "fluentbit-config", configMap: {} }, ...v.volumes],
      },
    },
  };
}
