/**
 * A user's mistake is one clear line naming the file, key or flag, and exit 1: never a stack
 * trace. The renderer is spawned for the paths that end the process; the rest are in-process.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseStackFile, StackFileError } from "../tools/offline/stackFile";
import { problemsOf, render, stackVariant } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "flink-platform-bad-"));

function renderCli(args: string[]) {
  return spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "tools/render.ts", "--out", join(dir, "out"), ...args],
    { encoding: "utf8" },
  );
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function stackFileProblems(text: string): string[] {
  try {
    parseStackFile(text, "Pulumi.x.yaml");
  } catch (e) {
    if (e instanceof StackFileError) return e.message.split("\n");
    throw e;
  }
  return [];
}

const noTrace = (text: string) => assert.doesNotMatch(text, /^\s+at /m, `stack trace in:\n${text}`);

describe("bad input", () => {
  describe("the render CLI exits 1 with one clear message", () => {
    it("for an unknown flag, naming it", function () {
      this.timeout(30_000);
      const run = renderCli(["--stack", "dev", "--polcy"]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /Unknown option '--polcy'/);
      assert.match(run.stderr, /usage: npm run render/);
      noTrace(run.stderr);
    });

    it("for a missing stack file, naming it", function () {
      this.timeout(30_000);
      const run = renderCli(["--stack", "nosuch"]);
      assert.equal(run.status, 1);
      assert.equal(
        run.stderr.trim(),
        "Pulumi.nosuch.yaml: no such stack file (pass --config <file> or create it)",
      );
    });

    it("for a stack file with a duplicate key, naming the file and line", function () {
      this.timeout(30_000);
      const path = file("dup.yaml", "config:\n  flink-platform:flink: {}\n  flink-platform:flink: {}\n");
      const run = renderCli(["--stack", "x", "--config", path]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, new RegExp(`^${path}: Map keys must be unique at line 3, column 3`));
      noTrace(run.stderr);
    });

    it("for a value Flink refuses (a negative managed fraction), with the key path", function () {
      this.timeout(30_000);
      const path = file(
        "neg.yaml",
        stackVariant("prod", (c) => {
          c.namespaces[1].jobs[1].flinkConfiguration = { "taskmanager.memory.managed.fraction": "-0.5" };
        }),
      );
      const run = renderCli(["--stack", "prod", "--config", path]);
      assert.equal(run.status, 1);
      assert.match(
        run.stderr,
        /flink-platform:namespaces\[1\]\.jobs\[1\]\.taskManager\.memory: .*Configured Managed Memory fraction \(-0\.5\) must be in \[0, 1\)\./,
      );
      noTrace(run.stderr);
    });

    it("for a policy config that does not exist", function () {
      this.timeout(30_000);
      const run = renderCli(["--stack", "dev", "--policy", "--policy-config", join(dir, "none.json")]);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /none\.json: no such policy config/);
      noTrace(run.stderr);
    });
  });

  describe("stack files", () => {
    it("refuses broken YAML with the line", () => {
      assert.deepEqual(stackFileProblems("config:\n  flink-platform:x: [1, 2\n"), [
        "Pulumi.x.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1",
      ]);
    });

    it("refuses an alias bomb before expanding it", () => {
      const bomb = [
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]",
        ...["b", "c", "d", "e", "f"].map(
          (k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(", ")}]`,
        ),
        "config: {}",
      ].join("\n");
      const [problem] = stackFileProblems(bomb);
      assert.match(problem, /^Pulumi\.x\.yaml: cannot be read: Excessive alias count/);
    });

    it("refuses a list where a mapping belongs", () => {
      assert.deepEqual(stackFileProblems("- config\n"), [
        "Pulumi.x.yaml: must be a mapping with a `config:` key, not a list or a value",
      ]);
      assert.deepEqual(stackFileProblems("config:\n  - flink-platform:flink\n"), [
        "Pulumi.x.yaml: `config:` must be a mapping of `<namespace>:<key>: value`",
      ]);
    });

    it("refuses .inf and .nan, which JSON would turn into null, naming the key and line", () => {
      assert.deepEqual(
        stackFileProblems(
          "config:\n  flink-platform:flink:\n    jobManager:\n      cpu: .inf\n    taskSlots: .nan\n",
        ),
        [
          "Pulumi.x.yaml: line 4: flink-platform:flink.jobManager.cpu: .inf is not a number a stack config can hold; use a finite number",
          "Pulumi.x.yaml: line 5: flink-platform:flink.taskSlots: .nan is not a number a stack config can hold; use a finite number",
        ],
      );
    });

    it("refuses a __proto__ key instead of dropping it", () => {
      assert.deepEqual(
        stackFileProblems("config:\n  flink-platform:flink:\n    __proto__: { taskSlots: 4 }\n"),
        ['Pulumi.x.yaml: line 3: flink-platform:flink.__proto__: the key "__proto__" is not allowed'],
      );
    });
  });

  describe("the config model (what `pulumi preview` runs too)", () => {
    it("reports a __proto__ key that reached it as JSON", () => {
      // The stack file reader refuses this first; `pulumi config set` can still produce it.
      const problems = problemsOf('config:\n  flink-platform:flink: \'{"__proto__": {"taskSlots": 4}}\'\n');
      assert.deepEqual(problems, ['flink-platform:flink.__proto__: the key "__proto__" is not allowed']);
    });

    it("reports a negative memory fraction as Flink does, not as a crash", () => {
      const problems = problemsOf(
        stackVariant("prod", (c) => {
          c.namespaces[1].jobs[1].flinkConfiguration = { "taskmanager.memory.network.fraction": "-1" };
        }),
      );
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], /Configured Network Memory fraction \(-1\) must be in \[0, 1\)\./);
    });
  });
});

describe("stack registry", () => {
  it("refuses a registered production stack whose file says development", async () => {
    const text = stackVariant("prod", (c) => {
      c.environment.tier = "development";
      c.policy = { maxContainerMemory: "32Gi", maxContainerCpu: 8 };
    });
    await assert.rejects(render(text, "prod"), (e: Error) => {
      assert.match(
        e.message,
        /flink-platform:environment\.tier: stack "prod" is registered as production in stacks\.json; its tier may not be development/,
      );
      return true;
    });
    // The same file under a name the registry does not know is a different, unprotected stack.
    await assert.doesNotReject(render(text, "scratch"));
  });
});
