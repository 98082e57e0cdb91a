/**
 * Team namespaces as the program renders them: quota, LimitRange, Pod Security and
 * NetworkPolicies in the manifests, and every namespace's fit in report.json. The arithmetic
 * behind them is unit-tested in governance.test.ts.
 */
import { strict as assert } from "assert";
import { stringify } from "yaml";
import { loadStackDoc, manifest, render, stackVariant, validate } from "./harness";
import { resolveModel } from "../config/model";

const stackText = (stack: "dev" | "prod") => stringify(loadStackDoc(stack));

function model(stack: "dev" | "prod") {
  const v = validate(stackVariant(stack));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  return resolveModel(v.stack);
}

describe("namespaces as rendered", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: report.json lists every namespace's requests against its quota`, async () => {
      const { report } = await render(stackText(stack), stack);
      const names = report.namespaces.map((n) => n.name);
      assert.deepEqual(names, [...names].sort());
      assert.deepEqual(
        names,
        model(stack)
          .namespaces.map((n) => n.name)
          .sort(),
      );
      for (const n of report.namespaces) {
        assert.deepEqual(Object.keys(n).sort(), [
          "ceiling",
          "fits",
          "limits",
          "name",
          "quota",
          "requests",
          "upgradeHeadroom",
        ]);
        assert.equal(typeof n.requests.cpu, "number");
        assert.ok(Number.isInteger(n.requests.memory));
        assert.equal(n.fits, true);
      }
    });
  }

  it("give every Flink namespace a quota, a LimitRange and Pod Security 'restricted'", async () => {
    const { resources } = await render(stackText("prod"), "prod");
    for (const ns of ["analytics", "payments"]) {
      const quota = manifest(resources, "ResourceQuota", "flink-quota", ns).spec.hard;
      for (const key of [
        "requests.cpu",
        "requests.memory",
        "limits.cpu",
        "limits.memory",
        "pods",
        "persistentvolumeclaims",
      ]) {
        assert.ok(quota[key], `${ns} quota ${key}`);
      }
      assert.equal(quota["count/flinkdeployments.flink.apache.org"], "20");
      const [limit] = manifest(resources, "LimitRange", "flink-limits", ns).spec.limits;
      assert.deepEqual(limit.max, { cpu: "8", memory: "32Gi" });
      assert.deepEqual(limit.maxLimitRequestRatio, { memory: "1" });
      assert.deepEqual(limit.default, limit.defaultRequest);
      const labels = manifest(resources, "Namespace", ns).metadata.labels;
      assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted");
    }
  });

  it("deny all traffic by default and allow exactly Flink's flows", async () => {
    const { resources } = await render(stackText("dev"), "dev");
    const policies = resources
      .map((r) => r.inputs as any)
      .filter((m) => m?.kind === "NetworkPolicy" && m.metadata.namespace === "analytics");
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    assert.deepEqual(Object.keys(byName).sort(), [
      "default-deny",
      "dns-egress",
      "flink-internal",
      "https-egress",
      "object-store-egress",
      "operator-to-jobmanager",
      "prometheus-scrape",
    ]);
    assert.deepEqual(byName["default-deny"], { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const fromNs = (spec: any) =>
      spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"];
    assert.equal(fromNs(byName["operator-to-jobmanager"]), "flink-operator");
    assert.deepEqual(byName["operator-to-jobmanager"].ingress[0].ports, [{ port: 8081, protocol: "TCP" }]);
    assert.equal(fromNs(byName["prometheus-scrape"]), "monitoring");
    assert.deepEqual(byName["prometheus-scrape"].ingress[0].ports, [{ port: 9249, protocol: "TCP" }]);
    assert.deepEqual(byName["object-store-egress"].egress[0].ports, [{ port: 9000, protocol: "TCP" }]);
    assert.deepEqual(
      byName["dns-egress"].egress[0].ports.map((p: any) => p.protocol),
      ["UDP", "TCP"],
    );
  });
});
