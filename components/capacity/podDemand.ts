/**
 * Every pod the stack places on its node pools, with its requests, read from the same values
 * and model the components deploy (so the fit check can never disagree with what is applied),
 * and the DaemonSets every node carries. Pure.
 */
import { PlatformModel, ProcessSpec } from "../../config/model";
import { PathSegment } from "../../config/problems";
import { flinkPodRequests } from "../../config/capacity";
import { addRequests, Requests, podRequests } from "../kube/resources";
import { certManagerValues, operatorValues } from "../flink/operator";
import { kubePrometheusStackValues, NODE_EXPORTER_REQUESTS } from "../monitoring/stackValues";
import { containerResources } from "../kube/podSecurity";
import { operatorReadsS3 } from "../flink/artifacts";
import { LB_CONTROLLER_REPLICAS, LB_CONTROLLER_RESOURCES } from "../ingress/loadBalancerController";
import { uiIngressClusters } from "../ingress/uiIngress";
import {
  installsMetricsServer,
  METRICS_SERVER_RESOURCES,
  metricsServerReplicas,
} from "../scaling/metricsServer";
import { KARPENTER_RESOURCES } from "../karpenter/nodePool";

export type Pool = "system" | "flink";

export interface PodDemand extends Requests {
  /** What runs it, for messages: `Deployment/flink-kubernetes-operator`. */
  owner: string;
  pool: Pool;
  replicas: number;
  /** Pods sharing a key must land on distinct nodes (required anti-affinity). */
  distinctNodes?: string;
  /** Local disk requested (ephemeral-storage), bytes. */
  ephemeral?: number;
  /** The config key that sizes it, for problems. */
  path: PathSegment[];
}

const MiB = 1024 * 1024;

/**
 * DaemonSets of the EKS add-ons on every node, Flink nodes included (they tolerate every taint):
 * aws-node with its network policy agent 2 × 25m, kube-proxy 100m, ebs-csi-node 3 × 10m / 40Mi
 * (amazon-vpc-cni-k8s v1.20.4 config/master/aws-k8s-cni.yaml; EKS kube-proxy add-on;
 * aws-ebs-csi-driver chart 2.51 values.yaml node.resources).
 */
export const EKS_DAEMONSETS: Requests & { pods: number } = { cpu: 0.18, memory: 120 * MiB, pods: 3 };

/**
 * What every node carries: the EKS add-ons' DaemonSets, node-exporter with monitoring on, and
 * Fluent Bit when logs are shipped (both tolerate the Flink pool's NoSchedule taint; their
 * requests come from the same values the charts get).
 */
export function nodeDaemonSets(model: PlatformModel): { owner: string; requests: Requests }[] {
  return [
    { owner: "EKS add-ons (aws-node, kube-proxy, ebs-csi-node)", requests: EKS_DAEMONSETS },
    ...(model.monitoring.enabled
      ? [{ owner: "DaemonSet/node-exporter", requests: NODE_EXPORTER_REQUESTS }]
      : []),
    ...(model.logging.destination !== "none"
      ? [
          {
            owner: "DaemonSet/fluent-bit",
            requests: { cpu: model.logging.cpu, memory: model.logging.memory },
          },
        ]
      : []),
  ];
}

/** The per-node total of {@link nodeDaemonSets}, with how many pods they are. */
export function perNodeOverhead(model: PlatformModel): Requests & { pods: number } {
  const sets = nodeDaemonSets(model);
  const total = sets.map((d) => d.requests).reduce(addRequests, { cpu: 0, memory: 0 });
  return { ...total, pods: EKS_DAEMONSETS.pods + sets.length - 1 };
}

/**
 * EKS add-on Deployments on the system nodes (they tolerate no taint but CriticalAddonsOnly):
 * CoreDNS 2 × 100m / 70Mi (EKS coredns add-on manifest), the EBS CSI controller 2 × 6
 * containers × 10m / 40Mi (aws-ebs-csi-driver chart 2.51 controller.resources).
 */
const EKS_SYSTEM_DEPLOYMENTS = [
  { owner: "Deployment/coredns", replicas: 2, cpu: 0.1, memory: 70 * MiB },
  { owner: "Deployment/ebs-csi-controller", replicas: 2, cpu: 0.06, memory: 240 * MiB },
];

const spec = (containers: unknown[], initContainers: unknown[] = []) =>
  podRequests({ containers, initContainers } as never);

