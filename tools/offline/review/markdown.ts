/**
 * The review's three sections (state at risk, jobs that restart, replacements) as Markdown for
 * the top of the PR comment: one table each across stacks, long ones folded and capped.
 */
import { StackReview } from "./review";

/** Rows shown per table by default; the rest are in review.json (the workflow's `offline-diff` artifact). */
export const MAX_ROWS = 25;
/** Tables longer than this fold into `<details>`. */
const FOLD_ROWS = 5;

export interface StackReviewEntry {
  stack: string;
  review: StackReview;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const code = (s: string) => `\`${s}\``;
/** `type::name` → the Pulumi name, which is unique in a stack; the type's last segment first. */
const resource = (key: string) => {
  const [type, name] = key.split("::");
  return `${type.split(":").pop()} ${code(name)}`;
};

function table(header: string[], rows: string[][], what: string, max: number): string {
  if (!rows.length) return "";
  const shown = rows.slice(0, max);
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...shown.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
  if (rows.length > max)
    lines.push("", `… and ${rows.length - max} more in \`review.json\` (artifact \`offline-diff\`).`);
  const text = lines.join("\n") + "\n\n";
  return rows.length > FOLD_ROWS
    ? `<details><summary>${rows.length} ${what}</summary>\n\n${text}</details>\n\n`
    : text;
}

const each = <T>(entries: StackReviewEntry[], pick: (r: StackReview) => T[]) =>
  entries.flatMap((e) => pick(e.review).map((x) => ({ stack: e.stack, x })));

export function stateAtRiskSection(entries: StackReviewEntry[], max = MAX_ROWS): string {
  const risks = each(entries, (r) => r.atRisk);
  const guards = each(entries, (r) => r.guardsRemoved);
  let out = "### State at risk\n\n";
  out += risks.length
    ? "Resources that hold Flink state and that this change deletes or replaces, what goes with them and how to keep it.\n\n"
    : "None: nothing that holds state is deleted or replaced.\n\n";
  out += table(
    ["stack", "resource", "change", "what is lost", "how to keep it"],
    risks.map(({ stack, x }) => [stack, x.what, x.change, x.lost, x.keep]),
    "stateful resources",
    max,
  );
  if (guards.length) {
    out += "**Protection removed**\n\n";
    out += table(
      ["stack", "resource", "option", "what it means"],
      guards.map(({ stack, x }) => [stack, resource(x.resource), code(x.option), x.meaning]),
      "protections",
      max,
    );
  }
  return out;
}

export function restartsSection(entries: StackReviewEntry[], max = MAX_ROWS): string {
  const restarts = each(entries, (r) => r.restarts);
  const quiet = each(entries, (r) => r.noRestart);
  let out = "### Jobs that restart\n\n";
  out += restarts.length
    ? "Spec changes the Flink operator applies as an upgrade (its spec diff at the pinned version), with each job's upgrade mode.\n\n"
    : "None: no Flink job or session cluster restarts.\n\n";
  out += table(
    ["stack", "job", "kind", "upgrade mode", "changed", "expected interruption"],
    restarts.map(({ stack, x }) => [
      stack,
      x.job,
      x.kind,
      x.upgradeMode,
      x.changes.map(code).join(", "),
      x.interruption,
    ]),
    "restarts",
    max,
  );
  if (quiet.length) {
    const rows = quiet
      .slice(0, max)
      .map(({ stack, x }) => `- ${stack} ${x.job}: ${x.changes.map(code).join(", ")}. ${x.why}`);
    if (quiet.length > max) rows.push(`- … and ${quiet.length - max} more in \`review.json\``);
    out += `<details><summary>No restart (${quiet.length})</summary>\n\n${rows.join("\n")}\n\n</details>\n\n`;
  }
  return out;
}

export function replacementsSection(entries: StackReviewEntry[], max = MAX_ROWS): string {
  const rows = each(entries, (r) => r.replacements);
  let out = "### Replacements\n\n";
  out +=
    "Predicted from the providers' replace-on-change rules (terraform-provider-aws `ForceNew` through pulumi-aws, pulumi-kubernetes' `forceNew` table): " +
    "the live `pulumi preview --diff` the deploy workflow runs before each `pulumi up` is authoritative.\n\n";
  if (!rows.length) return out + "None predicted.\n\n";
  out += table(
    ["stack", "resource", "because", "what happens"],
    rows.map(({ stack, x }) => [stack, x.what, x.because.map(code).join(", "), x.effect]),
    "replacements",
    max,
  );
  const sources = [...new Set(rows.map(({ x }) => x.source).filter(Boolean))].sort();
  out += `<details><summary>Rules used</summary>\n\n${sources.map((s) => `- ${s}`).join("\n")}\n\n</details>\n\n`;
  return out;
}

export function reviewMarkdown(entries: StackReviewEntry[], max = MAX_ROWS): string {
  return stateAtRiskSection(entries, max) + restartsSection(entries, max) + replacementsSection(entries, max);
}
