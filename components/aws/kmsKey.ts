import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { kmsKeyPolicy, PolicyDocument } from "./iamPolicies";

type Statement = PolicyDocument["Statement"][number];

/**
 * A customer-managed KMS key with rotation on and the account-administered key policy, plus any
 * statements a service needs in the key policy itself (CloudWatch Logs does).
 */
export function rotatingKmsKey(
  name: string,
  description: string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  serviceStatements: (account: string, partition: string) => Statement[] = () => [],
): aws.kms.Key {
  const identity = aws.getCallerIdentityOutput({}, { parent: opts.parent });
  const partition = aws.getPartitionOutput({}, { parent: opts.parent });
  return new aws.kms.Key(
    name,
    {
      description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.all([identity.accountId, partition.partition]).apply(([account, part]) => {
        const policy = kmsKeyPolicy(account, part);
        return JSON.stringify({
          ...policy,
          Statement: [...policy.Statement, ...serviceStatements(account, part)],
        });
      }),
      tags,
    },
    opts,
  );
}
