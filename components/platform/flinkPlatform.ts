import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { EksCluster, FLINK_NODE_LABEL, FLINK_NODE_TAINT, SYSTEM_NODE_LABEL } from "../cluster/eksCluster";
import { ExistingCluster } from "../cluster/existingCluster";
import { Placement } from "../kube/placement";
import { clusterNetwork, hostPeers, inNamespace } from "../kube/networkPolicy";
import { LoadBalancerController } from "../ingress/loadBalancerController";
import { uiIngressClusters } from "../ingress/uiIngress";
import { installsMetricsServer, MetricsServer, metricsServerReplicas } from "../scaling/metricsServer";
import { Karpenter } from "../karpenter/karpenter";
import { nodePoolCapacityTypes } from "../karpenter/nodePool";
import { Flink } from "../flink/flink";
import { Governance } from "../governance/governance";
import { HighAvailability } from "../ha/highAvailability";
import { Monitoring, MONITORING_NAMESPACE } from "../monitoring/monitoring";
import { Storage } from "../storage/storage";
import { Logging } from "../logging/logging";
import { shippedNamespaces } from "../logging/fluentBit";

/**
 * The whole Flink platform for one environment: cluster, governance (namespaces and
 * quotas), storage, HA, the operator with every team's Flink workloads, and monitoring.
 */
