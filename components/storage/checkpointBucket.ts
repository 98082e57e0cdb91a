import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { StackConfig } from "../../config/schema";
import { irsaTrustPolicy } from "../aws/iamPolicies";
import { rotatingKmsKey } from "../aws/kmsKey";
import { namespaceStatePolicy, tlsOnlyBucketPolicy } from "./iamPolicies";
import { namespacePrefix } from "./layout";

export interface CheckpointBucketArgs {
  bucketName: string;
  region: string;
  storage: StackConfig["storage"];
  namespaces: string[];
  /** Kubernetes service account that runs Flink in every namespace. */
  serviceAccount: string;
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuerUrl: pulumi.Input<string>;
  /** Production: protect bucket and key, keep the bucket if the stack is destroyed. */
  protect: boolean;
  tags: Record<string, string>;
}

/**
 * The checkpoint / savepoint / HA bucket: versioned, SSE-KMS with a rotating customer key,
 * no public access, owner-enforced, TLS only, with lifecycle rules; plus one IRSA role per
 * Flink namespace that reaches only that namespace's prefix.
 */
export class CheckpointBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  /** IRSA role ARN per namespace, for the Flink service account's annotation. */
  readonly roleArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: CheckpointBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:CheckpointBucket", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags;

    const key = rotatingKmsKey(`${name}-key`, `Flink state in s3://${args.bucketName}`, tags, {
      parent: this,
      protect: args.protect,
    });
    new aws.kms.Alias(`${name}-key`, { name: `alias/${args.bucketName}`, targetKeyId: key.keyId }, parent);

    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, forceDestroy: false, tags },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    const bucketOpts = { parent: this, dependsOn: [bucket] };
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      bucketOpts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
            bucketKeyEnabled: true,
          },
        ],
      },
      bucketOpts,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      bucketOpts,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      bucketOpts,
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
      { parent: this, dependsOn: [publicAccess] },
    );

    const s = args.storage;
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: s.abortIncompleteUploadDays },
          },
          // Savepoints and HA metadata are never expired by age; only old checkpoints may be.
          ...(s.checkpointExpirationDays === undefined
            ? []
            : args.namespaces.map((ns) => ({
                id: `expire-checkpoints-${ns}`,
                status: "Enabled",
                filter: { prefix: `${namespacePrefix(ns)}checkpoints/` },
                expiration: { days: s.checkpointExpirationDays },
              }))),
        ],
      },
      bucketOpts,
    );

    this.roleArns = {};
    for (const ns of args.namespaces) {
      const role = new aws.iam.Role(
        `${name}-${ns}`,
        {
          description: `Flink in namespace ${ns}: its own prefix of s3://${args.bucketName}`,
          assumeRolePolicy: pulumi
            .all([args.oidcProviderArn, args.oidcIssuerUrl])
            .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, ns, args.serviceAccount))),
          tags,
        },
        parent,
      );
      new aws.iam.RolePolicy(
        `${name}-${ns}`,
        {
          role: role.id,
          policy: pulumi
            .all([bucket.arn, key.arn])
            .apply(([bucketArn, keyArn]) =>
              JSON.stringify(namespaceStatePolicy(bucketArn, keyArn, ns, args.region)),
            ),
        },
        parent,
      );
      this.roleArns[ns] = role.arn;
    }

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.keyArn = key.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, keyArn: this.keyArn });
  }
}
