/** Detached git worktrees of other commits, for tools that compare or check against them. */
import { execFileSync } from "child_process";
import { existsSync, readFileSync, symlinkSync } from "fs";
import { join } from "path";

export function gitIn(repo: string, args: string[]): string {
  return execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
}

/** A detached worktree of `ref` with dependencies: the repo's node_modules when the lock file is identical. */
export function worktree(repo: string, ref: string, scratch: string): string {
  const dir = join(scratch, `tree-${gitIn(repo, ["rev-parse", "--short", ref])}`);
  if (existsSync(dir)) return dir;
  gitIn(repo, ["worktree", "add", "--detach", "--force", dir, ref]);
  const sameLock =
    existsSync(join(dir, "package-lock.json")) &&
    readFileSync(join(dir, "package-lock.json"), "utf8") ===
      readFileSync(join(repo, "package-lock.json"), "utf8");
  if (sameLock) symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  else
    execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: "inherit",
    });
  return dir;
}

export function removeWorktree(repo: string, dir: string): void {
  gitIn(repo, ["worktree", "remove", "--force", dir]);
}
