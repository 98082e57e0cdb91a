import { strict as assert } from "assert";
import { COMMENT_LIMIT, diffStack, markdown, RenderFiles } from "../tools/offline/diff";

const resources = (list: [string, string, object, object?][]) =>
  JSON.stringify(list.map(([type, name, inputs, options = {}]) => ({ type, name, inputs, options })));

const base: RenderFiles = {
  resources: resources([
    ["kubernetes:core/v1:Namespace", "ns-a", { metadata: { name: "a" } }],
    ["kubernetes:core/v1:ResourceQuota", "quota-a", { spec: { hard: { "requests.cpu": "8" } } }],
    ["aws:s3/bucket:Bucket", "bucket", { bucket: "state" }, { protect: true, retainOnDelete: true }],
  ]),
  report: '{\n  "namespaces": []\n}\n',
  files: { "manifests/a--resourcequota--flink-quota.yaml": 'spec:\n  hard:\n    requests.cpu: "8"\n' },
};
const head: RenderFiles = {
  resources: resources([
    ["kubernetes:core/v1:ResourceQuota", "quota-a", { spec: { hard: { "requests.cpu": "12" } } }],
    ["kubernetes:core/v1:LimitRange", "limits-a", { spec: {} }],
    ["aws:s3/bucket:Bucket", "bucket", { bucket: "state" }, { retainOnDelete: true }],
  ]),
  report: '{\n  "namespaces": []\n}\n',
  files: {
    "manifests/a--resourcequota--flink-quota.yaml": 'spec:\n  hard:\n    requests.cpu: "12"\n',
    "manifests/a--limitrange--flink-limits.yaml": "spec: {}\n",
  },
};

describe("offline PR diff", () => {
  const d = diffStack("prod", base, head);

  it("lists added, removed and changed resources by type and name", () => {
    assert.deepEqual(d.added, ["kubernetes:core/v1:LimitRange::limits-a"]);
    assert.deepEqual(d.removed, ["kubernetes:core/v1:Namespace::ns-a"]);
    assert.deepEqual(d.changed, ["kubernetes:core/v1:ResourceQuota::quota-a"]);
  });

  it("shows a resource whose inputs are unchanged but whose protect was dropped", () => {
    assert.deepEqual(d.optionChanges, [
      { resource: "aws:s3/bucket:Bucket::bucket", changes: ["protect: true → (default)"] },
    ]);
    const text = markdown([d], {}, { base: "a", head: "b" });
    assert.match(
      text,
      /\*\*Resource options changed \(1\)\*\*\n\n- `aws:s3\/bucket:Bucket::bucket`: `protect: true → \(default\)`/,
    );
  });

  it("gives a unified diff for every manifest that differs, and none for an unchanged report", () => {
    assert.deepEqual(
      d.patches.map((p) => p.path),
      ["manifests/a--limitrange--flink-limits.yaml", "manifests/a--resourcequota--flink-quota.yaml"],
    );
    const quota = d.patches[1].patch;
    assert.match(quota, /^- {4}requests\.cpu: "8"$/m);
    assert.match(quota, /^\+ {4}requests\.cpu: "12"$/m);
    assert.match(d.patches[0].patch, /--- \/dev\/null/);
  });

  it("renders a comment with a per-stack summary and the head's policy verdict", () => {
    const text = markdown(
      [d],
      {
        prod: {
          violations: [
            { policy: "images-pinned", level: "mandatory", resource: "x::y", message: "uses latest" },
          ],
        },
      },
      { base: "abc1234", head: "def5678" },
    );
    assert.ok(
      text.startsWith("<!-- flink-platform offline diff -->"),
      "the marker the comment job updates by",
    );
    assert.match(
      text,
      /\| prod \| 1 \| 1 \| 1 \| 1 \| 2 \| \*\*fail\*\* \(1 violation\(s\), 1 mandatory\) \|/,
    );
    assert.match(text, /\| images-pinned \| mandatory \| `x::y` \| uses latest \|/);
  });

  it("stays under GitHub's comment size limit with a closed code block", () => {
    const big: RenderFiles = { ...head, files: { "manifests/big.yaml": "x: 1\n".repeat(40_000) } };
    const text = markdown([diffStack("prod", base, big)], {}, { base: "a", head: "b" });
    assert.ok(text.length <= COMMENT_LIMIT, String(text.length));
    assert.equal((text.match(/```/g) ?? []).length % 2, 0);
    assert.match(text, /truncated/);
  });

  it("shows a head that does not render", () => {
    const text = markdown(
      [diffStack("dev", base, { files: {}, error: "flink-platform:namespaces: bad" })],
      {},
      { base: "a", head: "b" },
    );
    assert.match(text, /\| dev \| 0 \| 3 \| 0 \| 0 \| 2 \| render failed \|/);
    assert.match(text, /does not render[\s\S]*flink-platform:namespaces: bad/);
  });
});
