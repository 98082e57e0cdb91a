/**
 * What a namespace's Flink pods (and the operator) may do on S3 and KMS: pure documents, which
 * tests evaluate with IAM's rules (components/aws/iamEvaluation.ts) for the requests Flink makes.
 */
import { PolicyDocument } from "../aws/iamPolicies";
import { ArtifactLocation } from "../flink/artifacts";

/** Refuse every request that does not use TLS, for the bucket and all its objects. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

type Statement = PolicyDocument["Statement"][number];

/** Read-only access to job jars, and decryption through S3 where a location uses a customer key. */
export function artifactReadStatements(locations: readonly ArtifactLocation[], region: string): Statement[] {
  if (locations.length === 0) return [];
  const keys = [...new Set(locations.flatMap((l) => (l.kmsKeyArn ? [l.kmsKeyArn] : [])))].sort();
  return [
    {
      Sid: "ReadJobArtifacts",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: locations.map((l) => `arn:aws:s3:::${l.bucket}/${l.prefix}*`),
    },
    ...(keys.length
      ? [
          {
            Sid: "DecryptJobArtifactsThroughS3",
            Effect: "Allow" as const,
            Action: "kms:Decrypt",
            Resource: keys,
            Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
          },
        ]
      : []),
  ];
}

/**
 * One namespace's access to its own state bucket and its jars.
 *
 * Flink writes state files with NO_OVERWRITE, so Hadoop S3A first HEADs the new key (and lists
 * `key/`) to see it does not exist (S3AFileSystem.create, hadoop 3.3.4, which every Flink line
 * from 1.19 to 2.2 bundles). S3 answers a HEAD of a missing key with 404 only to a caller allowed
 * s3:ListBucket on the bucket; otherwise with 403 (S3 API reference, HeadObject), which S3A turns
 * into AccessDeniedException. That HEAD carries no `s3:prefix`, so ListBucket must not be
 * conditioned on one: the bucket is the namespace's own, which keeps listing isolated.
 */
export function namespaceStatePolicy(input: {
  bucketArn: string;
  keyArn: string;
  region: string;
  artifacts: readonly ArtifactLocation[];
}): PolicyDocument {
  const { bucketArn, keyArn, region } = input;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListOwnBucket",
        Effect: "Allow",
        Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"],
        Resource: bucketArn,
      },
      {
        Sid: "ReadWriteOwnState",
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: `${bucketArn}/*`,
      },
      {
        // S3 calls KMS for the caller, with the bucket's ARN as encryption context (bucket keys on):
        // the key works only through S3 and only for this bucket.
        Sid: "UseStateKeyThroughS3ForOwnBucket",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: keyArn,
        Condition: {
          StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
        },
      },
      ...artifactReadStatements(input.artifacts, region),
    ],
  };
}
