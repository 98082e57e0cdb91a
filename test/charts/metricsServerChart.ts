/**
 * metrics-server chart 3.13.1 (kubernetes-sigs/metrics-server charts/metrics-server at
 * metrics-server-helm-chart-3.13.1): the Deployment's pod from values.yaml: an empty
 * `podSecurityContext` (line 53), the container `securityContext` (non-root uid 1000, read-only
 * root, no privilege escalation, RuntimeDefault seccomp, all capabilities dropped: lines 55–65),
 * `replicas` 1, requests 100m / 200Mi without limits (lines 173–176), port 10250.
 */
import { mergeValues, RenderedPod, Values } from "./helm";

export const METRICS_SERVER_CHART_DEFAULTS: Values = {
  replicas: 1,
  podSecurityContext: {},
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1000,
    seccompProfile: { type: "RuntimeDefault" },
    capabilities: { drop: ["ALL"] },
  },
  resources: { requests: { cpu: "100m", memory: "200Mi" } },
  nodeSelector: {},
  hostNetwork: { enabled: false },
};

export function renderMetricsServerChart(overrides: Values, namespace: string): RenderedPod[] {
  const v = mergeValues(METRICS_SERVER_CHART_DEFAULTS, overrides) as any;
  return [
    {
      owner: "Deployment/metrics-server",
      namespace,
      replicas: v.replicas,
      spec: {
        securityContext: v.podSecurityContext,
        nodeSelector: v.nodeSelector,
        ...(v.hostNetwork.enabled ? { hostNetwork: true } : {}),
        containers: [
          {
            name: "metrics-server",
            securityContext: v.securityContext,
            resources: v.resources,
            ports: [{ name: "https", containerPort: 10250 }],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: {} }],
      },
    },
  ];
}
