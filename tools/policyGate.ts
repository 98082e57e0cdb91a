/**
 * npm run policy-gate -- --base <ref> [--out <dir>]
 *
 * The pull request's required policy check. Renders every stack of the working tree and checks
 * each render with the working tree's pack and with the pack of `--base` (the target branch),
 * each with its config for the stack's tier; the tier is the stricter of the stack file's, this
 * registry's and the base registry's. A pull request that edits `policies/` therefore cannot
 * switch off the rules it is judged by. Writes `<out>/gate.md`; exit 1 on any mandatory
 * violation or a stack that does not render, 2 on usage errors.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { parseArgs } from "util";
import { gate, gateSummary, loadPack, renderedResources, strictestTier } from "./offline/policyGate";
import { stackInventory } from "./offline/stacks";
import { gitIn, removeWorktree, worktree } from "./offline/worktree";

const repo = resolve(__dirname, "..");

function registryTier(root: string, stack: string): string | undefined {
  const file = join(root, "stacks.json");
  if (!existsSync(file)) return undefined;
  const registry = JSON.parse(readFileSync(file, "utf8")) as Record<string, { tier?: string }>;
  return registry[stack]?.tier;
}

function main(): number {
  const { values } = parseArgs({
    options: { base: { type: "string" }, out: { type: "string", default: "render/policy-gate" } },
    strict: true,
  });
  if (!values.base) {
    console.error("usage: npm run policy-gate -- --base <ref> [--out <dir>]");
    return 2;
  }
  const out = resolve(values.out!);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "flink-platform-policy-gate-"));
  const baseTree = worktree(repo, values.base, scratch);
  try {
    const baseRef = gitIn(repo, ["rev-parse", "--short", values.base]);
    const packs = [loadPack(repo, "head"), loadPack(baseTree, `base ${baseRef}`)];
    const sections: string[] = [];
    let failed = false;
    for (const entry of stackInventory(repo)) {
      const dir = join(out, entry.stack);
      const run = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "tools/render.ts", "--stack", entry.stack, "--out", dir],
        { cwd: repo, encoding: "utf8" },
      );
      if (run.status !== 0 || !existsSync(join(dir, "resources.json"))) {
        failed = true;
        sections.push(`${entry.stack}: does not render\n\n${`${run.stderr}${run.stdout}`.trim()}`);
        continue;
      }
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as {
        environment: { tier: string };
      };
      const tier = strictestTier([report.environment.tier, entry.tier, registryTier(baseTree, entry.stack)]);
      const violations = gate(renderedResources(dir), tier, packs);
      if (violations.some((v) => v.level === "mandatory")) failed = true;
      sections.push(gateSummary(entry.stack, tier, violations));
    }
    const text = `Policy gate (packs: head and base ${baseRef})\n\n${sections.join("\n\n")}\n`;
    writeFileSync(join(out, "gate.md"), "```\n" + text + "```\n");
    console.log(text);
    return failed ? 1 : 0;
  } finally {
    removeWorktree(repo, baseTree);
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(main());
