/** The log agent's IAM policy and the log key's statement for CloudWatch Logs: pure data. */
import { PolicyDocument } from "../aws/iamPolicies";

/**
 * Fluent Bit's cloudwatch_logs output creates a stream per pod and container and puts events
 * into it; with auto_create_group off it never creates groups. Only the platform's groups, by
 * ARN: a log group's ARN and its streams (`<group ARN>:log-stream:<name>`, which `:*` covers).
 */
export function logShippingPolicy(groupArns: string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PlatformLogGroups",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [...groupArns].sort().flatMap((arn) => [arn, `${arn}:*`]),
      },
    ],
  };
}

/**
 * CloudWatch Logs encrypts a group with a customer key only when the key policy lets the
 * regional logs service use it, and only for the groups named in the encryption context
 * (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS": principal
 * `logs.<region>.amazonaws.com`, condition `kms:EncryptionContext:aws:logs:arn`).
 */
export function logsKeyStatements(
  account: string,
  partition: string,
  region: string,
  groupPrefix: string,
): PolicyDocument["Statement"] {
  return [
    {
      Sid: "CloudWatchLogsPlatformGroups",
      Effect: "Allow",
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:${groupPrefix}*`,
        },
      },
    },
  ];
}
