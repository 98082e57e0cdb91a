/**
 * State on S3, evaluated with IAM's rules for the requests Flink's S3 client really makes
 * (Hadoop S3A 3.3.4 in every Flink line 1.19–2.2): a checkpoint write HEADs the new key and lists
 * `key/` before the upload, and a missing key answers 404 only to a caller allowed ListBucket.
 */
import { strict as assert } from "assert";
import { manifest, ofType, one, policyDoc, problemsOf, render, stackVariant, validate } from "./harness";
import { evaluate, IamRequest, missingKeyStatus } from "../components/aws/iamEvaluation";
import { PolicyDocument } from "../components/aws/iamPolicies";
import { bucketUserPolicy } from "../components/storage/objectStore";
import { lifecycleRules } from "../components/storage/stateBuckets";
import { RecordedResource } from "../tools/offline/mockRuntime";
import {
  artifactReadStatements,
  namespaceStatePolicy,
  tlsOnlyBucketPolicy,
} from "../components/storage/iamPolicies";
import { operatorArtifactLocations } from "../components/flink/artifacts";
import { resolveModel } from "../config/model";

const prod = () => render(stackVariant("prod"), "prod");
const REGION = "eu-west-1";
const TLS = { "aws:SecureTransport": "true" };
const bucketArn = (ns: string) => `arn:aws:s3:::acme-flink-prod-euw1-${ns}`;
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f";

function prodModel() {
  const v = validate(stackVariant("prod"));
  if (!v.ok) throw new Error(v.problems.join("\n"));
  return resolveModel(v.stack);
}

/** The documents StateBuckets attaches for prod: the namespace role's policy and every bucket's policy. */
function policiesOf(ns: string) {
  const model = prodModel();
  const namespace = model.namespaces.find((n) => n.name === ns)!;
  return {
    identity: [
      namespaceStatePolicy({
        bucketArn: bucketArn(ns),
        keyArn: KEY_ARN,
        region: REGION,
        artifacts: namespace.artifacts,
      }),
    ],
    // Same account: every bucket's policy applies to requests on that bucket; ours only deny non-TLS.
    bucket: model.namespaces.map((n) => tlsOnlyBucketPolicy(bucketArn(n.name))),
    keyArn: KEY_ARN,
  };
}

function operatorPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: artifactReadStatements(operatorArtifactLocations(prodModel()), REGION),
  };
}

const s3 = (action: string, resource: string, context: Record<string, string> = {}): IamRequest => ({
  action: `s3:${action}`,
  resource,
  context: { ...TLS, ...context },
});

