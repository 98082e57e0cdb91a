import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { StackConfig } from "../../config/schema";
import { CERT_MANAGER, FLINK_OPERATOR } from "../versions";
import { containerResources, restrictedContainerSecurity, restrictedPodSecurity } from "../kube/podSecurity";
import { Placement } from "../kube/placement";
import { ClusterNetwork, NetworkPolicyObject } from "../kube/networkPolicy";
import { certManagerNetworkPolicies, operatorNetworkPolicies } from "./operatorNetworkPolicies";
import { flinkPatchVersion } from "./podTemplate";
import { FLINK_IMAGES } from "../versions";

export const OPERATOR_NAMESPACE = "flink-operator";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const OPERATOR_METRICS_PORT = 9999;
/** The operator chart's service account (values `operatorServiceAccount.name`, chart 1.15.0). */
export const OPERATOR_SERVICE_ACCOUNT = "flink-operator";
/** The `flink` user of the operator image (Dockerfile at release-1.15.0: `useradd --uid=9999`). */
const OPERATOR_UID = 9999;
/** The webhook container's requests and limits: it only validates and mutates Flink resources. */
const WEBHOOK_RESOURCES = { cpu: 0.1, memoryBytes: 256 * 1024 * 1024 };
const MiB = 1024 * 1024;

/**
 * How the operator fetches FlinkSessionJob jars from S3 (it downloads them itself, then uploads
 * them to the session cluster): its service account's IRSA role and the bucket region.
 */
export interface OperatorArtifactAccess {
  roleArn: pulumi.Input<string>;
  region: string;
}

export interface FlinkOperatorArgs {
  config: StackConfig["operator"];
  /** Exactly the namespaces the operator watches. */
  watchNamespaces: string[];
  /** Where platform pods run (the system node group on EKS). */
  systemPlacement: Placement;
  /** S3 access for session-job jars; without it only https jars are admitted. */
  artifacts?: OperatorArtifactAccess;
  /** The watched namespaces: the chart creates its Roles in them, so they must exist first. */
  namespaceResources: pulumi.Resource[];
  /** Addresses the NetworkPolicies name by CIDR. */
  network: ClusterNetwork;
  /** Prometheus's namespace, admitted to the metrics port. */
  monitoringNamespace?: string;
  /** ZooKeeper's namespace when any cluster keeps HA there. */
  zookeeperNamespace?: string;
  provider: k8s.Provider;
}

/** URI schemes the operator admits for FlinkSessionJob jars; the preview check applies the same list. */
export function allowedArtifactSchemes(artifacts: boolean): string[] {
  return artifacts ? ["https", "s3"] : ["https"];
}

/**
 * The operator's own configuration, written to the file the chart mounts. The chart mounts
 * `flink-conf.yaml` whenever `defaultConfiguration` has that key, and its values.yaml does
 * (flink-kubernetes-operator release-1.15.0, helm/.../templates/controller/deployment.yaml,
 * volumes of flink-operator-config-volume), so `config.yaml` would never be read.
 */
export function operatorConfiguration(
  config: StackConfig["operator"],
  artifacts?: Pick<OperatorArtifactAccess, "region">,
): Record<string, string> {
  const leaderElection = config.replicas > 1;
  return {
    "kubernetes.operator.metrics.reporter.prom.factory.class":
      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "kubernetes.operator.metrics.reporter.prom.port": String(OPERATOR_METRICS_PORT),
    // Required together: enabled without a lease name fails the operator's start
    // (FlinkOperatorConfiguration.java, release-1.15.0: "... must be defined when operator leader election is enabled").
    "kubernetes.operator.leader-election.enabled": String(leaderElection),
    ...(leaderElection ? { "kubernetes.operator.leader-election.lease-name": "flink-operator-lease" } : {}),
    // The chart's own overrides, which our file replaces.
    "kubernetes.operator.reconcile.interval": "15 s",
    "kubernetes.operator.observer.progress-check.interval": "5 s",
    // A system option: read from this file only, never per resource (KubernetesOperatorConfigOptions.java).
    // A list: Flink's flink-conf.yaml parser splits list values on ';' (upstream DefaultValidatorTest writes "https;file").
    "kubernetes.operator.user.artifacts.allowed-schemes": allowedArtifactSchemes(!!artifacts).join(";"),
    ...(artifacts
      ? {
          // The S3 plugin (see operatorValues) signs with the pod's IRSA token; Flink 1.20's plugin bundles AWS SDK v1.
          // The operator's file is also every FlinkDeployment's default configuration (only
          // kubernetes.operator.* keys are stripped), so these become defaults too: the same
          // values each Flink cluster on EKS sets itself.
          "fs.s3a.aws.credentials.provider": "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
          "fs.s3a.endpoint.region": artifacts.region,
        }
      : {}),
  };
}

