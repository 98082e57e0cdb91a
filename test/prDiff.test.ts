import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { COMMENT_LIMIT, diffStack, markdown, RenderFiles } from "../tools/offline/diff";
import { StackReview } from "../tools/offline/review/review";

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
    // State at risk counts the dropped protect; nothing restarts or is replaced.
    assert.match(
      text,
      /\| prod \| 1 \| 0 \| 0 \| 1 \| 1 \| 1 \| 1 \| 2 \| \*\*fail\*\* \(1 violation\(s\), 1 mandatory\) \|/,
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

  it("keeps a long review within the comment: rows capped, the rest pointed to review.json", () => {
    const d = diffStack("prod", base, head);
    const row = (i: number) => ({
      resource: `kubernetes:core/v1:Namespace::ns-${i}`,
      what: "w".repeat(200),
      change: "deleted",
      lost: "l".repeat(600),
      keep: "k".repeat(600),
    });
    d.review = { ...d.review!, atRisk: Array.from({ length: 300 }, (_, i) => row(i)) };
    const text = markdown([d], {}, { base: "a", head: "b" });
    assert.ok(text.length <= COMMENT_LIMIT, String(text.length));
    assert.match(text, /<details><summary>300 stateful resources<\/summary>/);
    assert.match(text, /… and 275 more in `review.json`/);
  });

  it("shows a head that does not render", () => {
    const text = markdown(
      [diffStack("dev", base, { files: {}, error: "flink-platform:namespaces: bad" })],
      {},
      { base: "a", head: "b" },
    );
    assert.match(text, /\| dev \| - \| - \| - \| 0 \| 3 \| 0 \| 0 \| 2 \| render failed \|/);
    assert.match(text, /does not render[\s\S]*flink-platform:namespaces: bad/);
  });
});

/** A throwaway repository holding this checkout's files, committed as its first commit. */
function scratchRepo(): { dir: string; git: (...args: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), "pr-diff-repo-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f && f !== "node_modules" && existsSync(f));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(f, join(dir, f));
  }
  symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
    }).trim();
  git("init", "-q");
  git("add", "-A", "--", ".", ":!node_modules");
  git("commit", "-qm", "base");
  return { dir, git };
}

describe("offline PR diff of two commits (git worktrees, real renders)", function () {
  // Two renders of prod and two worktrees: about 10 s.
  this.timeout(120_000);

  it("lists a renamed stateful job and the buckets' dropped protect, and no restart for new alert thresholds", () => {
    const { dir, git } = scratchRepo();
    const out = `${dir}-out`;
    try {
      const edit = (file: string, from: RegExp | string, to: string) => {
        const text = readFileSync(join(dir, file), "utf8");
        assert.notEqual(text.replace(from, to), text, `${file}: ${from} not found`);
        writeFileSync(join(dir, file), text.replace(from, to));
      };
      edit("Pulumi.prod.yaml", /- name: sessionization$/m, "- name: sessionization-v2");
      git("commit", "-qam", "rename a stateful job");
      edit(
        "Pulumi.prod.yaml",
        "  flink-platform:monitoring:\n",
        "  flink-platform:monitoring:\n    alerts:\n      restartsPer15m: 9\n",
      );
      git("commit", "-qam", "alert thresholds only");
      edit(
        "components/storage/stateBuckets.ts",
        "{ parent: this, protect: args.protect, retainOnDelete: args.protect }",
        "{ parent: this, retainOnDelete: args.protect }",
      );
      git("commit", "-qam", "drop protect from the state buckets");

      const run = spawnSync(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          "tools/prDiff.ts",
          "--base",
          "HEAD~3",
          "--head",
          "HEAD",
          "--stacks",
          "prod",
          "--out",
          out,
        ],
        { cwd: dir, encoding: "utf8" },
      );
      assert.equal(run.status, 0, run.stderr);
      const review = JSON.parse(readFileSync(join(out, "review.json"), "utf8")).prod as StackReview;
      assert.deepEqual(
        review.atRisk.map((r) => [r.what, r.change]),
        [["FlinkDeployment analytics/sessionization (last-state)", "deleted"]],
      );
      assert.deepEqual(
        review.guardsRemoved.map((g) => [g.resource, g.option]),
        [
          ["aws:s3/bucket:Bucket::flink-platform-storage-s3-analytics-bucket", "protect"],
          ["aws:s3/bucket:Bucket::flink-platform-storage-s3-payments-bucket", "protect"],
        ],
      );
      assert.deepEqual(review.restarts, []);
      assert.deepEqual(review.noRestart, []);
      assert.deepEqual(review.replacements, []);

      const md = readFileSync(join(out, "diff.md"), "utf8");
      assert.ok(md.length <= COMMENT_LIMIT);
      assert.match(md, /\| prod \| 3 \| 0 \| 0 \|/);
      assert.match(
        md,
        /### State at risk[\s\S]*\| prod \| FlinkDeployment analytics\/sessionization \(last-state\) \| deleted \|/,
      );
      assert.match(md, /\*\*Protection removed\*\*/);
      assert.match(md, /### Jobs that restart\n\nNone: no Flink job or session cluster restarts\./);
      // The per-stack part keeps the raw option change.
      assert.match(md, /`protect: true → \(default\)`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
