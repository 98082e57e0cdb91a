/**
 * Every pod a rendered stack would run: from its manifests (workloads and FlinkDeployment pod
 * templates) and from its Helm releases (through the chart models). Tests evaluate these with
 * the consumers' rules (Pod Security admission, the scheduler) rather than reading fields.
 */
import { RecordedResource } from "../../tools/offline/mockRuntime";
import { RenderedPod } from "./helm";
import { renderOperatorChart } from "./flinkOperatorChart";
import { renderCertManagerChart } from "./certManagerChart";
import { renderKubePrometheusStack } from "./kubePrometheusStackChart";
import { renderLoadBalancerControllerChart } from "./awsLoadBalancerControllerChart";
import { renderMetricsServerChart } from "./metricsServerChart";
import { renderKarpenterChart } from "./karpenterChart";
import { renderFluentBitChart } from "./fluentBitChart";

const HELM = "kubernetes:helm.sh/v3:Release";

function manifestPods(r: RecordedResource): RenderedPod[] {
  const m = r.inputs as any;
  const ns = m.metadata?.namespace;
  const of = (spec: any, replicas = 1, role = "") => ({
    owner: `${m.kind}/${m.metadata.name}${role}`,
    namespace: ns,
    replicas,
    spec,
  });
  switch (m.kind) {
    case "Deployment":
    case "StatefulSet":
      return [of(m.spec.template.spec, m.spec.replicas ?? 1)];
    case "Job":
    case "DaemonSet":
      return [of(m.spec.template.spec)];
    case "FlinkDeployment": {
      // The operator builds JobManager and TaskManager pods from the pod template (and the
      // per-component templates merged over it), adding only its main container's image,
      // resources, ports and env: the template decides every security field.
      const base = m.spec.podTemplate?.spec ?? {};
      return [
        of(
          { ...base, ...(m.spec.jobManager?.podTemplate?.spec ?? {}) },
          m.spec.jobManager?.replicas ?? 1,
          ":jobmanager",
        ),
        of(
          { ...base, ...(m.spec.taskManager?.podTemplate?.spec ?? {}) },
          m.spec.taskManager?.replicas ?? 1,
          ":taskmanager",
        ),
      ];
    }
    default:
      return [];
  }
}

function releasePods(r: RecordedResource): RenderedPod[] {
  const i = r.inputs as any;
  switch (i.chart) {
    case "flink-kubernetes-operator":
      return [renderOperatorChart(i.values, i.namespace).pod];
    case "cert-manager":
      return renderCertManagerChart(i.values, i.namespace);
    case "kube-prometheus-stack":
      return renderKubePrometheusStack(i.values, i.namespace);
    case "aws-load-balancer-controller":
      return renderLoadBalancerControllerChart(i.values, i.namespace);
    case "metrics-server":
      return renderMetricsServerChart(i.values, i.namespace);
    case "oci://public.ecr.aws/karpenter/karpenter":
      return renderKarpenterChart(i.values, i.namespace);
    case "oci://public.ecr.aws/karpenter/karpenter-crd":
      return [];
    case "aws-for-fluent-bit":
      return [renderFluentBitChart(i.values, i.namespace).pod];
    default:
      throw new Error(`no chart model for ${i.chart}: add one under test/charts/`);
  }
}

export function stackPods(resources: RecordedResource[]): RenderedPod[] {
  return resources.flatMap((r) =>
    r.type === HELM ? releasePods(r) : r.type.startsWith("kubernetes:") ? manifestPods(r) : [],
  );
}

/** `pod-security.kubernetes.io/enforce` of every Namespace the stack creates. */
export function enforcedLevels(resources: RecordedResource[]): Map<string, string | undefined> {
  return new Map(
    resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "Namespace")
      .map((m) => [m.metadata.name, m.metadata.labels?.["pod-security.kubernetes.io/enforce"]]),
  );
}

/** `flink-platform/pod-security-reason` of every Namespace the stack creates. */
export function podSecurityReasons(resources: RecordedResource[]): Map<string, string | undefined> {
  return new Map(
    resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "Namespace")
      .map((m) => [m.metadata.name, m.metadata.annotations?.["flink-platform/pod-security-reason"]]),
  );
}
