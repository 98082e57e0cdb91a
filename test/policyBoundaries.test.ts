/**
 * Policies at the edges of what they claim: a quorum that is odd but too small or large but even,
 * a memory limit with no request to compare, a limit factor of "1.0", a TLS deny that is an Allow
 * or has no condition, and chart resource blocks that are not blocks. Each asserts the exact verdict.
 */
import { strict as assert } from "assert";
import { PolicyResource } from "../policies/model";
import { chartRelease, hardenedBucket, verdictsOf } from "./policyResources";

const k8s = (apiKind: string, props: object, name = "r"): PolicyResource => ({
  type: `kubernetes:${apiKind}`,
  name,
  props,
});

describe("policies at their boundaries", () => {
  it("production-zookeeper-quorum: odd and at least 3, nothing else", () => {
    const zk = (replicas: number) =>
      k8s("apps/v1:StatefulSet", {
        metadata: { labels: { "app.kubernetes.io/name": "zookeeper" } },
        spec: { replicas },
      });
    const verdicts = [1, 2, 3, 4, 5, 6, 7].map((n) => verdictsOf("production-zookeeper-quorum", [zk(n)]));
    assert.deepEqual(verdicts, [
      ["kubernetes:apps/v1:StatefulSet::r: has 1 members; use an odd number ≥ 3"],
      ["kubernetes:apps/v1:StatefulSet::r: has 2 members; use an odd number ≥ 3"],
      [],
      ["kubernetes:apps/v1:StatefulSet::r: has 4 members; use an odd number ≥ 3"],
      [],
      ["kubernetes:apps/v1:StatefulSet::r: has 6 members; use an odd number ≥ 3"],
      [],
    ]);
  });

  describe("memory-limit-equals-request", () => {
    const deployment = (resources: object) =>
      k8s("apps/v1:Deployment", { spec: { template: { spec: { containers: [{ name: "c", resources }] } } } });

    it("compares only a request and a limit that are both set, by quantity not by spelling", () => {
      const cases: [object, string[]][] = [
        [{ requests: { memory: "1Gi" } }, []],
        [{ limits: { memory: "1Gi" } }, []],
        [{ requests: { memory: "1Gi" }, limits: { memory: "1024Mi" } }, []],
        [
          { requests: { memory: "1Gi" }, limits: { memory: "2Gi" } },
          [
            'kubernetes:apps/v1:Deployment::r: container "c" (pod template) has memory limit 2Gi ≠ request 1Gi',
          ],
        ],
      ];
      for (const [resources, want] of cases)
        assert.deepEqual(
          verdictsOf("memory-limit-equals-request", [deployment(resources)]),
          want,
          JSON.stringify(resources),
        );
    });

    it("reads limit factors on FlinkDeployments only, where they size pods; 1 however written", () => {
      const conf = (factor: string) => ({
        "kubernetes.taskmanager.memory.limit-factor": factor,
        "kubernetes.jobmanager.cpu.limit-factor": factor,
      });
      const flink = (factor: string) =>
        k8s(
          "flink.apache.org/v1beta1:FlinkDeployment",
          { spec: { flinkConfiguration: conf(factor) } },
          "job",
        );
      assert.deepEqual(verdictsOf("memory-limit-equals-request", [flink("1.0")]), []);
      assert.deepEqual(verdictsOf("memory-limit-equals-request", [flink("1.5")]), [
        "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: kubernetes.jobmanager.cpu.limit-factor is 1.5; it must be 1",
        "kubernetes:flink.apache.org/v1beta1:FlinkDeployment::job: kubernetes.taskmanager.memory.limit-factor is 1.5; it must be 1",
      ]);
      // A session job's configuration does not size the session cluster's pods.
      const sessionJob = k8s("flink.apache.org/v1beta1:FlinkSessionJob", {
        spec: { flinkConfiguration: conf("2") },
      });
      assert.deepEqual(verdictsOf("memory-limit-equals-request", [sessionJob]), []);
    });
  });

  it("resource-caps: judges resource blocks in chart values, not empty or misshapen ones", () => {
    const judged = (resources: unknown) =>
      verdictsOf("resource-caps", [chartRelease({ app: { resources } })]);
    for (const notABlock of [{}, [], "none", null])
      assert.deepEqual(judged(notABlock), [], JSON.stringify(notABlock));
    assert.deepEqual(judged({ limits: { cpu: "100" } }), [
      "kubernetes:helm.sh/v3:Release::r: values.app.resources asks for 100 cpu, above the cap of 8",
    ]);
    assert.deepEqual(
      verdictsOf("resource-caps", [chartRelease({ resources: { requests: { memory: "1Ti" } } })]),
      ["kubernetes:helm.sh/v3:Release::r: values.resources asks for 1024Gi memory, above the cap of 32Gi"],
    );
  });

  describe("s3-bucket-hardened: the TLS-only deny", () => {
    const NAME = "state";
    const ARN = `arn:aws:s3:::${NAME}`;
    const TLS = { Bool: { "aws:SecureTransport": "false" } };
    const stack = (statements: object[], { nameKnown = true } = {}) =>
      hardenedBucket(nameKnown ? NAME : undefined, "store", [], statements);
    const deny = (extra: object = {}) => ({
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [ARN, `${ARN}/*`],
      Condition: TLS,
      ...extra,
    });
    const MISSING = [
      "state-bucket: has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)",
    ];

    it("counts a Deny of insecure transport on the objects, among other statements", () => {
      assert.deepEqual(verdictsOf("s3-bucket-hardened", stack([deny()])), []);
      assert.deepEqual(verdictsOf("s3-bucket-hardened", stack([deny({ Resource: "*" })])), []);
      const reader = {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::1:role/jobs" },
        Action: "s3:GetObject",
        Resource: `${ARN}/*`,
      };
      assert.deepEqual(verdictsOf("s3-bucket-hardened", stack([reader, deny()])), []);
    });

    it("does not count an Allow, a Deny without the condition or with it true, or one on the bucket alone", () => {
      for (const st of [
        deny({ Effect: "Allow" }),
        deny({ Condition: undefined }),
        deny({ Condition: { Bool: { "aws:SecureTransport": "true" } } }),
        deny({ Resource: ARN }),
      ])
        assert.deepEqual(verdictsOf("s3-bucket-hardened", stack([st])), MISSING, JSON.stringify(st));
    });

    it("while the bucket's name is unknown, takes its objects as covered by whatever the deny names", () => {
      assert.deepEqual(
        verdictsOf("s3-bucket-hardened", stack([deny({ Resource: "computed" })], { nameKnown: false })),
        [],
      );
    });
  });
});