/** `key: value` lines, sorted: the flat format of the operator's flink-conf.yaml. */
export function configFile(conf: Record<string, string>): string {
  return (
    Object.keys(conf)
      .sort()
      .map((k) => `${k}: ${conf[k]}`)
      .join("\n") + "\n"
  );
}

/**
 * The operator's version of Flink is 1.20 (pom.xml `flink.version` 1.20.1 at release-1.15.0)
 * and its image ships only metrics plugins, so S3 comes from the pinned Flink 1.20 image's
 * `opt/` folder, copied into a plugin directory by an init container.
 */
const S3_PLUGIN_JAR = `flink-s3-fs-hadoop-${flinkPatchVersion("1.20")}.jar`;
const S3_PLUGIN_DIR = "/opt/flink/plugins/s3-fs-hadoop";

/** Helm values for the operator chart: pure, so tests read them directly. */
export function operatorValues(
  args: Pick<FlinkOperatorArgs, "config" | "watchNamespaces" | "systemPlacement" | "artifacts">,
) {
  const c = args.config;
  const placement = {
    ...(args.systemPlacement.nodeSelector ? { nodeSelector: args.systemPlacement.nodeSelector } : {}),
    ...(args.systemPlacement.tolerations ? { tolerations: args.systemPlacement.tolerations } : {}),
  };
  // Restricted Pod Security: the chart's defaults set only runAsUser/runAsGroup on the pod and
  // nothing on either container (values.yaml podSecurityContext, operatorSecurityContext,
  // webhookSecurityContext at release-1.15.0).
  const container = { ...restrictedContainerSecurity(), runAsNonRoot: true };
  const volumes = [
    // The chart's own artifacts volume, replaced as a whole once operatorVolumes.create is set.
    { mount: { name: "flink-artifacts", mountPath: "/opt/flink/artifacts" }, volume: { emptyDir: {} } },
    ...(args.artifacts
      ? [
          {
            mount: { name: "s3-plugin", mountPath: S3_PLUGIN_DIR, readOnly: true },
            volume: { emptyDir: { sizeLimit: "256Mi" } },
          },
        ]
      : []),
  ];
  return {
    image: { repository: FLINK_OPERATOR.image.repository, tag: FLINK_OPERATOR.image.tag },
    replicas: c.replicas,
    // Rolling updates need a second pod to wait on the lease; a single operator is replaced.
    strategy: { type: c.replicas > 1 ? "RollingUpdate" : "Recreate" },
    watchNamespaces: [...args.watchNamespaces].sort(),
    webhook: { create: c.webhook },
    // The platform creates the Flink service account, Role and RoleBinding itself. The chart
    // would otherwise still create RoleBinding `flink-role-binding` (kept after uninstall by
    // `helm.sh/resource-policy: keep`) pointing at a Role it no longer creates.
    jobServiceAccount: { create: false },
    rbac: { create: true, jobRole: { create: false }, jobRoleBinding: { create: false } },
    operatorServiceAccount: {
      create: true,
      name: OPERATOR_SERVICE_ACCOUNT,
      annotations: args.artifacts ? { "eks.amazonaws.com/role-arn": args.artifacts.roleArn } : {},
    },
    podSecurityContext: restrictedPodSecurity(OPERATOR_UID),
    operatorSecurityContext: container,
    webhookSecurityContext: container,
    operatorPod: {
      resources: containerResources(c.cpu, c.memory),
      webhook: { resources: containerResources(WEBHOOK_RESOURCES.cpu, WEBHOOK_RESOURCES.memoryBytes) },
      ...placement,
      ...(args.artifacts
        ? {
            initContainers: [
              {
                name: "s3-plugin",
                image: FLINK_IMAGES["1.20"],
                command: ["cp", `/opt/flink/opt/${S3_PLUGIN_JAR}`, "/plugin/"],
                resources: containerResources(0.1, 64 * MiB),
                securityContext: container,
                volumeMounts: [{ name: "s3-plugin", mountPath: "/plugin" }],
              },
            ],
          }
        : {}),
    },
    operatorVolumeMounts: { create: true, data: volumes.map((v) => v.mount) },
    operatorVolumes: { create: true, data: volumes.map((v) => ({ name: v.mount.name, ...v.volume })) },
    metrics: { port: OPERATOR_METRICS_PORT },
    defaultConfiguration: {
      create: true,
      // Keep the operator's built-in defaults (conf/flink-conf.yaml) and append ours.
      append: true,
      "flink-conf.yaml": configFile(operatorConfiguration(c, args.artifacts)),
    },
  };
}

