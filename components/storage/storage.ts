import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PlatformModel } from "../../config/model";
import { S3Access } from "../flink/flinkConfig";
import { NamespaceStorage } from "../flink/workloads";
import { FLINK_SERVICE_ACCOUNT } from "../flink/rbac";
import { CheckpointBucket } from "./checkpointBucket";
import { OBJECT_STORE_CREDENTIALS_SECRET, ObjectStore } from "./objectStore";
import { defaultBucketName, stateLocations } from "./layout";

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

/**
 * Durable state for checkpoints, savepoints and HA metadata: the hardened S3 bucket on EKS,
 * the in-cluster object store elsewhere. Either way Flink sees `s3://<bucket>/<namespace>/...`.
 */
export class Storage extends pulumi.ComponentResource {
  readonly bucket: pulumi.Output<string>;
  readonly s3Access: S3Access;
  /** What each Flink namespace needs to reach its state. */
  readonly namespaces: Record<string, NamespaceStorage> = {};

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:Storage", name, {}, opts);
    const { model } = args;
    const names = model.namespaces.map((ns) => ns.name);

    if (model.cluster.provider === "eks") {
      if (!args.oidc) throw new Error("EKS storage needs the cluster's OIDC provider");
      const bucketName =
        model.storage.bucketName ?? defaultBucketName(model.environment.name, model.cluster.region);
      const bucket = new CheckpointBucket(
        `${name}-s3`,
        {
          bucketName,
          region: model.cluster.region,
          storage: model.storage,
          namespaces: names,
          serviceAccount: FLINK_SERVICE_ACCOUNT,
          oidcProviderArn: args.oidc.providerArn,
          oidcIssuerUrl: args.oidc.issuerUrl,
          protect: model.environment.tier === "production",
          tags: args.tags,
        },
        { parent: this },
      );
      this.bucket = bucket.bucketName;
      this.s3Access = { kind: "irsa", region: model.cluster.region };
      for (const ns of names) {
        this.namespaces[ns] = { locations: stateLocations(bucketName, ns), roleArn: bucket.roleArns[ns] };
      }
    } else {
      const store = new ObjectStore(
        `${name}-object-store`,
        {
          config: model.storage.objectStore,
          namespaces: names,
          storageClass: args.storageClass,
          provider: args.provider,
          dependsOn: args.namespaceResources,
        },
        { parent: this },
      );
      this.bucket = pulumi.output(store.bucket);
      this.s3Access = { kind: "endpoint", endpoint: store.endpoint };
      for (const ns of names) {
        this.namespaces[ns] = {
          locations: stateLocations(store.bucket, ns),
          credentialsSecret: OBJECT_STORE_CREDENTIALS_SECRET,
        };
      }
    }
    this.registerOutputs({ bucket: this.bucket });
  }
}