describe("state access with IAM semantics (prod)", () => {
  it("lets Flink write a checkpoint: HEAD of the new key answers 404, then put, list, read, delete", async () => {
    const { identity, bucket } = policiesOf("payments");
    const own = bucketArn("payments");
    const key = `${own}/checkpoints/fraud-detection/0b1c/chk-42/_metadata`;
    assert.equal(missingKeyStatus(identity, bucket, "acme-flink-prod-euw1-payments"), 404);
    for (const req of [
      s3("ListBucket", own), // the HEAD's existence rule and listing without a prefix
      s3("ListBucket", own, { "s3:prefix": "checkpoints/fraud-detection/0b1c/chk-42/_metadata/" }),
      s3("GetObject", key),
      s3("PutObject", key),
      s3("DeleteObject", key),
      s3("AbortMultipartUpload", key),
      s3("ListMultipartUploadParts", key),
      s3("ListBucketMultipartUploads", own),
    ]) {
      assert.equal(evaluate(identity, bucket, req), "allow", `${req.action} ${req.resource}`);
    }
  });

  it("lets S3 use the state key for the namespace's own bucket only", async () => {
    const { identity, keyArn } = policiesOf("payments");
    const viaS3 = (ns: string) => ({
      "kms:ViaService": `s3.${REGION}.amazonaws.com`,
      "kms:EncryptionContext:aws:s3:arn": bucketArn(ns),
    });
    for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
      assert.equal(evaluate(identity, [], { action, resource: keyArn, context: viaS3("payments") }), "allow");
      assert.equal(
        evaluate(identity, [], { action, resource: keyArn, context: viaS3("analytics") }),
        "implicit-deny",
        `${action} for another team's bucket`,
      );
      assert.equal(
        evaluate(identity, [], { action, resource: keyArn }),
        "implicit-deny",
        `${action} directly`,
      );
    }
  });

  it("keeps another team's state unreadable, unwritable and unlistable", async () => {
    const { identity, bucket } = policiesOf("payments");
    const other = bucketArn("analytics");
    assert.equal(missingKeyStatus(identity, bucket, "acme-flink-prod-euw1-analytics"), 403);
    for (const req of [
      s3("ListBucket", other),
      s3("ListBucket", other, { "s3:prefix": "checkpoints/" }),
      s3("GetObject", `${other}/savepoints/clickstream-enrichment/sp-1/_metadata`),
      s3("PutObject", `${other}/checkpoints/x`),
      s3("DeleteObject", `${other}/ha/x`),
      s3("AbortMultipartUpload", `${other}/checkpoints/x`),
    ]) {
      assert.notEqual(evaluate(identity, bucket, req), "allow", `${req.action} ${req.resource}`);
    }
  });

  it("refuses every request without TLS, even the namespace's own", async () => {
    const { identity, bucket } = policiesOf("payments");
    const req = s3("GetObject", `${bucketArn("payments")}/checkpoints/x`, { "aws:SecureTransport": "false" });
    assert.equal(evaluate(identity, bucket, req), "explicit-deny");
  });

  it("reads the namespace's jars and nothing else in the artifact bucket", async () => {
    const { identity, bucket } = policiesOf("payments");
    const jar = "arn:aws:s3:::acme-flink-artifacts/payments/fraud-detection-7.2.0.jar";
    assert.equal(evaluate(identity, bucket, s3("GetObject", jar)), "allow");
    assert.notEqual(evaluate(identity, bucket, s3("PutObject", jar)), "allow");
    assert.notEqual(
      evaluate(
        identity,
        bucket,
        s3("GetObject", "arn:aws:s3:::acme-flink-artifacts/analytics/sessionization-1.9.0.jar"),
      ),
      "allow",
    );
  });

  it("lets the operator read only the session jobs' jars", async () => {
    const { resources } = await prod();
    const operator = [operatorPolicy()];
    assert.equal(
      evaluate(
        operator,
        [],
        s3("GetObject", "arn:aws:s3:::acme-flink-artifacts/analytics/daily-aggregates-2.0.3.jar"),
      ),
      "allow",
    );
    assert.notEqual(
      evaluate(operator, [], s3("GetObject", `${bucketArn("analytics")}/savepoints/x`)),
      "allow",
      "no state access",
    );
    // Its role trusts only the operator's service account.
    const trust = policyDoc(one(resources, "aws:iam/role:Role", "storage-s3-operator"), "assumeRolePolicy");
    const cond = trust.Statement[0].Condition.StringEquals;
    assert.ok(Object.values(cond).includes("system:serviceaccount:flink-operator:flink-operator"));
  });

  it("attaches exactly the documents evaluated above: each namespace role's, each bucket's, the operator's", async () => {
    const { resources } = await prod();
    for (const ns of ["analytics", "payments"]) {
      const sse = ofType(
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).find((r) => r.name.includes(`-${ns}-`))!;
      const keyArn = String((sse.inputs as any).rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId);
      const namespace = prodModel().namespaces.find((n) => n.name === ns)!;
      assert.deepEqual(
        policyDoc(one(resources, "aws:iam/rolePolicy:RolePolicy", `storage-s3-${ns}`)),
        namespaceStatePolicy({
          bucketArn: bucketArn(ns),
          keyArn,
          region: REGION,
          artifacts: namespace.artifacts,
        }),
      );
    }
    assert.deepEqual(
      ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").map((r: RecordedResource) => policyDoc(r)),
      ["analytics", "payments"].map((ns) => tlsOnlyBucketPolicy(bucketArn(ns))),
    );
    assert.deepEqual(
      policyDoc(one(resources, "aws:iam/rolePolicy:RolePolicy", "storage-s3-operator")),
      operatorPolicy(),
    );
  });

  it("gives each namespace its own hardened bucket, tagged for cost allocation, protected in production", async () => {
    const { resources } = await prod();
    const buckets = ofType(resources, "aws:s3/bucket:Bucket");
    assert.deepEqual(buckets.map((b) => b.inputs.bucket).sort(), [
      "acme-flink-prod-euw1-analytics",
      "acme-flink-prod-euw1-payments",
    ]);
    for (const b of buckets) {
      assert.ok(b.protect && b.retainOnDelete, `${b.name} is protected and retained`);
      assert.ok((b.inputs.tags as any)["flink-platform/namespace"]);
    }
    assert.equal(ofType(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").length, 2);
    const key = ofType(resources, "aws:kms/key:Key").find((k) => k.name.includes("storage"))!;
    assert.ok(key.protect && key.inputs.enableKeyRotation);
  });

  it("never expires current state by age: RocksDB's shared/ files outlive any age", async () => {
    const { resources } = await prod();
    for (const lc of ofType(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")) {
      for (const rule of (lc.inputs as any).rules) {
        assert.equal(rule.expiration?.days, undefined, rule.id);
        assert.equal(rule.expiration?.date, undefined, rule.id);
      }
      const ids = (lc.inputs as any).rules.map((r: any) => r.id);
      assert.deepEqual(ids, ["expire-noncurrent-versions", "abort-incomplete-uploads"]);
    }
    const [noncurrent] = lifecycleRules({
      noncurrentVersionExpirationDays: 30,
      abortIncompleteUploadDays: 7,
    } as any);
    assert.equal(noncurrent.noncurrentVersionExpiration?.noncurrentDays, 30);
  });

  it("refuses the removed checkpointExpirationDays and bucketName with what to do instead", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.storage.checkpointExpirationDays = 14;
        c.storage.bucketName = "acme-flink-prod-state";
      }),
    );
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /^flink-platform:storage\.bucketName: was replaced by storage\.bucketPrefix/);
    assert.match(
      problems[1],
      /^flink-platform:storage\.checkpointExpirationDays: was removed: .*shared\/.*Remove the key/,
    );
  });
});