/** cert-manager's values: requests and limits for every component, on the system nodes. */
export function certManagerValues(placement: Placement) {
  const small = containerResources(0.1, 128 * MiB);
  const where = placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {};
  return {
    crds: { enabled: true },
    resources: small,
    ...where,
    webhook: { resources: small, ...where },
    cainjector: { resources: small, ...where },
    startupapicheck: { resources: small, ...where },
  };
}

/**
 * cert-manager (for the admission webhook) and the Flink Kubernetes Operator as pinned Helm
 * releases. Flink custom resources depend on {@link FlinkOperator.ready}, so they are never
 * applied before the CRDs exist.
 */
export class FlinkOperator extends pulumi.ComponentResource {
  /** Depend on this before creating any flink.apache.org resource. */
  readonly ready: pulumi.Resource;
  /** The operator's namespace, for objects placed beside it (its PodMonitor). */
  readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: FlinkOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkOperator", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const restricted = { "pod-security.kubernetes.io/enforce": "restricted" };

    const operatorNs = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: OPERATOR_NAMESPACE, labels: restricted } },
      k8sOpts,
    );

    this.namespace = operatorNs;
    const policies = (namespace: pulumi.Resource, objects: NetworkPolicyObject[]) =>
      objects.map(
        (policy) =>
          new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol-${policy.metadata.namespace}-${policy.metadata.name}`,
            policy,
            { ...k8sOpts, dependsOn: [namespace] },
          ),
      );
    const operatorPolicies = policies(
      operatorNs,
      operatorNetworkPolicies({
        namespace: OPERATOR_NAMESPACE,
        watchNamespaces: args.watchNamespaces,
        zookeeperNamespace: args.zookeeperNamespace,
        monitoringNamespace: args.monitoringNamespace,
        webhook: args.config.webhook,
        metricsPort: OPERATOR_METRICS_PORT,
        network: args.network,
      }),
    );
    // The policies first: the operator starts with its flows open, never denied by a late policy.
    const dependsOn: pulumi.Resource[] = [operatorNs, ...operatorPolicies, ...args.namespaceResources];
    if (args.config.webhook) {
      const certNs = new k8s.core.v1.Namespace(
        `${name}-cert-manager-ns`,
        { metadata: { name: CERT_MANAGER_NAMESPACE, labels: restricted } },
        k8sOpts,
      );
      dependsOn.push(
        new k8s.helm.v3.Release(
          `${name}-cert-manager`,
          {
            chart: CERT_MANAGER.chart,
            version: CERT_MANAGER.version,
            repositoryOpts: { repo: CERT_MANAGER.repository },
            namespace: CERT_MANAGER_NAMESPACE,
            atomic: true,
            values: certManagerValues(args.systemPlacement),
          },
          {
            ...k8sOpts,
            dependsOn: [
              certNs,
              ...policies(certNs, certManagerNetworkPolicies(CERT_MANAGER_NAMESPACE, args.network)),
            ],
          },
        ),
      );
    }

    this.ready = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        chart: FLINK_OPERATOR.chart,
        version: FLINK_OPERATOR.version,
        repositoryOpts: { repo: FLINK_OPERATOR.repository },
        namespace: OPERATOR_NAMESPACE,
        atomic: true,
        values: operatorValues(args),
      },
      { ...k8sOpts, dependsOn },
    );
    this.registerOutputs({});
  }
}
