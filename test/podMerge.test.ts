/**
 * Pod settings merge across levels (flink, namespace, cluster, process): lists keyed by name
 * (or mount path) are replaced entry by entry, other lists add up, maps merge with the later
 * level winning, and scalars take the most specific level that sets them.
 */
import { strict as assert } from "assert";
import { mergeLogging, mergePods } from "../config/podMerge";
import { stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";

describe("pod settings across levels", () => {
  it("replaces named entries, adds the rest, merges maps, keeps the most specific scalar", () => {
    const pod = mergePods(
      {
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "1" },
        ],
        envFrom: [{ configMapRef: "team" }],
        volumeMounts: [{ name: "v", mountPath: "/data", readOnly: true }],
        imagePullSecrets: ["regcred"],
        nodeSelector: { pool: "flink", zone: "a" },
        tolerations: [{ key: "k", operator: "Exists" }],
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway" }],
        labels: { team: "payments" },
        annotations: { a: "1" },
        priorityClassName: "low",
      } as any,
      undefined,
      {
        env: [
          { name: "B", value: "2" },
          { name: "C", value: "3" },
        ],
        envFrom: [{ secretRef: "job" }],
        volumeMounts: [{ name: "w", mountPath: "/data", readOnly: false }],
        imagePullSecrets: ["regcred", "other"],
        nodeSelector: { zone: "b" },
        tolerations: [{ key: "j", operator: "Exists" }],
        topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "host", whenUnsatisfiable: "DoNotSchedule" }],
        labels: { job: "fraud" },
        annotations: { b: "2" },
      } as any,
    );
    assert.deepEqual(pod.env, [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      { name: "C", value: "3" },
    ]);
    assert.deepEqual(pod.envFrom, [{ configMapRef: "team" }, { secretRef: "job" }]);
    assert.deepEqual(pod.volumeMounts, [{ name: "w", mountPath: "/data", readOnly: false }]);
    assert.deepEqual(pod.imagePullSecrets, ["regcred", "other"]);
    assert.deepEqual(pod.nodeSelector, { pool: "flink", zone: "b" });
    assert.equal(pod.tolerations.length, 2);
    assert.deepEqual(
      pod.topologySpreadConstraints.map((t: any) => t.topologyKey),
      ["zone", "host"],
    );
    assert.deepEqual(pod.labels, { team: "payments", job: "fraud" });
    assert.deepEqual(pod.annotations, { a: "1", b: "2" });
    assert.equal(pod.priorityClassName, "low", "kept from the level that set it");
    assert.equal(
      mergePods({ priorityClassName: "low" } as any, { priorityClassName: "high" } as any).priorityClassName,
      "high",
    );
  });

  it("log levels merge by logger; the root level and a whole file take the latest level that sets them", () => {
    assert.deepEqual(
      mergeLogging({ rootLevel: "WARN", levels: { a: "INFO", b: "INFO" } } as any, undefined, {
        levels: { b: "DEBUG" },
      } as any),
      { rootLevel: "WARN", levels: { a: "INFO", b: "DEBUG" }, log4jProperties: undefined },
    );
    assert.deepEqual(mergeLogging(), { rootLevel: "INFO", levels: {} });
  });
});

describe("model defaults", () => {
  const model = (stack: "dev" | "prod", edit: (c: any) => void) => {
    const v = validate(stackVariant(stack, edit));
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    return resolveModel(v.stack);
  };
  it("standby JobManagers only with HA", () => {
    assert.ok(model("prod", () => {}).namespaces[0].flinkClusters.every((c) => c.jobManager.replicas === 2));
    const dev = (ha: object) =>
      model("dev", (c) => (c.ha = ha)).namespaces[0].flinkClusters.map((c) => c.jobManager.replicas);
    assert.deepEqual(dev({ mode: "none", jobManagerReplicas: 2 }), [1, 1, 1], "no standby without HA");
    assert.deepEqual(dev({ mode: "kubernetes", jobManagerReplicas: 2 }), [2, 2, 2]);
  });

  it("ships logs to CloudWatch on EKS unless told otherwise", () => {
    assert.equal(model("prod", () => {}).logging.destination, "cloudwatch");
    assert.equal(model("dev", () => {}).logging.destination, "none");
    assert.equal(
      model("prod", (c) => (c.logging = { destination: "none", disabledReason: "node agent" })).logging
        .destination,
      "none",
    );
  });
});