export class FlinkPlatform extends pulumi.ComponentResource {
  /** Kubeconfig for the EKS cluster (secret); undefined for an existing cluster. */
  readonly kubeconfig?: pulumi.Output<string>;
  readonly clusterName?: pulumi.Output<string>;
  /** The state bucket of every Flink namespace. */
  readonly stateBuckets: Record<string, pulumi.Output<string>>;
  /** Per namespace: where checkpoints, savepoints and HA metadata live. */
  readonly stateLocations: Record<string, { checkpoints: string; savepoints: string; ha: string }>;
  readonly zookeeperQuorum?: string;
  /** Grafana's generated admin password (secret); undefined when monitoring is off. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, model: PlatformModel, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:platform:FlinkPlatform", name, {}, opts);
    const env = model.environment;
    const tags = { "flink-platform/environment": env.name, "flink-platform/managed-by": "pulumi" };
    const production = env.tier === "production";

    let provider: k8s.Provider;
    let flinkPlacement: Placement = {};
    let systemPlacement: Placement = {};
    let storageClass: string | undefined;
    let oidc: { providerArn: pulumi.Output<string>; issuerUrl: pulumi.Output<string> } | undefined;
    let awsProvider: aws.Provider | undefined;
    let eks: EksCluster | undefined;

    if (model.cluster.provider === "eks") {
      awsProvider = new aws.Provider(
        `${name}-aws`,
        { region: model.cluster.region as aws.Region, defaultTags: { tags } },
        { parent: this },
      );
      const cluster = new EksCluster(
        `${name}-cluster`,
        { clusterName: `flink-${env.name}`, config: model.cluster, protect: production, tags },
        { parent: this, providers: { aws: awsProvider } },
      );
      eks = cluster;
      provider = cluster.provider;
      this.kubeconfig = cluster.kubeconfig;
      this.clusterName = cluster.clusterName;
      oidc = { providerArn: cluster.oidcProviderArn, issuerUrl: cluster.oidcIssuerUrl };
      flinkPlacement = {
        nodeSelector: { [FLINK_NODE_LABEL.key]: FLINK_NODE_LABEL.value },
        tolerations: [{ ...FLINK_NODE_TAINT, operator: "Equal" }],
      };
      systemPlacement = { nodeSelector: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } };
    } else {
      const cluster = new ExistingCluster(
        `${name}-cluster`,
        { kubeconfig: model.cluster.kubeconfig, context: model.cluster.context },
        { parent: this },
      );
      provider = cluster.provider;
      storageClass = model.cluster.storageClass;
    }

    const network = clusterNetwork(model.cluster);
    const governance = new Governance(
      `${name}-governance`,
      {
        namespaces: model.namespaces,
        policy: model.policy,
        monitoringNamespace: model.monitoring.enabled ? MONITORING_NAMESPACE : undefined,
        objectStore: model.cluster.provider !== "eks",
        network,
        uiIngressFrom: model.ui.ingress
          ? model.cluster.provider === "eks"
            ? hostPeers(network)
            : [inNamespace(model.ui.ingress.controllerNamespace ?? "")]
          : undefined,
        provider,
      },
      { parent: this },
    );
    const storage = new Storage(
      `${name}-storage`,
      {
        model,
        provider,
        oidc,
        storageClass,
        namespaceResources: Object.values(governance.namespaces),
        tags,
      },
      { parent: this, ...(awsProvider ? { providers: { aws: awsProvider } } : {}) },
    );
    const ha = new HighAvailability(
      `${name}-ha`,
      { model, placement: systemPlacement, storageClass, provider },
      { parent: this },
    );
    // The UI's Ingresses on EKS need the AWS Load Balancer Controller; nothing is installed otherwise.
    const ingressDependsOn: pulumi.Resource[] = [];
    if (eks && model.cluster.provider === "eks" && uiIngressClusters(model).length > 0) {
      const controller = new LoadBalancerController(
        `${name}-lb-controller`,
        {
          clusterName: `flink-${env.name}`,
          region: model.cluster.region,
          vpcId: eks.vpcId,
          oidc: oidc!,
          permissionsBoundaryArn: model.cluster.permissionsBoundaryArn,
          placement: systemPlacement,
          network,
          tags,
          provider,
        },
        { parent: this, providers: { aws: awsProvider! } },
      );
      ingressDependsOn.push(controller.ready);
    }
    // Karpenter provisions the Flink nodes when the stack asks for it instead of a node group.
    const nodesReady: pulumi.Resource[] = [];
    if (eks && model.cluster.provider === "eks" && model.cluster.karpenter) {
      const karpenter = new Karpenter(
        `${name}-karpenter`,
        {
          clusterName: `flink-${env.name}`,
          clusterEndpoint: eks.endpoint,
          clusterSecurityGroupId: eks.clusterSecurityGroupId,
          region: model.cluster.region,
          availabilityZones: model.cluster.availabilityZones,
          config: model.cluster.karpenter,
          capacityTypes: nodePoolCapacityTypes(model),
          oidc: oidc!,
          permissionsBoundaryArn: model.cluster.permissionsBoundaryArn,
          placement: systemPlacement,
          network,
          systemNodes: eks.systemNodes,
          tags,
          provider,
        },
        { parent: this, providers: { aws: awsProvider! } },
      );
      nodesReady.push(karpenter.nodePool);
    }
    // Reactive jobs' HPAs read the resource metrics API.
    const metricsServer: pulumi.Resource[] = [];
    if (installsMetricsServer(model)) {
      metricsServer.push(
        new MetricsServer(
          `${name}-metrics-server`,
          {
            replicas: metricsServerReplicas(model),
            placement: systemPlacement,
            insecureKubeletTls:
              model.cluster.provider === "existing" && model.cluster.metricsServer.insecureKubeletTls,
            network,
            provider,
          },
          { parent: this },
        ).ready,
      );
    }
    const flink = new Flink(
      `${name}-flink`,
      {
        model,
        storage: storage.namespaces,
        s3: storage.s3Access,
        operatorArtifacts:
          storage.operatorArtifactRoleArn && model.cluster.provider === "eks"
            ? { roleArn: storage.operatorArtifactRoleArn, region: model.cluster.region }
            : undefined,
        ha: ha.settings,
        flinkPlacement,
        systemPlacement,
        namespaceResources: governance.namespaces,
        network,
        monitoringNamespace: model.monitoring.enabled ? MONITORING_NAMESPACE : undefined,
        ingressDependsOn,
        metricsServer,
        nodesReady,
        provider,
      },
      { parent: this },
    );
    if (model.monitoring.enabled) {
      const monitoring = new Monitoring(
        `${name}-monitoring`,
        {
          config: model.monitoring,
          namespaces: model.namespaces.map((ns) => ns.name),
          secrets: model.secrets,
          placement: systemPlacement,
          storageClass,
          network,
          provider,
          dependsOn: [...Object.values(governance.namespaces), flink.operatorNamespace],
        },
        { parent: this },
      );
      this.grafanaAdminPassword = monitoring.grafanaAdminPassword;
    }

    if (model.logging.destination !== "none") {
      new Logging(
        `${name}-logging`,
        { model, namespaces: shippedNamespaces(model), network, provider, oidc, tags },
        { parent: this, ...(awsProvider ? { providers: { aws: awsProvider } } : {}) },
      );
    }

    this.stateBuckets = storage.buckets;
    this.stateLocations = Object.fromEntries(
      Object.entries(storage.namespaces).map(([ns, s]) => [ns, s.locations]),
    );
    this.zookeeperQuorum = ha.zookeeper?.quorum;
    this.registerOutputs({ stateBuckets: this.stateBuckets, kubeconfig: this.kubeconfig });
  }
}
