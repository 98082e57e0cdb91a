/**
 * The Flink Kubernetes Operator chart 1.15.0 (apache/flink-kubernetes-operator, tag
 * release-1.15.0, helm/flink-kubernetes-operator): the defaults the platform relies on or
 * overrides (values.yaml), and what the templates make of merged values. Only the parts the
 * tests evaluate are modelled; each cites its template.
 */
import { mergeValues, RenderedPod, Values } from "./helm";

/** values.yaml at release-1.15.0 (the keys the templates below read). */
export const OPERATOR_CHART_DEFAULTS: Values = {
  watchNamespaces: [],
  image: {
    repository: "ghcr.io/apache/flink-kubernetes-operator",
    pullPolicy: "IfNotPresent",
    tag: "latest",
    digest: "",
  },
  replicas: 1,
  strategy: { type: "Recreate" },
  rbac: {
    create: true,
    operatorRole: { create: true, name: "flink-operator" },
    operatorRoleBinding: { create: true, name: "flink-operator-role-binding" },
    jobRole: { create: true, name: "flink" },
    jobRoleBinding: { create: true, name: "flink-role-binding" },
  },
  operatorPod: {
    nodeSelector: {},
    tolerations: [],
    resources: {},
    webhook: { resources: {} },
    initContainers: [],
    sidecarContainers: [],
  },
  operatorServiceAccount: { create: true, annotations: {}, name: "flink-operator" },
  jobServiceAccount: { create: true, annotations: { "helm.sh/resource-policy": "keep" }, name: "flink" },
  operatorVolumeMounts: {
    create: false,
    data: [{ name: "flink-artifacts", mountPath: "/opt/flink/artifacts" }],
  },
  operatorVolumes: {
    create: false,
    data: [
      { name: "flink-artifacts", hostPath: { path: "/tmp/flink/artifacts", type: "DirectoryOrCreate" } },
    ],
  },
  podSecurityContext: { runAsUser: 9999, runAsGroup: 9999 },
  operatorSecurityContext: {},
  webhookSecurityContext: {},
  webhook: { create: true },
  defaultConfiguration: {
    create: true,
    append: true,
    "flink-conf.yaml": [
      "kubernetes.operator.metrics.reporter.slf4j.factory.class: org.apache.flink.metrics.slf4j.Slf4jReporterFactory",
      "kubernetes.operator.metrics.reporter.slf4j.interval: 5 MINUTE",
      "kubernetes.operator.reconcile.interval: 15 s",
      "kubernetes.operator.observer.progress-check.interval: 5 s",
    ].join("\n"),
  },
  metrics: { port: null },
  operatorHealth: { port: 8085 },
};

/** The active lines of the chart's built-in conf/flink-conf.yaml (prepended when `append`). */
const BUILTIN_CONF = ["taskmanager.numberOfTaskSlots: 1", "parallelism.default: 1"].join("\n");

export interface OperatorChartRender {
  /** The merged values the templates read. */
  values: any;
  /** The operator Deployment's pod (templates/controller/deployment.yaml). */
  pod: RenderedPod;
  /** The file mounted at /opt/flink/conf, as key → value (templates/controller/configmap.yaml). */
  mountedConfig: Record<string, string>;
  mountedFile: "flink-conf.yaml" | "config.yaml";
  /** `<kind>/<namespace>/<name>` of the namespaced RBAC objects the chart creates (templates/rbac, templates/flink). */
  rbacObjects: string[];
}

