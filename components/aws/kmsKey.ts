import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { kmsKeyPolicy } from "./iamPolicies";

/** A customer-managed KMS key with rotation on and the account-administered key policy. */
export function rotatingKmsKey(
  name: string,
  description: string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.kms.Key {
  const identity = aws.getCallerIdentityOutput({}, { parent: opts.parent });
  const partition = aws.getPartitionOutput({}, { parent: opts.parent });
  return new aws.kms.Key(
    name,
    {
      description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi
        .all([identity.accountId, partition.partition])
        .apply(([account, part]) => JSON.stringify(kmsKeyPolicy(account, part))),
      tags,
    },
    opts,
  );
}
