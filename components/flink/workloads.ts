import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { NamespaceModel, PlatformModel, ProcessSpec } from "../../config/model";
import { flinkConfiguration, HaSettings, S3Access, StateLocations } from "./flinkConfig";
import { flinkDeployment, flinkSessionJob, flinkStateSnapshot, K8sObject } from "./customResources";
import { podTemplate } from "./podTemplate";
import { flinkIngress } from "../ingress/uiIngress";
import { autoscalerQuota } from "../governance/fit";
import { taskManagerHpa } from "../scaling/hpa";
import { Placement } from "../kube/placement";
import {
  FLINK_SERVICE_ACCOUNT,
  jobManagerRoleRules,
  TASKMANAGER_SERVICE_ACCOUNT,
  taskManagerRoleRules,
} from "./rbac";

export interface NamespaceStorage {
  locations: StateLocations;
  /** IRSA role for the namespace's Flink service account (S3 on EKS). */
  roleArn?: pulumi.Output<string>;
  /** Secret with object-store credentials (in-cluster store). */
  credentialsSecret?: string;
}

export interface FlinkWorkloadsArgs {
  namespace: NamespaceModel;
  flink: PlatformModel["flink"];
  storage: NamespaceStorage;
  s3: S3Access;
  ha: HaSettings;
  placement: Placement;
  provider: k8s.Provider;
  /** The operator release: its CRDs must exist before any Flink resource. */
  operator: pulumi.Resource;
  /** The namespace itself (created by governance). */
  namespaceResource: pulumi.Resource;
  /** How the Flink UI is exposed (`ui.ingress`). */
  ui: PlatformModel["ui"];
  /** The VPC range on EKS (the ALB's targets are reached from it); undefined elsewhere. */
  eksVpcCidr?: string;
  /** Resources the UI's Ingresses need first (the load balancer controller and its webhook). */
  ingressDependsOn?: pulumi.Resource[];
  /** The resource metrics API reactive jobs' HPAs read (metrics-server), when the platform installs it. */
  metricsServer?: pulumi.Resource[];
  /** What Flink pods need to be scheduled (Karpenter's NodePool). */
  nodesReady?: pulumi.Resource[];
}

/**
 * One team namespace's Flink: its service account (IRSA-annotated on EKS) with a
 * least-privilege Role, a FlinkDeployment per application job and session cluster, a
 * FlinkSessionJob per session job, and a FlinkStateSnapshot per declared snapshot.
 */
export class FlinkWorkloads extends pulumi.ComponentResource {
  /** The objects as applied, keyed `<kind>/<name>`, for reports and tests. */
  readonly objects: Record<string, K8sObject> = {};

