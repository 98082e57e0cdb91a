/**
 * The IAM documents published for CI (docs/iam/), evaluated with IAM's rules: the deploy role can
 * create roles only under the permissions boundary, each environment's role is assumable only by
 * its own environment's deploy workflow on main, and every permission the platform's own roles
 * are granted survives the boundary.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { ofType, policyDoc, render, stackVariant } from "./harness";
import { evaluate, IamRequest } from "../components/aws/iamEvaluation";
import { PolicyDocument } from "../components/aws/iamPolicies";

const doc = (file: string): PolicyDocument => JSON.parse(readFileSync(`docs/iam/${file}`, "utf8"));
const deploy = [doc("deploy-role-policy.json")];
const boundary = [doc("permissions-boundary.json")];
const BOUNDARY = "arn:aws:iam::123456789012:policy/flink-platform-boundary";

describe("published IAM documents (docs/iam)", () => {
  it("the deploy role creates roles only with the boundary, and cannot remove it", () => {
    const create = (context: Record<string, string>): IamRequest => ({
      action: "iam:CreateRole",
      resource: "arn:aws:iam::123456789012:role/flink-prod-payments-state",
      context,
    });
    assert.equal(evaluate(deploy, [], create({ "iam:PermissionsBoundary": BOUNDARY })), "allow");
    assert.equal(evaluate(deploy, [], create({})), "implicit-deny");
    assert.equal(
      evaluate(deploy, [], create({ "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/other" })),
      "implicit-deny",
    );
    assert.equal(
      evaluate(deploy, [], {
        action: "iam:CreateRole",
        resource: "arn:aws:iam::123456789012:role/admin",
        context: { "iam:PermissionsBoundary": BOUNDARY },
      }),
      "implicit-deny",
      "only the platform's role names",
    );
    assert.equal(
      evaluate(deploy, [], {
        action: "iam:DeleteRolePermissionsBoundary",
        resource: "arn:aws:iam::123456789012:role/flink-prod-node",
      }),
      "explicit-deny",
    );
  });

  it("the deploy role passes platform roles to EKS and EC2 only", () => {
    const pass = (service: string): IamRequest => ({
      action: "iam:PassRole",
      resource: "arn:aws:iam::123456789012:role/flink-prod-node",
      context: { "iam:PassedToService": service },
    });
    assert.equal(evaluate(deploy, [], pass("ec2.amazonaws.com")), "allow");
    assert.equal(evaluate(deploy, [], pass("eks.amazonaws.com")), "allow");
    assert.equal(evaluate(deploy, [], pass("lambda.amazonaws.com")), "implicit-deny");
  });

  it("each environment's role is assumable only by its deploy workflow on main", () => {
    const trust = (environment: string) =>
      JSON.parse(readFileSync("docs/iam/deploy-role-trust.json", "utf8").replace("ENVIRONMENT", environment));
    const assume = (sub: string): IamRequest => ({
      action: "sts:AssumeRoleWithWebIdentity",
      resource: "arn:aws:iam::123456789012:role/flink-platform-deploy-prod",
      principal: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
      context: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": sub,
      },
    });
    const ref = "job_workflow_ref:acme/flink-platform/.github/workflows/deploy.yml";
    const prodTrust = [trust("prod")];
    assert.equal(
      evaluate([], prodTrust, assume(`repo:acme/flink-platform:environment:prod:${ref}@refs/heads/main`)),
      "allow",
    );
    for (const sub of [
      "repo:acme/flink-platform:pull_request",
      `repo:acme/flink-platform:environment:dev:${ref}@refs/heads/main`,
      `repo:acme/flink-platform:environment:prod:${ref}@refs/heads/feature`,
      "repo:acme/flink-platform:environment:prod:job_workflow_ref:acme/flink-platform/.github/workflows/pull-request.yml@refs/heads/main",
      `repo:evil/flink-platform:environment:prod:${ref}@refs/heads/main`,
    ]) {
      assert.equal(evaluate([], prodTrust, assume(sub)), "implicit-deny", sub);
    }
  });

  it("the dev deploy role reaches only the dev state backend", () => {
    const dev = [doc("dev-deploy-role-policy.json")];
    assert.equal(
      evaluate(dev, [], {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-pulumi-state-dev/.pulumi/stacks/x",
      }),
      "allow",
    );
    assert.equal(
      evaluate(dev, [], {
        action: "s3:GetObject",
        resource: "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/prod.json",
      }),
      "implicit-deny",
    );
    assert.equal(
      evaluate(dev, [], {
        action: "eks:CreateCluster",
        resource: "arn:aws:eks:eu-west-1:123456789012:cluster/x",
      }),
      "implicit-deny",
    );
  });

  it("every permission the platform grants its own roles survives the boundary", async () => {
    const { resources } = await render(stackVariant("prod"), "prod");
    const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy").map(
      (r) => policyDoc(r) as PolicyDocument,
    );
    let checked = 0;
    for (const d of inline) {
      for (const st of d.Statement.filter((s) => s.Effect === "Allow")) {
        for (const action of [st.Action].flat()) {
          for (const resource of [st.Resource ?? "*"].flat()) {
            checked++;
            assert.equal(evaluate(boundary, [], { action, resource }), "allow", `${action} on ${resource}`);
          }
        }
      }
    }
    assert.ok(checked >= 20, String(checked));
    // And a role under the boundary can never create another role.
    assert.equal(
      evaluate(boundary, [], { action: "iam:CreateRole", resource: "arn:aws:iam::123456789012:role/x" }),
      "explicit-deny",
    );
  });
});