function platformPods(model: PlatformModel): PodDemand[] {
  const pods: PodDemand[] = [];
  const add = (
    owner: string,
    replicas: number,
    requests: Requests,
    path: PathSegment[],
    distinctNodes?: string,
  ) =>
    pods.push({
      owner,
      pool: "system",
      replicas,
      ...requests,
      path,
      ...(distinctNodes ? { distinctNodes } : {}),
    });

  const op = operatorValues({
    config: model.operator,
    watchNamespaces: [],
    systemPlacement: {},
    // The S3 plugin's init container, when the operator reads session-job jars from S3.
    artifacts:
      model.cluster.provider === "eks" && operatorReadsS3(model)
        ? { roleArn: "", region: model.cluster.region }
        : undefined,
  });
  add(
    "Deployment/flink-kubernetes-operator",
    model.operator.replicas,
    spec(
      [
        { resources: op.operatorPod.resources },
        ...(model.operator.webhook ? [{ resources: op.operatorPod.webhook.resources }] : []),
      ],
      "initContainers" in op.operatorPod ? op.operatorPod.initContainers : [],
    ),
    ["operator"],
  );
  if (model.operator.webhook) {
    const cm = certManagerValues({});
    add("Deployment/cert-manager", 1, spec([{ resources: cm.resources }]), ["operator", "webhook"]);
    add("Deployment/cert-manager-webhook", 1, spec([{ resources: cm.webhook.resources }]), [
      "operator",
      "webhook",
    ]);
    add("Deployment/cert-manager-cainjector", 1, spec([{ resources: cm.cainjector.resources }]), [
      "operator",
      "webhook",
    ]);
  }
  if (model.monitoring.enabled) {
    const v = kubePrometheusStackValues({ config: model.monitoring, placement: {} });
    const reloader = { resources: v.prometheusOperator.prometheusConfigReloader.resources };
    add("Deployment/prometheus-operator", 1, spec([{ resources: v.prometheusOperator.resources }]), [
      "monitoring",
    ]);
    add(
      "StatefulSet/prometheus",
      v.prometheus.prometheusSpec.replicas,
      spec([{ resources: v.prometheus.prometheusSpec.resources }, reloader], [reloader]),
      ["monitoring", "prometheus"],
    );
    add(
      "StatefulSet/alertmanager",
      v.alertmanager.alertmanagerSpec.replicas,
      spec([{ resources: v.alertmanager.alertmanagerSpec.resources }, reloader], [reloader]),
      ["monitoring"],
    );
    add(
      "Deployment/grafana",
      1,
      spec([
        { resources: v.grafana.resources },
        { resources: v.grafana.sidecar.resources },
        { resources: v.grafana.sidecar.resources },
      ]),
      ["monitoring"],
    );
    add("Deployment/kube-state-metrics", 1, spec([{ resources: v["kube-state-metrics"].resources }]), [
      "monitoring",
    ]);
  }
  if (model.namespaces.some((ns) => ns.haMode === "zookeeper")) {
    const zk = model.ha.zookeeper;
    const production = model.environment.tier === "production";
    add(
      "StatefulSet/zookeeper",
      zk.replicas,
      spec([{ resources: containerResources(zk.cpu, zk.memory) }]),
      ["ha", "zookeeper"],
      // Production spreads members with required anti-affinity (see zookeeperEnsemble.ts).
      production ? "zookeeper" : undefined,
    );
  }
  if (model.cluster.provider === "eks" && uiIngressClusters(model).length > 0) {
    add(
      "Deployment/aws-load-balancer-controller",
      LB_CONTROLLER_REPLICAS,
      spec([
        { resources: containerResources(LB_CONTROLLER_RESOURCES.cpu, LB_CONTROLLER_RESOURCES.memoryBytes) },
      ]),
      ["ui", "ingress"],
    );
  }
  if (model.cluster.provider === "eks" && model.cluster.karpenter) {
    // The chart's required hostname anti-affinity: two system nodes at least.
    add(
      "Deployment/karpenter",
      2,
      spec([{ resources: containerResources(KARPENTER_RESOURCES.cpu, KARPENTER_RESOURCES.memoryBytes) }]),
      ["cluster", "karpenter"],
      "karpenter",
    );
  }
  if (installsMetricsServer(model)) {
    add(
      "Deployment/metrics-server",
      metricsServerReplicas(model),
      spec([
        { resources: containerResources(METRICS_SERVER_RESOURCES.cpu, METRICS_SERVER_RESOURCES.memoryBytes) },
      ]),
      ["cluster"],
    );
  }
  if (model.cluster.provider === "eks") {
    for (const d of EKS_SYSTEM_DEPLOYMENTS) add(d.owner, d.replicas, d, ["cluster", "nodeGroups", "system"]);
  }
  return pods;
}

/** One Flink process's pods: the Flink container with its sidecars (and init containers). */
function flinkPod(owner: string, process: ProcessSpec, replicas: number, path: PathSegment[]): PodDemand {
  const r = flinkPodRequests(process);
  return {
    owner,
    pool: "flink",
    replicas,
    cpu: r.cpu,
    memory: r.memoryBytes,
    ephemeral: r.ephemeralBytes,
    path,
  };
}

function flinkPods(model: PlatformModel): PodDemand[] {
  return model.namespaces.flatMap((ns) =>
    ns.flinkClusters.flatMap((c): PodDemand[] => [
      flinkPod(`FlinkDeployment/${ns.name}/${c.name}:jobmanager`, c.jobManager, c.jobManager.replicas, [
        ...c.path,
        "jobManager",
      ]),
      flinkPod(`FlinkDeployment/${ns.name}/${c.name}:taskmanager`, c.taskManager, c.taskManagerCeiling, [
        ...c.path,
        "taskManager",
      ]),
    ]),
  );
}

export function stackPods(model: PlatformModel): PodDemand[] {
  return [...platformPods(model), ...flinkPods(model)];
}
