/** Resources the policy tests build again and again, in the shape the pack reads them. */
import { HELM_RELEASE, PolicyResource } from "../policies/model";
import { POLICIES } from "../policies/policies";
import { runPolicies } from "../policies/runner";

/** A Helm release of some chart with these values. */
export const chartRelease = (values: object, name = "r"): PolicyResource => ({
  type: HELM_RELEASE,
  name,
  props: { chart: "c", values },
});

/** One policy's verdicts over these resources, as `resource: message` lines, every policy mandatory. */
export function verdictsOf(name: string, resources: PolicyResource[]): string[] {
  const policy = POLICIES.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return runPolicies(resources, { all: "mandatory" }, [policy]).map((v) => `${v.resource}: ${v.message}`);
}

/**
 * A hardened bucket and its settings resources, pointing at it by name (or by parent when `name`
 * is unknown); its bucket policy holds `statements`, by default the TLS-only deny.
 */
export function hardenedBucket(
  name: string | undefined,
  parent: string,
  omit: string[] = [],
  statements?: object[],
): PolicyResource[] {
  const b = name ?? "unknown";
  const set: Record<string, PolicyResource> = {
    bucket: { type: "aws:s3/bucket:Bucket", name: `${b}-bucket`, parent, props: { bucket: name } },
    sse: {
      type: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
      name: `${b}-sse`,
      parent,
      props: {
        bucket: name,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }],
      },
    },
    versioning: {
      type: "aws:s3/bucketVersioningV2:BucketVersioningV2",
      name: `${b}-versioning`,
      parent,
      props: { bucket: name, versioningConfiguration: { status: "Enabled" } },
    },
    pab: {
      type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      name: `${b}-pab`,
      parent,
      props: {
        bucket: name,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
    policy: {
      type: "aws:s3/bucketPolicy:BucketPolicy",
      name: `${b}-tls`,
      parent,
      props: {
        bucket: name,
        policy: JSON.stringify({
          Statement: statements ?? [
            {
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: name ? [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`] : "*",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
    },
  };
  return Object.entries(set)
    .filter(([k]) => !omit.includes(k))
    .map(([, r]) => r);
}
