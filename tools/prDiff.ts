/**
 * npm run pr-diff -- --base <ref> [--head <ref>] [--stacks dev,prod] [--out <dir>]
 *
 * The offline pull-request view for contributors without cloud credentials: renders every
 * stack on the base and head commits (each in its own git worktree) and writes the
 * difference of resources.json, the manifests, the releases and report.json, with the head's
 * policy result, as Markdown (`<out>/diff.md`) for a PR comment or job summary. It opens with
 * the review (`<out>/review.json`): stateful resources deleted or replaced, Flink jobs that
 * restart, predicted replacements.
 * Without --head the working tree is the head. Exit 0 whatever the diff says; 1 on a tool error.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { parseArgs } from "util";
import { diffStack, markdown, PolicyOutcome, RenderFiles } from "./offline/diff";
import { gitIn, removeWorktree, worktree as worktreeIn } from "./offline/worktree";

const repo = resolve(__dirname, "..");
const git = (args: string[]) => gitIn(repo, args);

function readTree(dir: string, sub: string): Record<string, string> {
  const root = join(dir, sub);
  if (!existsSync(root)) return {};
  return Object.fromEntries(
    readdirSync(root).map((f) => [`${sub}/${f}`, readFileSync(join(root, f), "utf8")]),
  );
}

function renderIn(
  tree: string,
  stack: string,
  out: string,
  policy: boolean,
): { files: RenderFiles; policy?: PolicyOutcome } {
  const args = ["-r", "ts-node/register/transpile-only", "tools/render.ts", "--stack", stack, "--out", out];
  const run = spawnSync(process.execPath, policy ? [...args, "--policy"] : args, {
    cwd: tree,
    encoding: "utf8",
  });
  const rendered = existsSync(join(out, "resources.json"));
  const files: RenderFiles = rendered
    ? {
        resources: readFileSync(join(out, "resources.json"), "utf8"),
        report: readFileSync(join(out, "report.json"), "utf8"),
        files: { ...readTree(out, "manifests"), ...readTree(out, "releases") },
      }
    : { files: {}, error: `${run.stderr}${run.stdout}`.trim() || `render exited ${run.status}` };
  const policyFile = join(out, "policy.json");
  return {
    files,
    policy:
      policy && existsSync(policyFile)
        ? { violations: JSON.parse(readFileSync(policyFile, "utf8")) }
        : undefined,
  };
}

/** Stack names of the `Pulumi.<name>.yaml` files in a tree. */
function stackFiles(tree: string): string[] {
  return readdirSync(tree)
    .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s);
}

function main(): number {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      head: { type: "string" },
      stacks: { type: "string" },
      out: { type: "string", default: "render/pr-diff" },
    },
    strict: true,
  });
  if (!values.base) {
    console.error("usage: npm run pr-diff -- --base <ref> [--head <ref>] [--stacks a,b] [--out <dir>]");
    return 2;
  }
  const out = resolve(values.out!);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "flink-platform-pr-diff-"));
  const trees: string[] = [];
  try {
    const baseTree = worktreeIn(repo, values.base, scratch);
    trees.push(baseTree);
    const headTree = values.head ? worktreeIn(repo, values.head, scratch) : repo;
    if (values.head) trees.push(headTree);
    // Every stack present on either side: a new stack shows as added, a removed one as removed.
    const stacks = values.stacks
      ? values.stacks.split(",").filter(Boolean)
      : [...new Set([...stackFiles(baseTree), ...stackFiles(headTree)])].sort();
    const diffs = [];
    const policies: Record<string, PolicyOutcome | undefined> = {};
    for (const stack of stacks) {
      // The base may predate --policy; only the head's policy result matters for review.
      const base = renderIn(baseTree, stack, join(out, "base", stack), false);
      const head = renderIn(headTree, stack, join(out, "head", stack), true);
      policies[stack] = head.policy;
      diffs.push(diffStack(stack, base.files, head.files));
    }
    const refs = {
      base: git(["rev-parse", "--short", values.base]),
      head: values.head ? git(["rev-parse", "--short", values.head]) : "working tree",
    };
    const text = markdown(diffs, policies, refs);
    writeFileSync(join(out, "diff.md"), text);
    // The whole review, uncapped: state at risk, restarts, replacements per stack.
    const review = Object.fromEntries(diffs.map((d) => [d.stack, d.review ?? null]));
    writeFileSync(join(out, "review.json"), JSON.stringify(review, null, 2) + "\n");
    console.log(text);
    return 0;
  } finally {
    for (const tree of trees) removeWorktree(repo, tree);
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(main());