  constructor(name: string, args: FlinkWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:flink:FlinkWorkloads", name, {}, opts);
    const ns = args.namespace;
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespaceResource] };

    const irsa = args.storage.roleArn
      ? { annotations: { "eks.amazonaws.com/role-arn": args.storage.roleArn } }
      : {};
    const kubernetesHa = args.ha.mode === "kubernetes";
    const serviceAccount = (resourceName: string, saName: string, automount: boolean) =>
      new k8s.core.v1.ServiceAccount(
        `${name}-${resourceName}`,
        {
          metadata: { name: saName, namespace: ns.name, ...irsa },
          // A pod that never calls the Kubernetes API gets no API token (IRSA mounts its own).
          automountServiceAccountToken: automount,
        },
        k8sOpts,
      );
    const roleWithBinding = (
      resourceName: string,
      roleName: string,
      sa: k8s.core.v1.ServiceAccount,
      saName: string,
      rules: k8s.types.input.rbac.v1.PolicyRule[],
    ) => {
      const role = new k8s.rbac.v1.Role(
        `${name}-${resourceName}`,
        { metadata: { name: roleName, namespace: ns.name }, rules },
        k8sOpts,
      );
      return new k8s.rbac.v1.RoleBinding(
        `${name}-${resourceName}-binding`,
        {
          metadata: { name: roleName, namespace: ns.name },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
          subjects: [{ kind: "ServiceAccount", name: saName, namespace: ns.name }],
        },
        { ...k8sOpts, dependsOn: [role, sa] },
      );
    };
    const jmSa = serviceAccount("sa", FLINK_SERVICE_ACCOUNT, true);
    const bindings = [roleWithBinding("role", "flink", jmSa, FLINK_SERVICE_ACCOUNT, jobManagerRoleRules())];
    const tmSa = serviceAccount("taskmanager-sa", TASKMANAGER_SERVICE_ACCOUNT, kubernetesHa);
    if (kubernetesHa) {
      bindings.push(
        roleWithBinding(
          "taskmanager-role",
          TASKMANAGER_SERVICE_ACCOUNT,
          tmSa,
          TASKMANAGER_SERVICE_ACCOUNT,
          taskManagerRoleRules(true),
        ),
      );
    }

    const crOpts = {
      parent: this,
      provider: args.provider,
      dependsOn: [args.operator, tmSa, ...bindings, ...(args.nodesReady ?? [])],
    };
    const apply = (object: K8sObject, dependsOn: pulumi.Resource[] = [], ignoreChanges?: string[]) => {
      this.objects[`${object.kind}/${object.metadata.name}`] = object;
      return new k8s.apiextensions.CustomResource(
        `${name}-${object.kind.toLowerCase()}-${object.metadata.name}`,
        object,
        {
          ...crOpts,
          dependsOn: [...crOpts.dependsOn, ...dependsOn],
          ...(ignoreChanges ? { ignoreChanges } : {}),
        },
      );
    };

    const timeout = args.flink.deployTimeout;
    const deployments = new Map<string, pulumi.Resource>();
    for (const cluster of ns.flinkClusters) {
      const conf = flinkConfiguration({
        cluster,
        flink: args.flink,
        state: args.storage.locations,
        s3: args.s3,
        ha: args.ha,
        autoscalerQuota: autoscalerQuota(ns, cluster.name),
      });
      const template = (process: ProcessSpec, capacityTypes: string[] | undefined) =>
        podTemplate({
          clusterName: cluster.name,
          flinkVersion: cluster.flinkVersion,
          priorityClassName: `flink-${ns.priority}`,
          placement: args.placement,
          credentialsSecret: args.storage.credentialsSecret,
          pod: process.pod,
          capacityTypes,
        });
      // Under Karpenter a JobManager runs on on-demand capacity only: a reclaimed spot node would
      // restart every job it runs. TaskManagers take the capacity types their job allows.
      const karpenter = cluster.taskManagerCapacity !== undefined;
      const templates = {
        jobManager: template(cluster.jobManager, karpenter ? ["on-demand"] : undefined),
        taskManager: template(cluster.taskManager, cluster.taskManagerCapacity),
      };
      const ingress = flinkIngress(
        cluster,
        args.ui,
        args.eksVpcCidr ? { vpcCidr: args.eksVpcCidr } : undefined,
      );
      const deployment = apply(
        flinkDeployment(cluster, conf, templates, timeout, ingress),
        ingress ? (args.ingressDependsOn ?? []) : [],
        // The HPA owns a reactive job's TaskManager count: `pulumi up` must not reset it.
        cluster.reactive ? ["spec.taskManager.replicas"] : undefined,
      );
      deployments.set(cluster.name, deployment);
      const hpa = taskManagerHpa(cluster);
      if (hpa) {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa-${cluster.name}`, hpa, {
          parent: this,
          provider: args.provider,
          dependsOn: [deployment, ...(args.metricsServer ?? [])],
        });
      }
    }
    const sessionJobs = new Map<string, pulumi.Resource>();
    for (const job of ns.sessionJobs) {
      sessionJobs.set(job.name, apply(flinkSessionJob(job, timeout), [deployments.get(job.sessionCluster)!]));
    }
    for (const snapshot of ns.snapshots) {
      // Created once its job is ready (the job's waitFor): against a job that is not RUNNING the
      // operator marks a snapshot ABANDONED, a final state (FlinkStateSnapshotUtils.java, release-1.15.0).
      const target = snapshot.jobKind === "FlinkSessionJob" ? sessionJobs : deployments;
      apply(flinkStateSnapshot(snapshot, timeout), [target.get(snapshot.job)!]);
    }
    this.registerOutputs({});
  }
}
