/** IAM policy documents for the cluster: pure data, so tests read them without Pulumi. */
import { PolicyDocument } from "../aws/iamPolicies";

/** The cluster role may use the secrets key for envelope encryption, nothing else. */
export function clusterKmsPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
        Resource: keyArn,
      },
    ],
  };
}
