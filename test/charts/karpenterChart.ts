/**
 * karpenter chart 1.14.1 (aws/karpenter-provider-aws charts/karpenter at v1.14.1): the controller's
 * pod as templates/deployment.yaml renders it: `podSecurityContext` fsGroup 65532 with the
 * RuntimeDefault seccomp profile (values.yaml lines 64–67), a container security context the
 * template hard-codes (non-root uid 65532, read-only root, no privilege, all capabilities dropped:
 * deployment.yaml lines 65–74), `replicas` 2 (line 49), metrics 8080 and health 8081. The
 * karpenter-crd chart has CRDs only.
 */
import { mergeValues, RenderedPod, Values } from "./helm";

export const KARPENTER_CHART_DEFAULTS: Values = {
  replicas: 2,
  podSecurityContext: { fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
  nodeSelector: { "kubernetes.io/os": "linux" },
  hostNetwork: false,
  controller: { resources: {} },
};

export function renderKarpenterChart(overrides: Values, namespace: string): RenderedPod[] {
  const v = mergeValues(KARPENTER_CHART_DEFAULTS, overrides) as any;
  return [
    {
      owner: "Deployment/karpenter",
      namespace,
      replicas: v.replicas,
      spec: {
        securityContext: v.podSecurityContext,
        nodeSelector: v.nodeSelector,
        ...(v.hostNetwork ? { hostNetwork: true } : {}),
        containers: [
          {
            name: "controller",
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              capabilities: { drop: ["ALL"] },
            },
            resources: v.controller.resources,
            ports: [
              { name: "http-metrics", containerPort: 8080 },
              { name: "http", containerPort: 8081 },
            ],
          },
        ],
        volumes: [],
      },
    },
  ];
}
