/**
 * The delivery workflows' guarantees, checked on the files themselves so a later edit cannot
 * silently drop one: no credentials for pull-request code, actions pinned by commit, one deploy
 * role per environment, stacks and their order derived from the stack files and stacks.json.
 */
import { strict as assert } from "assert";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse, stringify } from "yaml";
import { stackInventory, StackInventoryError } from "../tools/offline/stacks";

const DIR = ".github/workflows";
const texts: Record<string, string> = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => [f, readFileSync(`${DIR}/${f}`, "utf8")]),
);
const workflows: Record<string, any> = Object.fromEntries(
  Object.entries(texts).map(([f, t]) => [f, parse(t)]),
);
const pr = workflows["pull-request.yml"];
const deploy = workflows["deploy.yml"];
const comment = workflows["offline-diff-comment.yml"];

const steps = (job: any): any[] => job.steps ?? [];
const uses = (job: any, action: string): any[] =>
  steps(job).filter((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));
const runs = (job: any): string =>
  steps(job)
    .map((s) => s.run ?? "")
    .join("\n");

describe("workflows", () => {
  it("exist: pull request checks, the offline diff comment, and deploys", () => {
    assert.deepEqual(Object.keys(workflows).sort(), [
      "deploy.yml",
      "offline-diff-comment.yml",
      "pull-request.yml",
    ]);
  });

  it("pin every action by commit SHA, with the version it is in a comment", () => {
    for (const [file, text] of Object.entries(texts)) {
      const lines = text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
      assert.ok(lines.length > 0, file);
      for (const line of lines) {
        assert.match(
          line,
          /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/,
          `${file}: ${line.trim()}`,
        );
      }
    }
  });

  it("grant nothing by default and only what each job needs", () => {
    const allowed = new Set(["contents:read", "id-token:write", "pull-requests:write", "actions:read"]);
    for (const [file, wf] of Object.entries(workflows)) {
      assert.deepEqual(wf.permissions, {}, `${file}: top-level permissions must be {}`);
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        assert.ok(job.permissions, `${file} ${name} declares its permissions`);
        for (const [scope, level] of Object.entries(job.permissions)) {
          assert.ok(allowed.has(`${scope}:${level}`), `${file} ${name}: ${scope}: ${level}`);
        }
      }
    }
  });

  it("give pull-request code no credentials: no OIDC token, no secrets, no AWS role", () => {
    for (const [name, job] of Object.entries<any>(pr.jobs)) {
      assert.notEqual(job.permissions["id-token"], "write", `pull-request ${name}`);
      assert.deepEqual(uses(job, "aws-actions/configure-aws-credentials"), [], name);
    }
    assert.doesNotMatch(texts["pull-request.yml"], /secrets\./);
  });

  it("assume AWS roles only by OIDC, only in jobs bound to an environment, from that environment's variable", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      assert.doesNotMatch(
        texts[file],
        /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/,
      );
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        const hasToken = job.permissions?.["id-token"] === "write";
        if (hasToken)
          assert.ok(job.environment, `${file} ${name} holds an OIDC token outside an environment`);
        for (const aws of uses(job, "aws-actions/configure-aws-credentials")) {
          assert.ok(hasToken, `${file} ${name}`);
          // An environment-scoped variable: every environment has its own deploy role.
          assert.equal(aws.with["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        }
      }
    }
  });

  it("comment the offline diff from the artifact without running PR code", () => {
    assert.deepEqual(comment.on.workflow_run.workflows, ["pull-request"]);
    const job = comment.jobs.comment;
    assert.deepEqual(uses(job, "actions/checkout"), [], "must not check out the PR");
    assert.equal(uses(job, "actions/download-artifact")[0].with.name, "offline-diff");
    assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
    assert.match(uses(job, "actions/github-script")[0].with.script, /updateComment/);
  });

  it("give every PR, forks included, the offline render diff of every stack with read-only rights", () => {
    const job = pr.jobs["offline-diff"];
    assert.equal(job.if, undefined, "runs for every PR");
    assert.deepEqual(job.permissions, { contents: "read" });
    assert.match(
      runs(job),
      /npm run pr-diff --[\s\S]*--base \$\{\{ github\.event\.pull_request\.base\.sha \}\}/,
    );
    assert.doesNotMatch(runs(job), /--stacks/, "stacks come from the files present");
    assert.match(runs(job), /GITHUB_STEP_SUMMARY/);
  });

  it("run the policy gate on every PR with the base branch's pack as well as the PR's", () => {
    const job = pr.jobs.policy;
    assert.equal(job.if, undefined, "runs for every PR");
    assert.deepEqual(job.permissions, { contents: "read" });
    assert.match(
      runs(job),
      /npm run policy-gate -- --base \$\{\{ github\.event\.pull_request\.base\.sha \}\}/,
    );
    assert.equal(uses(job, "actions/checkout")[0].with["fetch-depth"], 0, "the base commit must be present");
  });

  it("mutation-test each PR's own pure-logic files, read-only, against its base", () => {
    const job = pr.jobs.mutation;
    assert.deepEqual(job.permissions, { contents: "read" });
    assert.match(runs(job), /npm run mutate -- --since \$\{\{ github\.event\.pull_request\.base\.sha \}\}/);
    assert.equal(uses(job, "actions/checkout")[0].with["fetch-depth"], 0, "the base commit must be present");
    assert.match(runs(job), /apt-get install .*prometheus/, "the alert-rule tests need promtool");
  });

  describe("deploy.yml", () => {
    it("deploys on push to main, after the tests, stacks listed from the repository", () => {
      assert.deepEqual(Object.keys(deploy.on), ["push"]);
      assert.deepEqual(deploy.on.push.branches, ["main"]);
      assert.match(runs(deploy.jobs.stacks), /npm run -s stacks -- --github >> "\$GITHUB_OUTPUT"/);
      assert.deepEqual(deploy.jobs.development.needs, ["test", "stacks"]);
      assert.equal(
        deploy.jobs.development.strategy.matrix,
        "${{ fromJSON(needs.stacks.outputs.development) }}",
      );
      assert.equal(
        deploy.jobs.production.strategy.matrix,
        "${{ fromJSON(needs.stacks.outputs.production) }}",
      );
    });

    it("runs production after development, never blocked by a development stack CI cannot reach", () => {
      const prod = deploy.jobs.production;
      assert.deepEqual(prod.needs, ["test", "stacks", "development"]);
      assert.match(prod.if, /needs\.test\.result == 'success'/);
      assert.match(
        prod.if,
        /needs\.development\.result == 'success' \|\| needs\.development\.result == 'skipped'/,
      );
      assert.match(prod.if, /!cancelled\(\)/);
      // One production stack at a time, in registry order, stopping at the first failure.
      assert.equal(prod.strategy["max-parallel"], 1);
      assert.equal(prod.strategy["fail-fast"], true);
      // An unreachable existing cluster is skipped with a notice: every later step is gated.
      const dev = deploy.jobs.development;
      assert.match(runs(dev), /::notice title=.*not deployed::/);
      for (const s of steps(dev).slice(1))
        assert.match(String(s.if), /steps\.reach\.outputs\.deploy == 'true'/);
    });

    it("deploys each stack in its own environment, serialised, with a live preview before up", () => {
      for (const name of ["development", "production"]) {
        const job = deploy.jobs[name];
        assert.equal(job.environment, "${{ matrix.environment }}");
        assert.deepEqual(job.concurrency, {
          group: "deploy-${{ matrix.stack }}",
          "cancel-in-progress": false,
        });
        assert.match(job["runs-on"], /vars\[format\('RUNNER_LABELS_\{0\}', matrix\.stack\)\]/);
        const pulumi = uses(job, "pulumi/actions");
        assert.deepEqual(
          pulumi.map((s) => s.with.command),
          ["preview", "up"],
        );
        for (const s of pulumi) {
          assert.equal(s.with["stack-name"], "${{ matrix.stack }}");
          assert.equal(s.with.policyPacks, "policies");
          assert.equal(s.with.policyPackConfigs, "${{ matrix.policyConfig }}");
        }
      }
    });
  });
});

