/**
 * The EKS cluster role's use of the secrets key, evaluated with IAM's rules: the envelope
 * encryption actions on that one key, and nothing that administers or reaches another key.
 */
import { strict as assert } from "assert";
import { evaluate } from "../components/aws/iamEvaluation";
import { clusterKmsPolicy } from "../components/cluster/iamPolicies";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000001";
const OTHER = "arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000002";

describe("cluster secrets key (IAM)", () => {
  const role = () => [clusterKmsPolicy(KEY)];

  it("lets the cluster role encrypt, decrypt, describe and grant on its key", () => {
    for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"]) {
      assert.equal(evaluate(role(), [], { action, resource: KEY }), "allow", action);
    }
  });

  it("reaches no other key and cannot administer its own", () => {
    assert.equal(evaluate(role(), [], { action: "kms:Decrypt", resource: OTHER }), "implicit-deny");
    for (const action of [
      "kms:ScheduleKeyDeletion",
      "kms:PutKeyPolicy",
      "kms:DisableKey",
      "kms:GenerateDataKey",
    ]) {
      assert.equal(evaluate(role(), [], { action, resource: KEY }), "implicit-deny", action);
    }
  });
});
