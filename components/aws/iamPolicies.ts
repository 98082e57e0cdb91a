/** IAM policy documents every AWS component shares: pure data, so tests read them without Pulumi. */

export type PolicyDocument = {
  Version: "2012-10-17";
  Statement: {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
};

/**
 * A role an AWS service assumes. `source` pins it to this account's resource (the confused
 * deputy): EKS sends aws:SourceAccount and aws:SourceArn (EKS user guide, cross-service confused
 * deputy prevention); EC2 instance roles are assumed without them, so they get no condition.
 */
export function serviceTrustPolicy(
  service: string,
  source?: { account: string; arn: string },
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(source
          ? {
              Condition: {
                StringEquals: { "aws:SourceAccount": source.account },
                ArnLike: { "aws:SourceArn": source.arn },
              },
            }
          : {}),
      },
    ],
  };
}

/**
 * IRSA trust: only the named service accounts of the named namespace may assume the role,
 * and only with a token minted for STS (`aud`).
 */
export function irsaTrustPolicy(
  oidcProviderArn: string,
  issuerUrl: string,
  namespace: string,
  serviceAccounts: string | string[],
): PolicyDocument {
  const issuer = issuerUrl.replace(/^https:\/\//, "");
  const subjects = [serviceAccounts].flat().map((sa) => `system:serviceaccount:${namespace}:${sa}`);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/**
 * Key policy: the account's IAM principals may administer and use the key (IAM policies
 * then decide who). Explicit actions rather than `kms:*`, so no statement grants a wildcard
 * action on a wildcard resource.
 */
export function kmsKeyPolicy(accountId: string, partition: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion",
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
        ],
        // In a key policy "*" means this key.
        Resource: "*",
      },
    ],
  };
}
