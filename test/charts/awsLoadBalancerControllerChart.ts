/**
 * aws-load-balancer-controller chart 3.5.0 (aws/eks-charts stable/aws-load-balancer-controller at
 * 5239609): the controller Deployment's pod as templates/deployment.yaml renders it from
 * values.yaml: `podSecurityContext` (fsGroup 65534, values line 48), the container's
 * `securityContext` (readOnlyRootFilesystem, runAsNonRoot, allowPrivilegeEscalation false; the
 * capabilities drop is commented out, lines 51–57), `replicaCount` 2, empty `resources`,
 * `hostNetwork` only when set; the webhook port 9443 and metrics 8080 (lines 247–251).
 */
import { mergeValues, RenderedPod, Values } from "./helm";

export const LB_CONTROLLER_CHART_DEFAULTS: Values = {
  replicaCount: 2,
  podSecurityContext: { fsGroup: 65534 },
  securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false },
  resources: {},
  nodeSelector: {},
  hostNetwork: false,
};

export function renderLoadBalancerControllerChart(overrides: Values, namespace: string): RenderedPod[] {
  const v = mergeValues(LB_CONTROLLER_CHART_DEFAULTS, overrides) as any;
  return [
    {
      owner: "Deployment/aws-load-balancer-controller",
      namespace,
      replicas: v.replicaCount,
      spec: {
        securityContext: v.podSecurityContext,
        nodeSelector: v.nodeSelector,
        ...(v.hostNetwork ? { hostNetwork: true } : {}),
        containers: [
          {
            name: "aws-load-balancer-controller",
            securityContext: v.securityContext,
            resources: v.resources,
            ports: [
              { name: "webhook-server", containerPort: 9443 },
              { name: "metrics-server", containerPort: 8080 },
            ],
          },
        ],
        // The webhook's serving certificate (templates/deployment.yaml volumes: cert).
        volumes: [{ name: "cert", secret: { secretName: "aws-load-balancer-tls" } }],
      },
    },
  ];
}
