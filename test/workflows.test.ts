/**
 * The delivery workflows' guarantees, checked on the files themselves so a later edit cannot
 * silently drop one: triggers, the stack matrix, least-privilege permissions, pinned actions,
 * OIDC instead of keys, serialised deploys and the production approval gate.
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import { parse } from "yaml";

const DIR = ".github/workflows";
const workflows: Record<string, any> = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => [f, parse(readFileSync(`${DIR}/${f}`, "utf8"))]),
);
const pr = workflows["pull-request.yml"];
const deploy = workflows["deploy.yml"];
const comment = workflows["offline-diff-comment.yml"];

/** `environment.tier` from a shipped stack file. */
function tierOf(stack: string): string {
  const doc = parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8"));
  return doc.config["flink-platform:environment"].tier;
}

function steps(job: any): any[] {
  return job.steps ?? [];
}

function uses(job: any, action: string): any {
  return steps(job).find((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));
}

function runs(job: any): string {
  return steps(job)
    .map((s) => s.run ?? "")
    .join("\n");
}

describe("workflows", () => {
  it("exist: pull request checks, the offline diff comment, and deploys", () => {
    assert.deepEqual(Object.keys(workflows).sort(), [
      "deploy.yml",
      "offline-diff-comment.yml",
      "pull-request.yml",
    ]);
  });

  it("pin every action to a version (a major tag or a commit), never a branch", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        for (const s of steps(job).filter((s) => s.uses)) {
          assert.match(
            s.uses,
            /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/,
            `${file} ${name}: ${s.uses}`,
          );
        }
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

  it("use AWS OIDC role assumption, never stored keys", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      const text = readFileSync(`${DIR}/${file}`, "utf8");
      assert.doesNotMatch(
        text,
        /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/,
        file,
      );
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        const aws = uses(job, "aws-actions/configure-aws-credentials");
        if (!aws) continue;
        assert.match(aws.with["role-to-assume"], /^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/, `${file} ${name}`);
        assert.equal(job.permissions["id-token"], "write", `${file} ${name} needs an OIDC token`);
      }
    }
  });

  describe("pull-request.yml", () => {
    it("runs on pull requests to main and runs the README's test command", () => {
      assert.deepEqual(Object.keys(pr.on), ["pull_request"]);
      assert.deepEqual(pr.on.pull_request.branches, ["main"]);
      assert.match(runs(pr.jobs.test), /bash \.ci\/run/);
      assert.match(readFileSync(".ci/run", "utf8"), /^npm test$/m);
    });

    it("previews every stack with the policy pack and keeps one updated comment", () => {
      const job = pr.jobs.preview;
      // Each stack's policy config is its stack file's tier, never chosen by name.
      assert.deepEqual(
        job.strategy.matrix.include,
        ["dev", "prod"].map((stack) => ({ stack, tier: tierOf(stack) })),
      );
      assert.equal(job.strategy["fail-fast"], false);
      const pulumi = uses(job, "pulumi/actions");
      assert.match(pulumi.uses, /^pulumi\/actions@v\d+$/);
      assert.equal(pulumi.with.command, "preview");
      assert.equal(pulumi.with["stack-name"], "${{ matrix.stack }}");
      assert.equal(pulumi.with.diff, true);
      assert.equal(pulumi.with.policyPacks, "policies");
      assert.equal(pulumi.with.policyPackConfigs, "policies/config/${{ matrix.tier }}.json");
      assert.equal(pulumi.with["comment-on-pr"], true);
      assert.equal(pulumi.with["edit-pr-comment"], true);
      assert.ok(
        steps(job).some((s) => /^npm ci\b/.test(s.run ?? "") && s["working-directory"] === "policies"),
        "installs the policy pack's dependencies",
      );
      assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    });

    it("keeps forks, which have no credentials, away from the live preview", () => {
      assert.equal(pr.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
    });

    it("gives every PR, forks included, the offline render diff with read-only rights", () => {
      const job = pr.jobs["offline-diff"];
      assert.equal(job.if, undefined, "runs for every PR");
      assert.deepEqual(job.permissions, { contents: "read" });
      assert.match(
        runs(job),
        /npm run pr-diff --[\s\S]*--base \$\{\{ github\.event\.pull_request\.base\.sha \}\}/,
      );
      assert.match(runs(job), /GITHUB_STEP_SUMMARY/);
      assert.equal(uses(job, "actions/upload-artifact").with.name, "offline-diff");
      assert.equal(uses(job, "actions/checkout").with["fetch-depth"], 0, "the base commit must be available");
    });
  });

  it("offline-diff-comment.yml comments from the artifact without running PR code", () => {
    assert.deepEqual(comment.on.workflow_run.workflows, ["pull-request"]);
    const job = comment.jobs.comment;
    assert.ok(!uses(job, "actions/checkout"), "must not check out the PR");
    assert.equal(uses(job, "actions/download-artifact").with.name, "offline-diff");
    assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
    assert.match(uses(job, "actions/github-script").with.script, /updateComment/);
  });

  describe("deploy.yml", () => {
    it("deploys on push to main: dev first, then prod", () => {
      assert.deepEqual(Object.keys(deploy.on), ["push"]);
      assert.deepEqual(deploy.on.push.branches, ["main"]);
      assert.equal(deploy.jobs.dev.needs, "test");
      assert.equal(deploy.jobs.prod.needs, "dev");
      for (const stack of ["dev", "prod"]) {
        const pulumi = uses(deploy.jobs[stack], "pulumi/actions");
        assert.equal(pulumi.with.command, "up");
        assert.equal(pulumi.with["stack-name"], stack);
        assert.equal(pulumi.with.policyPackConfigs, `policies/config/${tierOf(stack)}.json`);
      }
    });

    it("gates prod behind the protected production environment", () => {
      assert.equal(deploy.jobs.prod.environment, "production");
      assert.notEqual(deploy.jobs.dev.environment, "production");
    });

    it("never runs two deploys of a stack at once, nor cancels one half-way", () => {
      const groups = ["dev", "prod"].map((s) => deploy.jobs[s].concurrency);
      assert.deepEqual(
        groups.map((g) => g.group),
        ["deploy-dev", "deploy-prod"],
      );
      for (const g of groups) assert.equal(g["cancel-in-progress"], false);
    });
  });
});
