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
