/**
 * The offline PR view: what a change does to each stack's render, as Markdown for a pull
 * request comment or job summary. Pure over two render directories' contents.
 */
import { createTwoFilesPatch } from "diff";
import { MAX_ROWS, reviewMarkdown } from "./review/markdown";
import { byKey, parseRecords } from "./review/records";
import { reviewStack, StackReview } from "./review/review";

export interface RenderFiles {
  /** resources.json text, or undefined when the render failed. */
  resources?: string;
  report?: string;
  /** Manifest and release files by relative path (`manifests/x.yaml`, `releases/y.yaml`). */
  files: Record<string, string>;
  /** What the render printed when it failed (config problems). */
  error?: string;
}

/** A resource whose recorded options differ: `protect: true → (default)`. */
export interface OptionChange {
  resource: string;
  changes: string[];
}

export interface StackDiff {
  stack: string;
  added: string[];
  removed: string[];
  changed: string[];
  /** Resources present in both renders whose options (protect, dependsOn, provider...) changed. */
  optionChanges: OptionChange[];
  /** Unified diffs of report.json and every manifest / release file that differs. */
  patches: { path: string; patch: string }[];
  /** State at risk, restarts and replacements; absent when the head does not render. */
  review?: StackReview;
  baseError?: string;
  headError?: string;
}

const show = (v: unknown) => (v === undefined ? "(default)" : JSON.stringify(v));

/** Each option key whose value differs; an omitted key is the default. */
export function optionDifferences(
  before: Record<string, unknown> = {},
  after: Record<string, unknown> = {},
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${show(before[k])} → ${show(after[k])}`);
}

function patch(path: string, before: string | undefined, after: string | undefined) {
  return createTwoFilesPatch(
    before === undefined ? "/dev/null" : `a/${path}`,
    after === undefined ? "/dev/null" : `b/${path}`,
    before ?? "",
    after ?? "",
    undefined,
    undefined,
    { context: 3 },
  )
    .split("\n")
    .slice(1) // the "====" banner
    .join("\n");
}

export function diffStack(stack: string, base: RenderFiles, head: RenderFiles): StackDiff {
  const [baseRecords, headRecords] = [parseRecords(base.resources), parseRecords(head.resources)];
  const before = byKey(baseRecords);
  const after = byKey(headRecords);
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const both = [...after.keys()].filter((k) => before.has(k)).sort();
  const changed = both.filter(
    (k) => JSON.stringify(before.get(k)!.inputs) !== JSON.stringify(after.get(k)!.inputs),
  );
  const optionChanges = both
    .map((k) => ({ resource: k, changes: optionDifferences(before.get(k)!.options, after.get(k)!.options) }))
    .filter((c) => c.changes.length > 0);

  const patches: StackDiff["patches"] = [];
  if (base.report !== head.report)
    patches.push({ path: "report.json", patch: patch("report.json", base.report, head.report) });
  const paths = [...new Set([...Object.keys(base.files), ...Object.keys(head.files)])].sort();
  for (const path of paths) {
    if (base.files[path] !== head.files[path]) {
      patches.push({ path, patch: patch(path, base.files[path], head.files[path]) });
    }
  }
  return {
    stack,
    added,
    removed,
    changed,
    optionChanges,
    patches,
    review: head.resources === undefined ? undefined : reviewStack(baseRecords, headRecords),
    baseError: base.error,
    headError: head.error,
  };
}

export interface PolicyOutcome {
  violations: { policy: string; level: string; resource: string; message: string }[];
}

/** GitHub refuses comments over 65,536 characters; leave room for the header. */
export const COMMENT_LIMIT = 60_000;

function list(title: string, keys: string[]): string {
  if (keys.length === 0) return "";
  const shown = keys.slice(0, 50).map((k) => `- \`${k}\``);
  if (keys.length > 50) shown.push(`- … and ${keys.length - 50} more`);
  return `**${title} (${keys.length})**\n\n${shown.join("\n")}\n\n`;
}

