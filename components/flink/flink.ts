import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterNetwork } from "../kube/networkPolicy";
import { ZOOKEEPER_NAMESPACE } from "../ha/quorum";
import { PlatformModel } from "../../config/model";
import { HaSettings, S3Access } from "./flinkConfig";
import { FlinkOperator, OperatorArtifactAccess } from "./operator";
import { Placement } from "../kube/placement";
import { FlinkWorkloads, NamespaceStorage } from "./workloads";

export interface FlinkArgs {
  model: PlatformModel;
  storage: Record<string, NamespaceStorage>;
  s3: S3Access;
  ha: Record<string, HaSettings>;
  flinkPlacement: Placement;
  systemPlacement: Placement;
  namespaceResources: Record<string, pulumi.Resource>;
  /** S3 access for the operator to fetch session-job jars (EKS with artifact locations). */
  operatorArtifacts?: OperatorArtifactAccess;
  /** Addresses the NetworkPolicies name by CIDR. */
  network: ClusterNetwork;
  /** Prometheus's namespace, admitted to the operator's metrics; undefined when monitoring is off. */
  monitoringNamespace?: string;
  /** What exposed clusters wait for (the AWS Load Balancer Controller on EKS). */
  ingressDependsOn?: pulumi.Resource[];
  /** What reactive jobs' HPAs wait for (metrics-server, when the platform installs it). */
  metricsServer?: pulumi.Resource[];
  /** What Flink pods need to be scheduled (Karpenter's NodePool). */
  nodesReady?: pulumi.Resource[];
  provider: k8s.Provider;
}

/** The operator and every team namespace's Flink workloads. */
export class Flink extends pulumi.ComponentResource {
  readonly workloads: Record<string, FlinkWorkloads> = {};
  readonly operatorNamespace: pulumi.Resource;

  constructor(name: string, args: FlinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:Flink", name, {}, opts);
    const { model } = args;
    const operator = new FlinkOperator(
      `${name}-operator`,
      {
        config: model.operator,
        watchNamespaces: model.namespaces.map((ns) => ns.name),
        systemPlacement: args.systemPlacement,
        artifacts: args.operatorArtifacts,
        namespaceResources: Object.values(args.namespaceResources),
        network: args.network,
        monitoringNamespace: args.monitoringNamespace,
        zookeeperNamespace: model.namespaces.some((ns) => ns.haMode === "zookeeper")
          ? ZOOKEEPER_NAMESPACE
          : undefined,
        provider: args.provider,
      },
      { parent: this },
    );
    this.operatorNamespace = operator.namespace;
    for (const ns of model.namespaces) {
      this.workloads[ns.name] = new FlinkWorkloads(
        `${name}-${ns.name}`,
        {
          namespace: ns,
          flink: model.flink,
          ui: model.ui,
          eksVpcCidr: model.cluster.provider === "eks" ? model.cluster.vpcCidr : undefined,
          ingressDependsOn: args.ingressDependsOn,
          metricsServer: args.metricsServer,
          nodesReady: args.nodesReady,
          storage: args.storage[ns.name],
          s3: args.s3,
          ha: args.ha[ns.name],
          placement: args.flinkPlacement,
          provider: args.provider,
          operator: operator.ready,
          namespaceResource: args.namespaceResources[ns.name],
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
