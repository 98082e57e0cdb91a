import { PolicyDocument } from "../aws/iamPolicies";
import { namespacePrefix } from "./layout";

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

/**
 * One team's access: list, read, write and delete only below its namespace prefix, and use
 * the bucket key only through S3. No other team's checkpoints are readable.
 */
export function namespaceStatePolicy(
  bucketArn: string,
  keyArn: string,
  namespace: string,
  region: string,
): PolicyDocument {
  const prefix = namespacePrefix(namespace);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListOwnPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
        Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
      },
      { Sid: "BucketLocation", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: bucketArn },
      {
        Sid: "ReadWriteOwnPrefix",
        Effect: "Allow",
        Action: [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ],
        Resource: `${bucketArn}/${prefix}*`,
      },
      {
        Sid: "UseBucketKeyThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
      },
    ],
  };
}
