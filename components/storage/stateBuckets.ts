import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { StackConfig } from "../../config/schema";
import { irsaTrustPolicy } from "../aws/iamPolicies";
import { rotatingKmsKey } from "../aws/kmsKey";
import { ArtifactLocation } from "../flink/artifacts";
import { artifactReadStatements, namespaceStatePolicy, tlsOnlyBucketPolicy } from "./iamPolicies";
import { stateBucketName } from "./layout";
import { roleName } from "../aws/names";

export interface StateBucketsArgs {
  /** Buckets are `<bucketPrefix>-<namespace>`. */
  bucketPrefix: string;
  /** Role names start with it (`flink-<environment>`), which the deploy role's IAM grant is scoped to. */
  rolePrefix: string;
  region: string;
  storage: StackConfig["storage"];
  /** Each Flink namespace and where its job jars live. */
  namespaces: { name: string; artifacts: ArtifactLocation[] }[];
  /** Jar locations the operator fetches session jobs from; none means no operator role. */
  operatorArtifacts: ArtifactLocation[];
  /** The operator's namespace and service account, which the operator role trusts. */
  operator: { namespace: string; serviceAccount: string };
  /** Kubernetes service accounts that run Flink in every namespace (JobManager, TaskManager). */
  serviceAccounts: string[];
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuerUrl: pulumi.Input<string>;
  /** Permissions boundary for every role created here (cluster.permissionsBoundaryArn). */
  permissionsBoundary?: string;
  /** Production: protect buckets and key, keep the buckets if the stack is destroyed. */
  protect: boolean;
  tags: Record<string, string>;
}

/**
 * Durable Flink state on S3: one bucket per namespace (versioned, SSE-KMS with the stack's
 * rotating state key and bucket keys, no public access, owner-enforced, TLS only, lifecycle
 * rules that never expire current objects), each with the namespace's IRSA role, which reaches
 * that bucket and the namespace's job jars only; and, when session jobs fetch jars from S3, the
 * operator's read-only role.
 */
export class StateBuckets extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  /** Bucket name per namespace. */
  readonly buckets: Record<string, pulumi.Output<string>> = {};
  /** IRSA role ARN per namespace, for the Flink service account's annotation. */
  readonly roleArns: Record<string, pulumi.Output<string>> = {};
  readonly operatorRoleArn?: pulumi.Output<string>;

  constructor(name: string, args: StateBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:StateBuckets", name, {}, opts);
    const parent = { parent: this };
    const key = rotatingKmsKey(`${name}-key`, `Flink state in s3://${args.bucketPrefix}-*`, args.tags, {
      parent: this,
      protect: args.protect,
    });
    new aws.kms.Alias(
      `${name}-key`,
      { name: `alias/${args.bucketPrefix}-state`, targetKeyId: key.keyId },
      parent,
    );

    const irsaRole = (
      logicalName: string,
      purpose: string,
      description: string,
      namespace: string,
      serviceAccount: string | string[],
    ) =>
      new aws.iam.Role(
        logicalName,
        {
          name: roleName(args.rolePrefix, purpose),
          description,
          assumeRolePolicy: pulumi
            .all([args.oidcProviderArn, args.oidcIssuerUrl])
            .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, namespace, serviceAccount))),
          permissionsBoundary: args.permissionsBoundary,
          tags: args.tags,
        },
        parent,
      );

    for (const ns of args.namespaces) {
      const bucket = new NamespaceStateBucket(
        `${name}-${ns.name}`,
        {
          bucketName: stateBucketName(args.bucketPrefix, ns.name),
          namespace: ns.name,
          keyArn: key.arn,
          storage: args.storage,
          protect: args.protect,
          tags: args.tags,
        },
        parent,
      );
      const role = irsaRole(
        `${name}-${ns.name}`,
        `${ns.name}-state`,
        `Flink in namespace ${ns.name}: its state bucket and its job jars`,
        ns.name,
        args.serviceAccounts,
      );
      new aws.iam.RolePolicy(
        `${name}-${ns.name}`,
        {
          role: role.id,
          policy: pulumi
            .all([bucket.bucketArn, key.arn])
            .apply(([bucketArn, keyArn]) =>
              JSON.stringify(
                namespaceStatePolicy({ bucketArn, keyArn, region: args.region, artifacts: ns.artifacts }),
              ),
            ),
        },
        parent,
      );
      this.buckets[ns.name] = bucket.bucketName;
      this.roleArns[ns.name] = role.arn;
    }

    if (args.operatorArtifacts.length > 0) {
      const role = irsaRole(
        `${name}-operator`,
        "operator-artifacts",
        "Flink Kubernetes Operator: read-only access to session-job jars",
        args.operator.namespace,
        args.operator.serviceAccount,
      );
      new aws.iam.RolePolicy(
        `${name}-operator`,
        {
          role: role.id,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: artifactReadStatements(args.operatorArtifacts, args.region),
          }),
        },
        parent,
      );
      this.operatorRoleArn = role.arn;
    }

    this.keyArn = key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}

interface NamespaceStateBucketArgs {
  bucketName: string;
  namespace: string;
  keyArn: pulumi.Input<string>;
  storage: StackConfig["storage"];
  protect: boolean;
  tags: Record<string, string>;
}

/** One namespace's hardened state bucket. */
class NamespaceStateBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;

  constructor(name: string, args: NamespaceStateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:storage:NamespaceStateBucket", name, {}, opts);
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: args.bucketName,
        forceDestroy: false,
        // The namespace tag allocates each team's storage cost (activate it as a cost allocation tag).
        tags: { ...args.tags, "flink-platform/namespace": args.namespace },
      },
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
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.keyArn },
            // S3 then uses the bucket's ARN as KMS encryption context, which the IAM policy pins.
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
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { bucket: bucket.id, rules: lifecycleRules(args.storage) },
      bucketOpts,
    );
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}

/**
 * No rule expires a current object by age: incremental RocksDB checkpoints keep referencing
 * `shared/` files of any age (Flink docs, ops/state/checkpoints: directory structure), and Flink
 * itself deletes checkpoints beyond `execution.checkpointing.num-retained`. What Flink deletes
 * becomes a noncurrent version, kept for the configured days (an undo window), then expired.
 */
export function lifecycleRules(s: StackConfig["storage"]) {
  return [
    {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: s.noncurrentVersionExpirationDays },
      // Delete markers left once every version under them has expired.
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: s.abortIncompleteUploadDays },
    },
  ];
}
