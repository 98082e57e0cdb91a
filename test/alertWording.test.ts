/**
 * What the alert rules say to the person paged: thresholds as percentages, and the namespaces
 * they watch, in a stable order (a reordered regex would be a spurious diff on every preview).
 */
import { strict as assert } from "assert";
import { stackVariant, validate } from "./harness";
import { flinkAlertRules, isAlert } from "../components/monitoring/alertRules";
import { resolveModel } from "../config/model";

function alerts(namespaces: string[], edit: Record<string, number> = {}) {
  const v = validate(stackVariant("prod"));
  if (!v.ok) throw new Error(JSON.stringify(v.problems));
  const thresholds = { ...resolveModel(v.stack).monitoring.alerts, ...edit };
  const rules = flinkAlertRules({ thresholds, namespaces })
    .flatMap((g) => g.rules)
    .filter(isAlert);
  return new Map(rules.map((r) => [r.alert, r]));
}

describe("alert wording", () => {
  it("states ratios as percentages, to a tenth", () => {
    const byName = alerts(["payments"], { heapUsageRatio: 0.875, quotaUsageRatio: 0.9 });
    assert.match(
      byName.get("FlinkHeapPressure")!.annotations.description,
      / has used more than 87\.5% of its heap /,
    );
    assert.match(
      byName.get("FlinkNamespaceQuotaNearlyFull")!.annotations.description,
      / uses more than 90% of its \{\{ \$labels\.resource \}\} quota;/,
    );
  });

  it("watches the namespaces in sorted order, whatever order the stack lists them in", () => {
    const quota = (ns: string[]) => alerts(ns).get("FlinkNamespaceQuotaNearlyFull")!.expr;
    assert.equal(quota(["payments", "analytics"]), quota(["analytics", "payments"]));
    assert.match(quota(["payments", "analytics"]), /namespace=~"analytics\|payments"/);
  });
});
