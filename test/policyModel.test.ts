/**
 * How the policy pack reads resource inputs: quantities as Kubernetes parses them
 * (apimachinery `resource.Quantity`: optional sign, digits on either side of the point or both,
 * a decimal exponent or one suffix), Flink sizes as Flink parses them (`MemorySize.parse`: whole number, optional
 * whitespace, a unit in any case), and the pod specs, containers, chart values and IAM statements
 * the policies judge. A policy that misreads its input passes what it should refuse.
 */
import { strict as assert } from "assert";
import {
  containersOf,
  kindOf,
  list,
  podSpecsOf,
  PolicyResource,
  statementsOf,
  valuesWalk,
} from "../policies/model";
import { parseFlinkMemory, parseQuantity } from "../policies/quantities";

const Gi = 2 ** 30;
const k8s = (kind: string, spec?: unknown): PolicyResource => ({
  type: `kubernetes:apps/v1:${kind}`,
  name: kind.toLowerCase(),
  props: spec === undefined ? {} : { spec },
});
const pod = (...names: string[]) => ({ containers: names.map((name) => ({ name })) });

describe("policy pack input model", () => {
  describe("Kubernetes quantities", () => {
    it("reads signs, fractions, exponents and every suffix, binary and decimal apart", () => {
      const cases: [unknown, number][] = [
        ["2", 2],
        ["+2", 2],
        ["-2", -2],
        ["1.25", 1.25],
        ["1.25Gi", 1.25 * Gi],
        ["1.", 1],
        [".5", 0.5],
        ["-.5", -0.5],
        ["1Ei", 2 ** 60],
        ["1E", 1e18],
        ["500m", 0.5],
        ["1k", 1e3],
        ["1Ki", 1024],
        ["1M", 1e6],
        ["1Mi", 2 ** 20],
        ["1m", 1e-3],
        ["1e3", 1e3],
        ["1E3", 1e3],
        ["1e+3", 1e3],
        ["1e-3", 1e-3],
        ["2e10", 2e10],
        [" 2Gi ", 2 * Gi],
        [4, 4],
      ];
      for (const [text, want] of cases) assert.equal(parseQuantity(text), want, String(text));
    });

    it("refuses anything else rather than reading a prefix or a suffix of it", () => {
      for (const bad of [
        "x2",
        "2x",
        "2 Gi",
        "2Gi x",
        ".",
        "+",
        "1..5",
        "1e",
        "1e1.5",
        "1ee3",
        "2GiB",
        "",
        Infinity,
        NaN,
        null,
      ]) {
        assert.equal(parseQuantity(bad), undefined, String(bad));
      }
    });
  });

  describe("Flink memory sizes", () => {
    it("reads a whole number with Flink's units, in any case and after spaces", () => {
      const cases: [string, number][] = [
        ["1024", 1024],
        ["1024b", 1024],
        ["2048m", 2 * Gi],
        ["2048 mb", 2 * Gi],
        ["2g", 2 * Gi],
        ["2G", 2 * Gi],
        ["2gb", 2 * Gi],
        ["2 gibibytes", 2 * Gi],
        ["1t", 2 ** 40],
        [" 2g ", 2 * Gi],
      ];
      for (const [text, want] of cases) assert.equal(parseFlinkMemory(text), want, text);
    });

    it("refuses fractions, unknown units and trailing or leading text", () => {
      for (const bad of ["1.5g", "2x", "2gibs", "x2g", "2g x", "2 g b", "g", "", 2048, undefined]) {
        assert.equal(parseFlinkMemory(bad), undefined, String(bad));
      }
    });
  });

  describe("Kubernetes objects", () => {
    it("takes the kind from a Kubernetes type only", () => {
      assert.equal(kindOf("kubernetes:apps/v1:Deployment"), "Deployment");
      assert.equal(kindOf("kubernetes:helm.sh/v3:Release"), "Release");
      assert.equal(kindOf("aws:s3/bucket:Bucket"), undefined);
    });

    it("finds the pod spec of every workload kind, and an empty one where none is set", () => {
      const spec = pod("app");
      const cases: [PolicyResource, { where: string; spec: unknown }[]][] = [
        [k8s("Pod", spec), [{ where: "pod", spec }]],
        [k8s("Pod"), [{ where: "pod", spec: {} }]],
        ...["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].map(
          (kind): [PolicyResource, { where: string; spec: unknown }[]] => [
            k8s(kind, { template: { spec } }),
            [{ where: "pod template", spec }],
          ],
        ),
        [k8s("Deployment"), [{ where: "pod template", spec: {} }]],
        [k8s("Deployment", { template: {} }), [{ where: "pod template", spec: {} }]],
        [
          k8s("CronJob", { jobTemplate: { spec: { template: { spec } } } }),
          [{ where: "pod template", spec }],
        ],
        [k8s("CronJob"), [{ where: "pod template", spec: {} }]],
        [k8s("CronJob", { jobTemplate: {} }), [{ where: "pod template", spec: {} }]],
        [k8s("CronJob", { jobTemplate: { spec: {} } }), [{ where: "pod template", spec: {} }]],
        [k8s("Service", { template: { spec } }), []],
      ];
      for (const [r, want] of cases)
        assert.deepEqual(podSpecsOf(r), want, `${r.type} ${JSON.stringify(r.props)}`);
    });

    it("finds each of a FlinkDeployment's three pod templates, skipping those without a spec", () => {
      const [shared, jm, tm] = [pod("a"), pod("b"), pod("c")];
      const flink = (spec?: unknown) => ({
        ...k8s("FlinkDeployment", spec),
        type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
      });
      assert.deepEqual(
        podSpecsOf(
          flink({
            podTemplate: { spec: shared },
            jobManager: { podTemplate: { spec: jm } },
            taskManager: { podTemplate: { spec: tm } },
          }),
        ),
        [
          { where: "podTemplate", spec: shared },
          { where: "jobManager.podTemplate", spec: jm },
          { where: "taskManager.podTemplate", spec: tm },
        ],
      );
      assert.deepEqual(podSpecsOf(flink({ taskManager: { podTemplate: { spec: tm } } })), [
        { where: "taskManager.podTemplate", spec: tm },
      ]);
      assert.deepEqual(podSpecsOf(flink({ jobManager: { podTemplate: { spec: jm } }, taskManager: {} })), [
        { where: "jobManager.podTemplate", spec: jm },
      ]);
      assert.deepEqual(podSpecsOf(flink({ podTemplate: { metadata: {} } })), []);
      assert.deepEqual(podSpecsOf(flink()), []);
    });

    it("labels each container with its name and place, init containers first; only Flink's main container is Flink's", () => {
      const spec = { initContainers: [{ name: "init" }], containers: [{ name: "flink-main-container" }, {}] };
      const labels = (r: PolicyResource) => containersOf(r).map((c) => `${c.label} ${c.flinkMain}`);
      assert.deepEqual(labels(k8s("Deployment", { template: { spec } })), [
        'container "init" (pod template) false',
        'container "flink-main-container" (pod template) false',
        'container "?" (pod template) false',
      ]);
      const flink = {
        ...k8s("FlinkDeployment", { podTemplate: { spec } }),
        type: "kubernetes:flink.apache.org/v1beta1:FlinkDeployment",
      };
      assert.deepEqual(labels(flink), [
        'container "init" (podTemplate) false',
        'container "flink-main-container" (podTemplate) true',
        'container "?" (podTemplate) false',
      ]);
    });
  });

  it("walks every object in chart values with its dotted path, list items by index", () => {
    const seen: string[] = [];
    valuesWalk({ a: { b: [{ c: 1 }, 2, [{ d: {} }]] }, e: "x" }, (path) => seen.push(path));
    assert.deepEqual(seen, ["", "a", "a.b[0]", "a.b[2][0]", "a.b[2][0].d"]);
    const none: string[] = [];
    valuesWalk("text", (path) => none.push(path));
    assert.deepEqual(none, []);
  });

  it("reads IAM statements from a document or its JSON, one statement or many", () => {
    const s = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
    assert.deepEqual(statementsOf({ Statement: [s, s] }), [s, s]);
    assert.deepEqual(statementsOf({ Statement: s }), [s]);
    assert.deepEqual(statementsOf(JSON.stringify({ Statement: s })), [s]);
    assert.equal(statementsOf("{not json"), undefined);
    assert.equal(statementsOf({ Version: "2012-10-17" }), undefined);
    assert.equal(statementsOf(undefined), undefined);
    assert.deepEqual(list(undefined), []);
    assert.deepEqual(list("a"), ["a"]);
    assert.deepEqual(list(["a", "b"]), ["a", "b"]);
  });
});