describe("state access in the in-cluster store (dev)", () => {
  it("limits each namespace's store user to its own bucket", () => {
    const analytics = [bucketUserPolicy("flink-analytics")] as PolicyDocument[];
    assert.equal(
      evaluate(analytics, [], s3("PutObject", "arn:aws:s3:::flink-analytics/checkpoints/x")),
      "allow",
    );
    assert.equal(missingKeyStatus(analytics, [], "flink-analytics"), 404);
    assert.notEqual(
      evaluate(analytics, [], s3("GetObject", "arn:aws:s3:::flink-payments/checkpoints/x")),
      "allow",
    );
    assert.notEqual(evaluate(analytics, [], s3("ListBucket", "arn:aws:s3:::flink-payments")), "allow");
  });

  it("admits only the Flink namespaces and its setup Job to the store", async () => {
    const { resources } = await render(stackVariant("dev"), "dev");
    const ingress = manifest(resources, "NetworkPolicy", "s3-ingress", "flink-storage");
    assert.deepEqual(ingress.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values, [
      "analytics",
      "payments",
    ]);
  });
});

describe("nothing lost when a job goes away", () => {
  it("savepoints a stateful job before its resource is deleted, and no stateless one", async () => {
    const { resources } = await render(stackVariant("dev"), "dev");
    const conf = (kind: string, name: string) =>
      manifest(resources, kind, name, "analytics").spec.flinkConfiguration ?? {};
    const key = "kubernetes.operator.job.savepoint-on-deletion";
    assert.equal(conf("FlinkDeployment", "clickstream-enrichment")[key], "true"); // last-state
    assert.equal(conf("FlinkDeployment", "top-speeds")[key], undefined); // stateless
    assert.equal(conf("FlinkSessionJob", "top-speed-windowing")[key], "true");
    assert.equal(conf("FlinkSessionJob", "top-speeds-replay")[key], undefined); // stateless
  });

  it("disposes the operator's periodic savepoints when they leave the history, keeps manual ones", async () => {
    const { resources } = await prod();
    const fd = manifest(resources, "FlinkDeployment", "fraud-detection", "payments");
    assert.equal(fd.spec.flinkConfiguration["kubernetes.operator.savepoint.dispose-on-delete"], "true");
    assert.equal(fd.spec.flinkConfiguration["kubernetes.operator.periodic.savepoint.interval"], "6 h");
    const manual = manifest(resources, "FlinkStateSnapshot", "clickstream-pre-3-5", "analytics");
    assert.equal(manual.spec.savepoint.disposeOnDelete, false);
  });
});
