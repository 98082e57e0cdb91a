/**
 * Job jars on S3, as IAM decides (components/aws/iamEvaluation.ts): a role may read the jars
 * under its locations and nothing else, and may decrypt a location's customer key only through
 * S3 in the cluster's region (the `kms:ViaService` S3 sends on a GetObject of an SSE-KMS object).
 */
import { strict as assert } from "assert";
import { evaluate, IamRequest } from "../components/aws/iamEvaluation";
import { artifactReadStatements } from "../components/storage/iamPolicies";

const REGION = "eu-west-1";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1111";
const OTHER_KEY = "arn:aws:kms:eu-west-1:123456789012:key/2222";
const policyOf = (...args: Parameters<typeof artifactReadStatements>) => [
  { Version: "2012-10-17" as const, Statement: artifactReadStatements(...args) },
];
const get = (resource: string, context: Record<string, string> = {}): IamRequest => ({
  action: "s3:GetObject",
  resource,
  context,
});
const decrypt = (resource: string, context: Record<string, string> = {}): IamRequest => ({
  action: "kms:Decrypt",
  resource,
  context,
});

describe("job artifact access", () => {
  const locations = [
    { bucket: "jars-a", prefix: "payments/", kmsKeyArn: KEY },
    { bucket: "jars-b", prefix: "shared/" },
    { bucket: "jars-c", prefix: "x/", kmsKeyArn: KEY },
  ];

  it("reads jars under each location's prefix, and writes nothing", () => {
    const identity = policyOf(locations, REGION);
    assert.equal(evaluate(identity, [], get("arn:aws:s3:::jars-a/payments/job.jar")), "allow");
    assert.equal(evaluate(identity, [], get("arn:aws:s3:::jars-b/shared/lib/job.jar")), "allow");
    assert.notEqual(evaluate(identity, [], get("arn:aws:s3:::jars-a/analytics/job.jar")), "allow");
    assert.notEqual(evaluate(identity, [], get("arn:aws:s3:::jars-d/payments/job.jar")), "allow");
    for (const action of ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"])
      assert.notEqual(
        evaluate(identity, [], { action, resource: "arn:aws:s3:::jars-a/payments/job.jar" }),
        "allow",
        action,
      );
  });

  it("decrypts a location's customer key only through S3 in the cluster's region", () => {
    const identity = policyOf(locations, REGION);
    const viaS3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com` };
    assert.equal(evaluate(identity, [], decrypt(KEY, viaS3)), "allow");
    assert.notEqual(evaluate(identity, [], decrypt(KEY)), "allow", "a direct Decrypt call");
    assert.notEqual(
      evaluate(identity, [], decrypt(KEY, { "kms:ViaService": "s3.us-east-1.amazonaws.com" })),
      "allow",
      "through S3 in another region",
    );
    assert.notEqual(evaluate(identity, [], decrypt(OTHER_KEY, viaS3)), "allow", "a key no location uses");
    assert.deepEqual(
      artifactReadStatements(locations, REGION).map((s) => [s.Sid, s.Resource]),
      [
        [
          "ReadJobArtifacts",
          ["arn:aws:s3:::jars-a/payments/*", "arn:aws:s3:::jars-b/shared/*", "arn:aws:s3:::jars-c/x/*"],
        ],
        ["DecryptJobArtifactsThroughS3", [KEY]],
      ],
      "one statement per purpose; each key once",
    );
  });

  it("grants no KMS access for S3-managed keys, and nothing without locations", () => {
    const plain = [{ bucket: "jars-b", prefix: "shared/" }];
    assert.deepEqual(
      artifactReadStatements(plain, REGION).map((s) => s.Sid),
      ["ReadJobArtifacts"],
    );
    assert.deepEqual(artifactReadStatements([], REGION), []);
  });
});
