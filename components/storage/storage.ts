import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { S3Access } from "../flink/flinkConfig";
import { NamespaceStorage } from "../flink/workloads";
import { FLINK_SERVICE_ACCOUNT, TASKMANAGER_SERVICE_ACCOUNT } from "../flink/rbac";
import { OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT } from "../flink/operator";
import { operatorArtifactLocations } from "../flink/artifacts";
import { StateBuckets } from "./stateBuckets";
import { OBJECT_STORE_CREDENTIALS_SECRET, ObjectStore } from "./objectStore";
import { defaultBucketPrefix, stateBucketName, stateLocations } from "./layout";

export interface StorageArgs {
  model: PlatformModel;
  provider: k8s.Provider;
  /** EKS only: the cluster's IRSA identity provider. */
  oidc?: { providerArn: pulumi.Output<string>; issuerUrl: pulumi.Output<string> };
  storageClass?: string;
  /** Flink namespaces, which must exist before per-namespace Secrets are created. */
  namespaceResources: pulumi.Resource[];
  tags: Record<string, string>;
}

/** The state bucket prefix of a stack: `storage.bucketPrefix`, or one derived from environment and region. */
export function bucketPrefixOf(model: Pick<PlatformModel, "storage" | "environment" | "cluster">): string {
  const region = model.cluster.provider === "eks" ? model.cluster.region : "local";
  return model.storage.bucketPrefix ?? defaultBucketPrefix(model.environment.name, region);
}

/**
 * Durable state for checkpoints, savepoints and HA metadata, one bucket per Flink namespace:
 * hardened S3 buckets on EKS, buckets of the in-cluster object store elsewhere. Either way
 * Flink sees `s3://<bucket>/{checkpoints,savepoints,ha}/<cluster>`.
 */
export class Storage extends pulumi.ComponentResource {
  /** State bucket per namespace. */
  readonly buckets: Record<string, pulumi.Output<string>> = {};
  readonly s3Access: S3Access;
  /** What each Flink namespace needs to reach its state. */
  readonly namespaces: Record<string, NamespaceStorage> = {};
  /** The operator's role for session-job jars on S3 (EKS, when a session job needs it). */
  readonly operatorArtifactRoleArn?: pulumi.Output<string>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:Storage", name, {}, opts);
    const { model } = args;

    if (model.cluster.provider === "eks") {
      if (!args.oidc) throw new Error("EKS storage needs the cluster's OIDC provider");
      const prefix = bucketPrefixOf(model);
      const state = new StateBuckets(
        `${name}-s3`,
        {
          bucketPrefix: prefix,
          rolePrefix: `flink-${model.environment.name}`,
          region: model.cluster.region,
          storage: model.storage,
          namespaces: model.namespaces.map((ns) => ({ name: ns.name, artifacts: ns.artifacts })),
          operatorArtifacts: operatorArtifactLocations(model),
          operator: { namespace: OPERATOR_NAMESPACE, serviceAccount: OPERATOR_SERVICE_ACCOUNT },
          serviceAccounts: [FLINK_SERVICE_ACCOUNT, TASKMANAGER_SERVICE_ACCOUNT],
          oidcProviderArn: args.oidc.providerArn,
          oidcIssuerUrl: args.oidc.issuerUrl,
          protect: model.environment.tier === "production",
          permissionsBoundary: model.cluster.permissionsBoundaryArn,
          tags: args.tags,
        },
        { parent: this },
      );
      this.s3Access = { kind: "irsa", region: model.cluster.region };
      this.operatorArtifactRoleArn = state.operatorRoleArn;
      for (const ns of model.namespaces) {
        this.buckets[ns.name] = state.buckets[ns.name];
        this.namespaces[ns.name] = {
          locations: stateLocations(stateBucketName(prefix, ns.name)),
          roleArn: state.roleArns[ns.name],
        };
      }
    } else {
      const store = new ObjectStore(
        `${name}-object-store`,
        {
          config: model.storage.objectStore,
          namespaces: model.namespaces.map((ns) => ns.name),
          storageClass: args.storageClass,
          provider: args.provider,
          dependsOn: args.namespaceResources,
        },
        { parent: this },
      );
      this.s3Access = { kind: "endpoint", endpoint: store.endpoint };
      for (const ns of model.namespaces) {
        this.buckets[ns.name] = pulumi.output(store.buckets[ns.name]);
        this.namespaces[ns.name] = {
          locations: stateLocations(store.buckets[ns.name]),
          credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET,
        };
      }
    }
    this.registerOutputs({ buckets: this.buckets });
  }
}
