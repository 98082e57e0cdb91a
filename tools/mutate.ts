/**
 * npm run mutate [-- --since <git ref>]
 * Mutation testing (StrykerJS, stryker.config.json) of the pure-logic modules. With --since, only
 * the modules in that scope changed since <ref> (committed or not) are mutated: a change's own
 * files in minutes instead of the whole scope. Report: reports/mutation/mutation.html.
 */
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { minimatch } from "minimatch";
import { parseArgs } from "util";

function git(args: string[]): string[] {
  const r = spawnSync("git", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.split("\n").filter(Boolean);
}

/** Files matching the config's mutate patterns (a `!` pattern excludes). */
export function inScope(files: string[], patterns: string[]): string[] {
  const include = patterns.filter((p) => !p.startsWith("!"));
  const exclude = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  return files.filter((f) => include.some((p) => minimatch(f, p)) && !exclude.some((p) => minimatch(f, p)));
}

function main(): number {
  const { values } = parseArgs({ options: { since: { type: "string" } }, strict: true });
  const args = ["stryker", "run"];
  if (values.since) {
    const scope: string[] = JSON.parse(readFileSync("stryker.config.json", "utf8")).mutate;
    const changed = [
      ...new Set([
        ...git(["diff", "--name-only", "--diff-filter=d", `${values.since}...HEAD`]),
        ...git(["diff", "--name-only", "--diff-filter=d", "HEAD"]),
      ]),
    ].sort();
    const files = inScope(changed, scope);
    if (files.length === 0) {
      console.log(`No file in the mutation scope changed since ${values.since}.`);
      return 0;
    }
    console.log(`Mutating ${files.length} file(s) changed since ${values.since}:\n  ${files.join("\n  ")}`);
    args.push("--mutate", files.join(","));
  }
  return spawnSync("npx", args, { stdio: "inherit" }).status ?? 1;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