/** Option changes come first: a dropped `protect` matters more than most input changes. */
function optionList(changes: OptionChange[]): string {
  if (changes.length === 0) return "";
  const rows = changes.map((c) => `- \`${c.resource}\`: ${c.changes.map((x) => `\`${x}\``).join(", ")}`);
  return `**Resource options changed (${changes.length})**\n\n${rows.join("\n")}\n\n`;
}

export function markdown(
  diffs: StackDiff[],
  policies: Record<string, PolicyOutcome | undefined>,
  refs: { base: string; head: string },
): string {
  const parts = [
    "<!-- flink-platform offline diff -->",
    `## Offline render diff: \`${refs.base}\` → \`${refs.head}\``,
    "",
    "Rendered without cloud credentials (`npm run render`, Pulumi's mock runtime): what each stack would register, not a live `pulumi preview`.",
    "",
    "| stack | state at risk | restarts | replaced | added | removed | changed | options | files | policies |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...diffs.map((d) => {
      const p = policies[d.stack];
      const mandatory = p?.violations.filter((v) => v.level === "mandatory").length ?? 0;
      const verdict = d.headError
        ? "render failed"
        : !p
          ? "not run"
          : p.violations.length === 0
            ? "pass"
            : `${mandatory ? "**fail**" : "pass"} (${p.violations.length} violation(s), ${mandatory} mandatory)`;
      const r = d.review;
      const counts = r
        ? [r.atRisk.length + r.guardsRemoved.length, r.restarts.length, r.replacements.length]
        : ["-", "-", "-"];
      return `| ${d.stack} | ${counts.join(" | ")} | ${d.added.length} | ${d.removed.length} | ${d.changed.length} | ${d.optionChanges.length} | ${d.patches.length} | ${verdict} |`;
    }),
    "",
  ];
  // The review comes first; it keeps at most ~70% of the comment, with fewer rows per table if needed.
  const reviews = diffs.filter((d) => d.review).map((d) => ({ stack: d.stack, review: d.review! }));
  const review = [MAX_ROWS, 10, 3]
    .map((max) => reviewMarkdown(reviews, max))
    .find((text, i, all) => text.length < COMMENT_LIMIT * 0.7 || i === all.length - 1)!;
  parts.push(review, "## Per stack", "");
  let body = "";
  for (const d of diffs) {
    body += `### ${d.stack}\n\n`;
    if (d.headError)
      body += `**The head commit does not render:**\n\n\`\`\`\n${d.headError.trim()}\n\`\`\`\n\n`;
    if (d.baseError) body += `_The base commit did not render; everything below is relative to nothing._\n\n`;
    const violations = policies[d.stack]?.violations ?? [];
    if (violations.length) {
      body += `**Policy violations**\n\n| policy | level | resource | message |\n| --- | --- | --- | --- |\n`;
      body +=
        violations.map((v) => `| ${v.policy} | ${v.level} | \`${v.resource}\` | ${v.message} |`).join("\n") +
        "\n\n";
    }
    body += optionList(d.optionChanges);
    body += list("Added", d.added) + list("Removed", d.removed) + list("Changed", d.changed);
    const nothing = !d.added.length && !d.removed.length && !d.changed.length && !d.optionChanges.length;
    if (nothing && !d.headError) body += "No change.\n\n";
    for (const p of d.patches) {
      body += `<details><summary><code>${p.path}</code></summary>\n\n\`\`\`diff\n${p.patch.trim()}\n\`\`\`\n\n</details>\n\n`;
    }
  }
  const head = parts.join("\n") + "\n";
  const room = COMMENT_LIMIT - head.length;
  if (body.length > room) {
    body =
      body.slice(0, room - 200) +
      "\n\n…truncated: the full diff is in the workflow's artifact `offline-diff`.\n";
    // An unterminated code block would swallow the note; close it.
    if ((body.match(/```/g) ?? []).length % 2 === 1) body += "```\n";
  }
  return head + "\n" + body;
}
