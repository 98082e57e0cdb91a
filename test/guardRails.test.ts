/**
 * Guard rails against a config that would undo the platform's guarantees (issue: a probe of
 * unsafe settings rendered with 0 violations). Each unsafe setting is refused with its key path
 * and who owns it; the render CLI (what CI and a reviewer run) exits 1 listing every one at once.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { problemsOf, stackVariant } from "./harness";

/** Each unsafe Flink option, and the owner its refusal must name. */
const UNSAFE_OPTIONS: [key: string, value: string, owner: RegExp][] = [
  ["state.checkpoints.dir", "file:///tmp/cp", /the platform's state layout/],
  ["execution.checkpointing.dir", "file:///tmp/cp", /the platform's state layout/],
  ["state.savepoints.dir", "file:///tmp/sp", /the platform's state layout/],
  ["execution.checkpointing.externalized-checkpoint-retention", "DELETE_ON_CANCELLATION", /state layout/],
  ["high-availability.type", "NONE", /ha\.mode/],
  ["high-availability.storageDir", "file:///tmp/ha", /ha\.mode/],
  ["fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.AnonymousAWSCredentialsProvider", /storage/],
  ["s3.secret-key", "abc", /storage/],
  ["kubernetes.rest-service.exposed.type", "LoadBalancer", /REST exposure/],
  ["kubernetes.hostnetwork.enabled", "true", /the platform: service accounts, pod templates/],
  ["kubernetes.jobmanager.cpu.limit-factor", "50", /resource limit factors/],
  ["kubernetes.taskmanager.memory.limit-factor", "2", /resource limit factors/],
  ["kubernetes.service-account", "default", /service accounts/],
  ["security.ssl.internal.enabled", "false", /no per-job security settings/],
  ["web.submit.enable", "true", /the Flink UI is read-only/],
  ["kafka.sasl.jaas.config", "...password=hunter2", /a Kubernetes Secret/],
  ["my.api-key", "k", /a Kubernetes Secret/],
];

const KEY_PATH = (key: string) =>
  `flink-platform:namespaces[0].jobs[0].flinkConfiguration.${key}: "${key}" is owned by `;

function unsafeProd(): string {
  return stackVariant("prod", (c) => {
    c.namespaces[0].jobs[0].flinkConfiguration = Object.fromEntries(UNSAFE_OPTIONS.map(([k, v]) => [k, v]));
    c.monitoring = { ...c.monitoring, prometheus: { cpu: 200, memory: "4000Gi" } };
  });
}

describe("guard rails: the config owns what the platform owns", () => {
  it("refuses every platform-owned option, naming the key and its owner", () => {
    const problems = problemsOf(unsafeProd());
    for (const [key, , owner] of UNSAFE_OPTIONS) {
      const found = problems.find((p) => p.startsWith(KEY_PATH(key)));
      assert.ok(found, `${key} not refused:\n${problems.join("\n")}`);
      assert.match(found!, owner, key);
      assert.match(found!, /it cannot be set here$/, key);
    }
  });

  it("refuses them in the stack-wide flinkConfiguration and session clusters too", () => {
    const problems = problemsOf(
      stackVariant("dev", (c) => {
        c.flink.flinkConfiguration = { "high-availability.type": "none" };
        c.namespaces[0].sessionClusters[0].flinkConfiguration = { "kubernetes.hostnetwork.enabled": "true" };
      }),
    );
    assert.ok(
      problems.some((p) => p.startsWith('flink-platform:flink.flinkConfiguration.high-availability.type: "')),
    );
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          'flink-platform:namespaces[0].sessionClusters[0].flinkConfiguration.kubernetes.hostnetwork.enabled: "',
        ),
      ),
      problems.join("\n"),
    );
  });

  it("leaves the job's own tuning alone", () => {
    const tunable = {
      "pipeline.object-reuse": "true",
      "table.exec.state.ttl": "1 h",
      "execution.checkpointing.timeout": "10 min",
      "restart-strategy.type": "exponential-delay",
      "taskmanager.network.memory.buffer-debloat.enabled": "true",
    };
    assert.deepEqual(
      problemsOf(stackVariant("prod", (c) => (c.namespaces[0].jobs[0].flinkConfiguration = tunable))),
      [],
    );
  });

  it("refuses a secure: value inside flinkConfiguration (it would be written in plain text)", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => {
        c.namespaces[0].jobs[0].flinkConfiguration = { "pipeline.name": { secure: "v1:abc" } };
      }),
    );
    assert.deepEqual(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0],
      /^flink-platform:namespaces: holds a secret \(`secure:`\) value, .* plain text/,
    );
  });

  it("refuses a plain http jar", () => {
    const problems = problemsOf(
      stackVariant("prod", (c) => (c.namespaces[0].jobs[0].jarURI = "http://repo.example/job.jar")),
    );
    assert.match(problems.join("\n"), /jobs\[0\]\.jarURI: .*plain http is refused/);
  });
});

describe("guard rails: the render CLI refuses the unsafe configs", () => {
  const dir = mkdtempSync(join(tmpdir(), "flink-platform-unsafe-"));
  const renderCli = (stack: string, text: string) => {
    const file = join(dir, `${stack}-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/render.ts",
        "--stack",
        stack,
        "--config",
        file,
        "--out",
        join(dir, "out"),
        "--policy",
      ],
      { encoding: "utf8" },
    );
  };

  it("lists every unsafe setting at once, exits 1, creates nothing", function () {
    this.timeout(60_000);
    const run = renderCli("prod", unsafeProd());
    assert.equal(run.status, 1, run.stdout);
    for (const [key] of UNSAFE_OPTIONS) assert.ok(run.stderr.includes(KEY_PATH(key)), key);
    assert.match(
      run.stderr,
      /monitoring\.prometheus: StatefulSet\/prometheus \(200050m cpu, .*does not fit one system node/,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  });

  it("keeps production rules for a production file whatever stack name or tier it claims", function () {
    this.timeout(60_000);
    const asDev = renderCli("dev", stackVariant("prod"));
    assert.equal(asDev.status, 1);
    assert.match(
      asDev.stderr,
      /environment\.tier.*"dev" is registered as development in stacks\.json|stacks\.json/,
    );
    const demoted = renderCli(
      "prod",
      stackVariant("prod", (c) => (c.environment.tier = "development")),
    );
    assert.equal(demoted.status, 1);
    assert.match(demoted.stderr, /stacks\.json/);
  });
});
