/**
 * Every policy tolerates any input left out. Most inputs of a Kubernetes object or an AWS
 * resource are optional, and the pack judges every resource of the stack: a policy that throws on
 * a missing key fails the whole `pulumi preview` (the policy server re-raises anything but an
 * unknown-value error as a gRPC error: @pulumi/policy 1.21.0 server.js), whatever the stack's compliance. Each shipped
 * stack's resources are rendered, then every key at every depth is left out in turn.
 */
import { strict as assert } from "assert";
import { stringify } from "yaml";
import { loadStackDoc, render } from "./harness";
import { PolicyResource, POLICIES } from "../policies/policies";
import { DEFAULT_SETTINGS } from "../policies/model";

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Every key path of an input tree, lists crossed by index. */
function keyPaths(v: unknown, at: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keyPaths(x, [...at, i]));
  if (!v || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => [[...at, k], ...keyPaths(x, [...at, k])]);
}

/** Runs `check` with the key at `path` left out of `props` (a private copy), then puts it back. */
function leftOut(props: Json, path: Path, check: () => void): void {
  let parent = props as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const key = path[path.length - 1];
  const kept = parent[key];
  delete parent[key];
  try {
    check();
  } finally {
    parent[key] = kept;
  }
}

/** The first policy that throws on these resources, with its error; undefined when none does. */
function thrower(resources: PolicyResource[], changed: PolicyResource): string | undefined {
  for (const policy of POLICIES) {
    try {
      if (policy.kind === "resource") policy.check(changed, DEFAULT_SETTINGS);
      else policy.check(resources, DEFAULT_SETTINGS);
    } catch (e) {
      return `${policy.name}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/**
 * One of each resource type, and the whole namespace of the largest FlinkDeployment so that
 * the cross-resource policies (quotas, NetworkPolicies, Pod Security) find their neighbours.
 */
function representatives(resources: PolicyResource[]): PolicyResource[] {
  const size = (r: PolicyResource) => keyPaths(r.props).length;
  const flink = resources
    .filter((r) => r.type.endsWith(":FlinkDeployment"))
    .sort((a, b) => size(b) - size(a))[0];
  const ns = flink.props.metadata?.namespace as string;
  const inNs = (r: PolicyResource) => r.props.metadata?.namespace === ns || r.props.metadata?.name === ns;
  const picked = resources.filter(inNs);
  for (const r of resources) if (!picked.some((x) => x.type === r.type)) picked.push(r);
  return picked;
}

describe("policies over resources with inputs left out", () => {
  it("prod: no policy throws when any one input of any resource is left out, or all of them", async function () {
    this.timeout(120_000);
    const { resources: recorded } = await render(stringify(loadStackDoc("prod")), "prod");
    const resources = representatives(
      recorded.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent ?? undefined,
        props: JSON.parse(JSON.stringify(r.inputs)) as Json, // a private copy: keys are left out in place
        opts: { protect: r.protect, retainOnDelete: r.retainOnDelete },
      })),
    );
    const failures: string[] = [];
    let tried = 0;
    for (const r of resources) {
      const attempt = (left: string) => {
        tried++;
        const error = thrower(resources, r);
        if (error) failures.push(`${r.type}::${r.name} without ${left}: ${error}`);
      };
      for (const path of keyPaths(r.props)) leftOut(r.props, path, () => attempt(path.join(".")));
      const all = r.props;
      r.props = {};
      attempt("all inputs");
      r.props = all;
    }
    assert.ok(tried > 1000, `only ${tried} variants`);
    assert.deepEqual(failures.slice(0, 20), []);
  });
});
