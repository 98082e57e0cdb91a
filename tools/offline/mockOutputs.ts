/**
 * The computed outputs the mock runtime answers with (ids, ARNs, endpoints), deterministic in a
 * resource's type, name and inputs. Pure, so the PR review can tell which values in a render
 * are another resource's id: those change when that resource is replaced.
 */
import { createHash } from "crypto";

export const ACCOUNT_ID = "123456789012";

function hash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex");
}

/** Computed outputs a real provider would add, for the types the program reads outputs of. */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>, region: string) {
  const h = hash(type, name);
  const account = ACCOUNT_ID;
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = String(inputs.bucket ?? name);
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, region } };
    }
    case "aws:kms/key:Key":
      return {
        id: h.slice(0, 32),
        state: { keyId: h.slice(0, 32), arn: `arn:aws:kms:${region}:${account}:key/${h.slice(0, 32)}` },
      };
    case "aws:iam/role:Role": {
      const roleName = String(inputs.name ?? `${name}-${h.slice(0, 7)}`);
      return { id: roleName, state: { name: roleName, arn: `arn:aws:iam::${account}:role/${roleName}` } };
    }
    case "aws:eks/cluster:Cluster": {
      const id = h.slice(0, 32).toUpperCase();
      return {
        id: String(inputs.name),
        state: {
          arn: `arn:aws:eks:${region}:${account}:cluster/${inputs.name}`,
          endpoint: `https://${id}.gr7.${region}.eks.amazonaws.com`,
          certificateAuthority: { data: Buffer.from(`mock-ca-${id}`).toString("base64") },
          vpcConfig: { ...(inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${h.slice(0, 17)}` },
          identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${id}` }] }],
        },
      };
    }
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
      const host = String(inputs.url).replace(/^https:\/\//, "");
      return { id: host, state: { arn: `arn:aws:iam::${account}:oidc-provider/${host}` } };
    }
    case "aws:iam/instanceProfile:InstanceProfile": {
      const profile = String(inputs.name);
      return { id: profile, state: { arn: `arn:aws:iam::${account}:instance-profile/${profile}` } };
    }
    case "aws:sqs/queue:Queue": {
      // Its id is the queue URL (aws_sqs_queue id attribute).
      const queue = String(inputs.name);
      return {
        id: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
        state: {
          arn: `arn:aws:sqs:${region}:${account}:${queue}`,
          url: `https://sqs.${region}.amazonaws.com/${account}/${queue}`,
        },
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      // The provider's arn has no trailing ":*" (aws_cloudwatch_log_group arn attribute).
      const group = String(inputs.name);
      return { id: group, state: { arn: `arn:aws:logs:${region}:${account}:log-group:${group}` } };
    }
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { id: `lt-${h.slice(0, 17)}`, state: { latestVersion: 1 } };
    case "random:index/randomPassword:RandomPassword":
      return { id: "none", state: { result: h.slice(0, Number(inputs.length ?? 16)) } };
    default: {
      if (type.startsWith("aws:")) {
        const service = type.split(":")[1].split("/")[0];
        return {
          id: `${service}-${h.slice(0, 17)}`,
          state: { arn: `arn:aws:${service}:${region}:${account}:${name}` },
        };
      }
      return { id: type.startsWith("kubernetes:") ? `${name}` : `${name}-id`, state: {} };
    }
  }
}