describe("stacks as data", () => {
  it("lists the shipped stacks with their registered tier, policy config and deploy order", () => {
    assert.deepEqual(
      stackInventory(".").map((s) => [s.stack, s.tier, s.policyConfig, s.provider]),
      [
        ["dev", "development", "policies/config/development.json", "existing"],
        ["staging", "production", "policies/config/production.json", "eks"],
        ["prod", "production", "policies/config/production.json", "eks"],
      ],
    );
  });

  it("picks up a new stack from its file and registry entry alone, and refuses an unregistered one", () => {
    const dir = mkdtempSync(join(tmpdir(), "flink-platform-stacks-"));
    for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) copyFileSync(f, join(dir, f));
    const registry = JSON.parse(readFileSync("stacks.json", "utf8"));
    delete registry.staging;
    const perf = parse(readFileSync("Pulumi.prod.yaml", "utf8"));
    perf.config["flink-platform:environment"].name = "perf";
    writeFileSync(join(dir, "Pulumi.perf.yaml"), stringify(perf));
    writeFileSync(join(dir, "stacks.json"), JSON.stringify({ ...registry, perf: { tier: "production" } }));
    const perfEntry = stackInventory(dir).find((s) => s.stack === "perf");
    assert.deepEqual(perfEntry, {
      stack: "perf",
      tier: "production",
      provider: "eks",
      policyConfig: "policies/config/production.json",
      environment: "perf",
    });
    writeFileSync(join(dir, "stacks.json"), JSON.stringify(registry));
    assert.throws(
      () => stackInventory(dir),
      (e: Error) => {
        assert.ok(e instanceof StackInventoryError);
        assert.match(e.message, /Pulumi\.perf\.yaml has no entry in stacks\.json/);
        return true;
      },
    );
  });

  it("CI renders whatever the inventory lists", () => {
    assert.match(readFileSync(".ci/run", "utf8"), /for stack in \$\(npm run -s stacks -- --names\)/);
  });
});