function parseFlat(text: string): Record<string, string> {
  const conf: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([^#:\s][^:]*):\s*(.*)$/.exec(line);
    if (m) conf[m[1].trim()] = m[2].trim();
  }
  return conf;
}

export function renderOperatorChart(overrides: Values, releaseNamespace: string): OperatorChartRender {
  const v = mergeValues(OPERATOR_CHART_DEFAULTS, overrides) as any;
  const watched: string[] = v.watchNamespaces ?? [];
  // deployment.yaml: mounts flink-conf.yaml if `hasKey .Values.defaultConfiguration "flink-conf.yaml"`, else config.yaml.
  const mountedFile = "flink-conf.yaml" in v.defaultConfiguration ? "flink-conf.yaml" : "config.yaml";
  // configmap.yaml: built-in file (append), the override under the same key, watched namespaces, health probe.
  const text = [
    v.defaultConfiguration.append ? BUILTIN_CONF : "",
    v.defaultConfiguration[mountedFile] ?? "",
    watched.length ? `kubernetes.operator.watched.namespaces: ${watched.join(",")}` : "",
    v.operatorHealth
      ? `kubernetes.operator.health.probe.enabled: true\nkubernetes.operator.health.probe.port: ${v.operatorHealth.port}`
      : "",
  ].join("\n");
  // _helpers.tpl flink-operator.imagePath: digest wins, else repository:tag (tag defaults to appVersion).
  const image = v.image.digest
    ? `${v.image.repository}@${v.image.digest}`
    : `${v.image.repository}:${v.image.tag}`;
  const operatorMounts = [
    { name: "flink-operator-config-volume", mountPath: "/opt/flink/conf" },
    ...(v.operatorVolumeMounts.create
      ? v.operatorVolumeMounts.data
      : [{ name: "flink-artifacts-volume", mountPath: "/opt/flink/artifacts" }]),
  ];
  const containers = [
    {
      name: "flink-kubernetes-operator",
      image,
      ports: [
        ...(v.metrics.port ? [{ containerPort: v.metrics.port, name: "metrics", protocol: "TCP" }] : []),
        { containerPort: v.operatorHealth.port, name: "health-port", protocol: "TCP" },
      ],
      resources: v.operatorPod.resources,
      securityContext: v.operatorSecurityContext,
      volumeMounts: operatorMounts,
    },
    ...(v.webhook.create
      ? [
          {
            name: "flink-webhook",
            image,
            resources: v.operatorPod.webhook.resources,
            securityContext: v.webhookSecurityContext,
            volumeMounts: [
              { name: "keystore", mountPath: "/certs", readOnly: true },
              { name: "flink-operator-config-volume", mountPath: "/opt/flink/conf" },
            ],
          },
        ]
      : []),
    ...(v.operatorPod.sidecarContainers ?? []),
  ];
  const volumes = [
    { name: "flink-operator-config-volume", configMap: { name: "flink-operator-config" } },
    ...(v.operatorVolumes.create
      ? v.operatorVolumes.data
      : [{ name: "flink-artifacts-volume", emptyDir: {} }]),
    ...(v.webhook.create ? [{ name: "keystore", secret: { secretName: "webhook-server-cert" } }] : []),
  ];
  const pod: RenderedPod = {
    owner: "Deployment/flink-kubernetes-operator",
    namespace: releaseNamespace,
    replicas: v.replicas,
    spec: {
      securityContext: v.podSecurityContext,
      ...(Object.keys(v.operatorPod.nodeSelector ?? {}).length
        ? { nodeSelector: v.operatorPod.nodeSelector }
        : {}),
      ...(v.operatorPod.tolerations?.length ? { tolerations: v.operatorPod.tolerations } : {}),
      serviceAccountName: v.operatorServiceAccount.name,
      initContainers: v.operatorPod.initContainers ?? [],
      containers,
      volumes,
    },
  };
  const rbac = v.rbac;
  const rbacObjects = watched.flatMap((ns) => [
    ...(rbac.create && rbac.operatorRole.create ? [`Role/${ns}/${rbac.operatorRole.name}`] : []),
    ...(rbac.create && rbac.operatorRoleBinding.create
      ? [`RoleBinding/${ns}/${rbac.operatorRoleBinding.name}`]
      : []),
    ...(rbac.create && rbac.jobRole.create ? [`Role/${ns}/${rbac.jobRole.name}`] : []),
    ...(rbac.create && rbac.jobRoleBinding.create ? [`RoleBinding/${ns}/${rbac.jobRoleBinding.name}`] : []),
    ...(v.jobServiceAccount.create ? [`ServiceAccount/${ns}/${v.jobServiceAccount.name}`] : []),
  ]);
  return { values: v, pod, mountedConfig: parseFlat(text), mountedFile, rbacObjects };
}
