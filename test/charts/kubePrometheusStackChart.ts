/**
 * kube-prometheus-stack 79.5.0 (prometheus-community/helm-charts, tag kube-prometheus-stack-79.5.0)
 * with its subcharts grafana 10.1.4, kube-state-metrics 6.4.1 and prometheus-node-exporter 4.49.1,
 * and prometheus-operator v0.86.2 (its appVersion), which builds the Prometheus and Alertmanager
 * pods. Defaults are from each chart's values.yaml; the containers the operator adds get
 * `allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]`
 * (prometheus-operator v0.86.2 pkg/prometheus/server/statefulset.go, pkg/alertmanager/statefulset.go,
 * pkg/operator/config_reloader.go) and the pod security context from the custom resource spec.
 */
import { mergeValues, RenderedPod, Values } from "./helm";

const ro = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

export const KUBE_PROMETHEUS_STACK_DEFAULTS: Values = {
  prometheusOperator: {
    securityContext: {
      fsGroup: 65534,
      runAsGroup: 65534,
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: ro,
    resources: {},
    prometheusConfigReloader: { resources: {} },
    admissionWebhooks: {
      enabled: true,
      patch: {
        enabled: true,
        resources: {},
        securityContext: {
          runAsGroup: 2000,
          runAsNonRoot: true,
          runAsUser: 2000,
          seccompProfile: { type: "RuntimeDefault" },
        },
      },
      createSecretJob: { securityContext: ro },
      patchWebhookJob: { securityContext: ro },
      certManager: { enabled: false },
    },
  },
  prometheus: {
    prometheusSpec: {
      replicas: 1,
      resources: {},
      securityContext: {
        runAsGroup: 2000,
        runAsNonRoot: true,
        runAsUser: 1000,
        fsGroup: 2000,
        seccompProfile: { type: "RuntimeDefault" },
      },
    },
  },
  alertmanager: {
    alertmanagerSpec: {
      replicas: 1,
      resources: {},
      securityContext: {
        runAsGroup: 2000,
        runAsNonRoot: true,
        runAsUser: 1000,
        fsGroup: 2000,
        seccompProfile: { type: "RuntimeDefault" },
      },
    },
  },
  grafana: {
    enabled: true,
    securityContext: { runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    resources: {},
    persistence: { enabled: false },
    initChownData: {
      enabled: true,
      securityContext: {
        runAsNonRoot: false,
        runAsUser: 0,
        seccompProfile: { type: "RuntimeDefault" },
        capabilities: { add: ["CHOWN"], drop: ["ALL"] },
      },
    },
    sidecar: {
      resources: {},
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
      dashboards: { enabled: true },
      datasources: { enabled: true },
    },
  },
  "kube-state-metrics": {
    securityContext: {
      enabled: true,
      runAsGroup: 65534,
      runAsUser: 65534,
      fsGroup: 65534,
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: ro,
    resources: {},
  },
  nodeExporter: { enabled: true },
  "prometheus-node-exporter": {
    namespaceOverride: "",
    securityContext: { fsGroup: 65534, runAsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
    containerSecurityContext: { readOnlyRootFilesystem: true },
    hostNetwork: true,
    hostPID: true,
    hostRootFsMount: { enabled: true },
    resources: {},
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
  },
};

export function renderKubePrometheusStack(overrides: Values, namespace: string): RenderedPod[] {
  const v = mergeValues(KUBE_PROMETHEUS_STACK_DEFAULTS, overrides) as any;
  const po = v.prometheusOperator;
  const reloader = (name: string) => ({
    name,
    securityContext: ro,
    resources: po.prometheusConfigReloader.resources,
  });
  const pods: RenderedPod[] = [
    {
      owner: "Deployment/prometheus-operator",
      namespace,
      replicas: 1,
      spec: {
        securityContext: po.securityContext,
        nodeSelector: po.nodeSelector,
        containers: [
          {
            name: "kube-prometheus-stack",
            securityContext: po.containerSecurityContext,
            resources: po.resources,
          },
        ],
        volumes: [{ name: "tls-secret", secret: {} }],
      },
    },
  ];
  if (
    po.admissionWebhooks.enabled &&
    po.admissionWebhooks.patch.enabled &&
    !po.admissionWebhooks.certManager.enabled
  ) {
    for (const [job, sc] of [
      ["admission-create", po.admissionWebhooks.createSecretJob.securityContext],
      ["admission-patch", po.admissionWebhooks.patchWebhookJob.securityContext],
    ]) {
      pods.push({
        owner: `Job/${job}`,
        namespace,
        replicas: 1,
        spec: {
          securityContext: po.admissionWebhooks.patch.securityContext,
          nodeSelector: po.admissionWebhooks.patch.nodeSelector,
          containers: [
            { name: "create", securityContext: sc, resources: po.admissionWebhooks.patch.resources },
          ],
          volumes: [],
        },
      });
    }
  }
  const server = (kind: "prometheus" | "alertmanager", spec: any): RenderedPod => ({
    owner: `StatefulSet/${kind}`,
    namespace,
    replicas: spec.replicas,
    spec: {
      securityContext: spec.securityContext,
      nodeSelector: spec.nodeSelector,
      initContainers: [reloader("init-config-reloader")],
      containers: [
        { name: kind, securityContext: ro, resources: spec.resources },
        reloader("config-reloader"),
      ],
      volumes: [
        { name: "config", secret: {} },
        { name: "tls-assets", projected: {} },
        { name: "db", emptyDir: {} },
      ],
    },
  });
  pods.push(
    server("prometheus", v.prometheus.prometheusSpec),
    server("alertmanager", v.alertmanager.alertmanagerSpec),
  );
  const g = v.grafana;
  if (g.enabled) {
    const sidecars = [
      ...(g.sidecar.dashboards.enabled ? ["grafana-sc-dashboard"] : []),
      ...(g.sidecar.datasources.enabled ? ["grafana-sc-datasources"] : []),
    ].map((name) => ({ name, securityContext: g.sidecar.securityContext, resources: g.sidecar.resources }));
    pods.push({
      owner: "Deployment/grafana",
      namespace,
      replicas: 1,
      spec: {
        securityContext: g.securityContext,
        nodeSelector: g.nodeSelector,
        // grafana templates/_pod.tpl: init-chown-data only with persistence and initChownData both on.
        initContainers:
          g.persistence.enabled && g.initChownData.enabled
            ? [{ name: "init-chown-data", securityContext: g.initChownData.securityContext }]
            : [],
        containers: [
          ...sidecars,
          { name: "grafana", securityContext: g.containerSecurityContext, resources: g.resources },
        ],
        volumes: [
          { name: "config", configMap: {} },
          { name: "storage", ...(g.persistence.enabled ? { persistentVolumeClaim: {} } : { emptyDir: {} }) },
        ],
      },
    });
  }
  const ksm = v["kube-state-metrics"];
  const { enabled: ksmScEnabled, ...ksmPod } = ksm.securityContext;
  pods.push({
    owner: "Deployment/kube-state-metrics",
    namespace,
    replicas: 1,
    spec: {
      securityContext: ksmScEnabled ? ksmPod : undefined,
      nodeSelector: ksm.nodeSelector,
      containers: [
        {
          name: "kube-state-metrics",
          securityContext: ksm.containerSecurityContext,
          resources: ksm.resources,
        },
      ],
      volumes: [],
    },
  });
  if (v.nodeExporter.enabled) {
    const ne = v["prometheus-node-exporter"];
    pods.push({
      owner: "DaemonSet/node-exporter",
      namespace: ne.namespaceOverride || namespace,
      replicas: 1,
      spec: {
        hostNetwork: ne.hostNetwork,
        hostPID: ne.hostPID,
        securityContext: ne.securityContext,
        nodeSelector: ne.nodeSelector,
        tolerations: ne.tolerations,
        containers: [
          { name: "node-exporter", securityContext: ne.containerSecurityContext, resources: ne.resources },
        ],
        // templates/daemonset.yaml: /proc and /sys are always host paths, / with hostRootFsMount.
        volumes: [
          { name: "proc", hostPath: { path: "/proc" } },
          { name: "sys", hostPath: { path: "/sys" } },
          ...(ne.hostRootFsMount.enabled ? [{ name: "root", hostPath: { path: "/" } }] : []),
        ],
      },
    });
  }
  return pods;
}
