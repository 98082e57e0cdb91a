/**
 * cert-manager chart v1.19.1 (cert-manager/cert-manager, deploy/charts/cert-manager): the pod
 * and container security contexts its four workloads get by default (values.yaml
 * `securityContext`/`containerSecurityContext` of the controller, webhook, cainjector and
 * startupapicheck; the images run as USER 1000), merged with the release's values.
 */
import { mergeValues, RenderedPod, Values } from "./helm";

const pod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
const container = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
};
const component = {
  securityContext: pod,
  containerSecurityContext: container,
  resources: {},
  nodeSelector: { "kubernetes.io/os": "linux" },
};

export const CERT_MANAGER_CHART_DEFAULTS: Values = {
  ...component,
  crds: { enabled: false },
  webhook: component,
  cainjector: { enabled: true, ...component },
  startupapicheck: { enabled: true, ...component },
};

export function renderCertManagerChart(overrides: Values, namespace: string): RenderedPod[] {
  const v = mergeValues(CERT_MANAGER_CHART_DEFAULTS, overrides) as any;
  const workload = (owner: string, c: any, replicas = 1): RenderedPod => ({
    owner,
    namespace,
    replicas,
    spec: {
      securityContext: c.securityContext,
      nodeSelector: c.nodeSelector,
      containers: [
        { name: owner.split("/")[1], securityContext: c.containerSecurityContext, resources: c.resources },
      ],
      volumes: [],
    },
  });
  return [
    workload("Deployment/cert-manager", v),
    workload("Deployment/cert-manager-webhook", v.webhook),
    ...(v.cainjector.enabled ? [workload("Deployment/cert-manager-cainjector", v.cainjector)] : []),
    ...(v.startupapicheck.enabled ? [workload("Job/cert-manager-startupapicheck", v.startupapicheck)] : []),
  ];
}
