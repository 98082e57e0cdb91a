/**
 * One source of truth for the configuration: the README's reference and the editor schema are
 * generated from config/schema.ts and must be current; `pulumi config set --path` as users type
 * it (decimals stored as text) is accepted; the documented commands produce a valid stack.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { parse, stringify } from "yaml";
import { generatedDocs } from "../tools/offline/docs";
import { problemsOf, stackVariant } from "./harness";

/** What `pulumi config set --path` stores: integers and booleans typed, everything else as text. */
function cliValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/** Applies `pulumi config set [--path] [--secret] '<ns:key.path>' <value>` to a stack file's config. */
function applyCommand(config: Record<string, any>, command: string): void {
  const m = /^pulumi config set( --path)?( --secret)? '([^']+)' '?([^']*?)'?$/.exec(command.trim());
  if (!m) throw new Error(`not a pulumi config set command: ${command}`);
  const [, path, secret, key, raw] = m;
  const value = secret ? { secure: `v1:${Buffer.from(raw).toString("base64")}` } : cliValue(raw);
  if (!path) {
    config[key] = value;
    return;
  }
  const [top, ...rest] = key.split(/\.|(?=\[)/);
  const segments = rest.map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s));
  if (segments.length === 0) {
    config[top] = value;
    return;
  }
  config[top] ??= typeof segments[0] === "number" ? [] : {};
  let cur = config[top];
  segments.forEach((seg, i) => {
    if (i === segments.length - 1) cur[seg] = value;
    else cur = cur[seg] ??= typeof segments[i + 1] === "number" ? [] : {};
  });
}

describe("configuration docs and input", () => {
  it("the README's reference and schema/stack.schema.json are generated from the current schema", async () => {
    for (const [file, expected] of Object.entries(await generatedDocs())) {
      assert.equal(readFileSync(file, "utf8"), expected, `${file} is out of date: run \`npm run docs\``);
    }
  });

  it("the reference covers every key, with per-tier defaults where they differ", async () => {
    const readme = readFileSync("README.md", "utf8");
    for (const row of [
      "| `upgradeMode`", // flink
      "| `deployTimeout`",
      "| `egress`",
      "| `artifacts`",
      "| `permissionsBoundaryArn`",
      "| `endPort`",
    ]) {
      assert.ok(readme.includes(row), row);
    }
    assert.match(
      readme,
      /\| `upgradeMode` +\| `stateless` \\\| `savepoint` \\\| `last-state` +\| dev `last-state`, prod `savepoint`/,
    );
  });

  it("the shipped stack files switch on editor validation", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      assert.match(
        readFileSync(`Pulumi.${stack}.yaml`, "utf8"),
        /^# yaml-language-server: \$schema=\.\/schema\/stack\.schema\.json\n/,
      );
    }
    const schema = JSON.parse(readFileSync("schema/stack.schema.json", "utf8"));
    const cpu =
      schema.properties.config.properties["flink-platform:flink"].properties.jobManager.properties.cpu;
    // Numbers also take the numeric text `pulumi config set --path` writes.
    assert.deepEqual(cpu.type, ["number", "string"]);
    assert.equal(
      schema.properties.config.properties["flink-platform:ha"].properties.mode.default,
      "kubernetes",
    );
    assert.match(
      schema.properties.config.properties["flink-platform:ha"].properties.mode.description,
      /development tier: "none"/,
    );
  });

  it("accepts numbers written as text, with the same range checks and messages", () => {
    assert.deepEqual(
      problemsOf(
        stackVariant("prod", (c) => {
          c.flink.jobManager.cpu = "0.5";
          c.namespaces[1].jobs[0].parallelism = "12";
          c.monitoring.alerts = { heapUsageRatio: "0.85", throughputDropRatio: "0.4" };
          c.monitoring.enabled = "true";
        }),
      ),
      [],
    );
    const problems = problemsOf(stackVariant("prod", (c) => (c.flink.taskSlots = "0")));
    assert.deepEqual(problems, ['flink-platform:flink.taskSlots: must be at least 1 (got "0")']);
    assert.match(
      problemsOf(stackVariant("prod", (c) => (c.flink.taskSlots = "four")))[0],
      /must be a number/,
    );
  });

  it("every documented `pulumi config set` command leaves a valid stack", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = readme.slice(
      readme.indexOf("<!-- pulumi-config-examples:start -->"),
      readme.indexOf("<!-- pulumi-config-examples:end -->"),
    );
    const commands = block.split("\n").filter((l) => l.startsWith("pulumi config set"));
    assert.ok(commands.length >= 6);
    const doc = parse(readFileSync("Pulumi.prod.yaml", "utf8"));
    for (const command of commands) applyCommand(doc.config, command);
    assert.equal(doc.config["flink-platform:flink"].jobManager.cpu, "0.5", "decimals are stored as text");
    assert.deepEqual(problemsOf(stringify(doc)), []);
  });
});
