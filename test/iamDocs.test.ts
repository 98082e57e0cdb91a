/**
 * The IAM documents published for CI (docs/iam/), evaluated with IAM's rules. The deploy role's
 * policy and the permissions boundary are per-environment templates (`ENVIRONMENT`, replaced as
 * `sed s/ENVIRONMENT/prod/g` does): each environment's deploy role reaches only its own roles,
 * cluster, keys, network and buckets, never the deploy roles or on-call, and creates roles only
 * under its own boundary; every request the program makes for a stack is allowed to that stack's
 * role and to no other; every permission the platform's roles hold survives the boundary, which
 * itself keeps them inside their environment.
 */
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { ofType, policyDoc, render, stackVariant } from "./harness";
import { Decision, evaluate, IamRequest } from "../components/aws/iamEvaluation";
import { PolicyDocument } from "../components/aws/iamPolicies";
import { RecordedResource } from "../tools/offline/mockRuntime";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const ENV_TAG = "flink-platform/environment";
const ENVIRONMENTS = ["prod", "staging"] as const;
type Env = (typeof ENVIRONMENTS)[number];
const otherThan = (env: Env): Env => (env === "prod" ? "staging" : "prod");

/** A published document; the per-environment templates get `ENVIRONMENT` replaced. */
function doc(file: string, environment?: string): PolicyDocument {
  const text = readFileSync(`docs/iam/${file}`, "utf8");
  return JSON.parse(environment === undefined ? text : text.replace(/ENVIRONMENT/g, environment));
}
/** The inline policy and the managed policies for CloudWatch Logs and Karpenter, attached to the same role. */
const deployPolicy = (env: string) => [
  doc("deploy-role-policy.json", env),
  doc("deploy-role-logs-policy.json", env),
  doc("deploy-role-capacity-policy.json", env),
];
const boundaryPolicy = (env: string) => [doc("permissions-boundary.json", env)];
const boundaryArn = (env: string) => `arn:aws:iam::${ACCOUNT}:policy/flink-platform-boundary-${env}`;

const arn = {
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  policy: (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`,
  oidc: (host: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`,
  ec2: (resource: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${resource}`,
  eks: (resource: string) => `arn:aws:eks:${REGION}:${ACCOUNT}:${resource}`,
  key: (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
  alias: (name: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:alias/${name}`,
  s3: (bucketOrObject: string) => `arn:aws:s3:::${bucketOrObject}`,
};

const prefixed = (prefix: string, tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).map(([k, v]) => [`${prefix}${k}`, v]));
/** The resource acted on carries the environment tag (`aws:ResourceTag/...`). */
const taggedFor = (env: string) => ({ [`aws:ResourceTag/${ENV_TAG}`]: env });
/** The request applies the environment tag (`aws:RequestTag/...`), as a create with tags does. */
const taggingFor = (env: string) => ({ [`aws:RequestTag/${ENV_TAG}`]: env });
const inRegion = { "aws:RequestedRegion": REGION };

/** The AWS managed policies the program attaches (components/cluster/eksCluster.ts). */
const MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
];

/** Renders a shipped stack (prod through the variant the other tests share, so the render is reused). */
const renderStack = (env: Env) =>
  env === "prod"
    ? render(stackVariant("prod"), "prod")
    : render(readFileSync(`Pulumi.${env}.yaml`, "utf8"), env);

const show = (r: IamRequest) => `${r.action} on ${r.resource} ${JSON.stringify(r.context ?? {})}`;

describe("published IAM documents (docs/iam)", () => {
  it("stay valid JSON, and the templates name only their own environment once instantiated", () => {
    for (const file of [
      "deploy-role-policy.json",
      "deploy-role-logs-policy.json",
      "deploy-role-capacity-policy.json",
      "permissions-boundary.json",
    ]) {
      const template = readFileSync(`docs/iam/${file}`, "utf8");
      assert.ok(template.includes("ENVIRONMENT"), `${file} is a per-environment template`);
      for (const env of ENVIRONMENTS) {
        const text = JSON.stringify(doc(file, env));
        assert.ok(!text.includes("ENVIRONMENT"), file);
        // No pattern that would also match every environment (`flink-*`, `acme-flink-*`).
        assert.ok(!/role\/flink-\*|acme-flink-\*|cluster\/flink-\*/.test(text), `${file} for ${env}`);
      }
    }
    // IAM's quotas count characters without whitespace: a role's inline policies 10,240, a managed
    // policy (the boundary) 6,144. Checked for the longest environment name (20 characters).
    const size = (file: string, env: string) =>
      readFileSync(`docs/iam/${file}`, "utf8")
        .replace(/ENVIRONMENT/g, env)
        .replace(/\s/g, "").length;
    for (const env of [...ENVIRONMENTS, "a".repeat(20)]) {
      assert.ok(size("deploy-role-policy.json", env) <= 10240, `deploy policy for ${env}`);
      assert.ok(size("deploy-role-logs-policy.json", env) <= 6144, `deploy logs policy for ${env}`);
      assert.ok(size("deploy-role-capacity-policy.json", env) <= 6144, `deploy capacity policy for ${env}`);
      assert.ok(size("permissions-boundary.json", env) <= 6144, `boundary for ${env}`);
    }
  });

  it("the stacks use their own environment's boundary", () => {
    for (const env of ENVIRONMENTS) {
      const line = readFileSync(`Pulumi.${env}.yaml`, "utf8")
        .split("\n")
        .find((l) => l.trim().startsWith("permissionsBoundaryArn:"));
      assert.equal(line?.trim(), `permissionsBoundaryArn: ${boundaryArn(env)}`, env);
    }
  });

  it("the deploy role creates roles only under its environment's boundary and name, and cannot remove it", () => {
    for (const env of ENVIRONMENTS) {
      const deploy = deployPolicy(env);
      const create = (name: string, context: Record<string, string>): IamRequest => ({
        action: "iam:CreateRole",
        resource: arn.role(name),
        context,
      });
      const own = `flink-${env}-payments-state`;
      assert.equal(
        evaluate(deploy, [], create(own, { "iam:PermissionsBoundary": boundaryArn(env) })),
        "allow",
        env,
      );
      assert.equal(evaluate(deploy, [], create(own, {})), "implicit-deny");
      for (const boundary of [
        arn.policy("other"),
        arn.policy("flink-platform-boundary"),
        boundaryArn(otherThan(env)),
      ]) {
        assert.equal(
          evaluate(deploy, [], create(own, { "iam:PermissionsBoundary": boundary })),
          "implicit-deny",
          `${env}: ${boundary}`,
        );
      }
      for (const name of ["admin", `flink-${otherThan(env)}-payments-state`, "flink-platform-deploy-x"]) {
        assert.equal(
          evaluate(deploy, [], create(name, { "iam:PermissionsBoundary": boundaryArn(env) })),
          "explicit-deny",
          `${env}: only its own environment's role names (${name})`,
        );
      }
      assert.equal(
        evaluate(deploy, [], {
          action: "iam:DeleteRolePermissionsBoundary",
          resource: arn.role(`flink-${env}-node`),
        }),
        "explicit-deny",
      );
      // Inline policies only on roles that carry the boundary.
      const put = (context: Record<string, string>): IamRequest => ({
        action: "iam:PutRolePolicy",
        resource: arn.role(`flink-${env}-node`),
        context,
      });
      assert.equal(evaluate(deploy, [], put({ "iam:PermissionsBoundary": boundaryArn(env) })), "allow");
      assert.equal(evaluate(deploy, [], put({})), "implicit-deny");
    }
  });

  it("the deploy role passes its environment's roles to EKS and EC2 only", () => {
    for (const env of ENVIRONMENTS) {
      const pass = (role: string, service: string): IamRequest => ({
        action: "iam:PassRole",
        resource: arn.role(role),
        context: { "iam:PassedToService": service },
      });
      const deploy = deployPolicy(env);
      assert.equal(evaluate(deploy, [], pass(`flink-${env}-node`, "ec2.amazonaws.com")), "allow");
      assert.equal(evaluate(deploy, [], pass(`flink-${env}-cluster`, "eks.amazonaws.com")), "allow");
      assert.equal(evaluate(deploy, [], pass(`flink-${env}-node`, "lambda.amazonaws.com")), "implicit-deny");
      assert.equal(
        evaluate(deploy, [], pass(`flink-${otherThan(env)}-node`, "eks.amazonaws.com")),
        "explicit-deny",
      );
      assert.equal(evaluate(deploy, [], pass("platform-admins", "ec2.amazonaws.com")), "explicit-deny");
    }
  });

  it("no deploy role can change the deploy roles, on-call or the boundaries", () => {
    const context = {
      "iam:PermissionsBoundary": boundaryArn("prod"),
      "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "iam:PassedToService": "eks.amazonaws.com",
    };
    for (const env of ENVIRONMENTS) {
      const deploy = deployPolicy(env);
      for (const target of [
        "flink-platform-deploy-prod",
        "flink-platform-deploy-staging",
        "flink-platform-oncall",
      ]) {
        for (const action of [
          "iam:PutRolePolicy",
          "iam:AttachRolePolicy",
          "iam:DetachRolePolicy",
          "iam:DeleteRolePolicy",
          "iam:UpdateAssumeRolePolicy",
          "iam:DeleteRole",
          "iam:PutRolePermissionsBoundary",
          "iam:DeleteRolePermissionsBoundary",
          "iam:TagRole",
          "iam:PassRole",
        ]) {
          assert.equal(
            evaluate(deploy, [], { action, resource: arn.role(target), context: { ...context } }),
            "explicit-deny",
            `${env}: ${action} on ${target}`,
          );
        }
      }
      for (const boundary of [boundaryArn("prod"), boundaryArn("staging")]) {
        for (const action of [
          "iam:CreatePolicyVersion",
          "iam:SetDefaultPolicyVersion",
          "iam:DeletePolicyVersion",
          "iam:DeletePolicy",
        ]) {
          assert.equal(evaluate(deploy, [], { action, resource: boundary }), "explicit-deny", action);
        }
        assert.equal(evaluate(deploy, [], { action: "iam:TagPolicy", resource: boundary }), "explicit-deny");
      }
    }
    // Even a role whose own names would cover them (an environment called `platform`) is refused.
    const platform = deployPolicy("platform");
    assert.equal(
      evaluate(platform, [], {
        action: "iam:PutRolePolicy",
        resource: arn.role("flink-platform-deploy-prod"),
        context: { "iam:PermissionsBoundary": boundaryArn("platform") },
      }),
      "explicit-deny",
    );
    assert.equal(
      evaluate(platform, [], { action: "iam:GetRole", resource: arn.role("flink-platform-oncall") }),
      "allow",
      "reads stay allowed",
    );
  });

  it("the deploy role attaches only the AWS managed policies the program uses", () => {
    for (const env of ENVIRONMENTS) {
      const deploy = deployPolicy(env);
      const attach = (action: string, policyArn: string, boundary?: string): IamRequest => ({
        action,
        resource: arn.role(`flink-${env}-node`),
        context: { "iam:PolicyARN": policyArn, ...(boundary ? { "iam:PermissionsBoundary": boundary } : {}) },
      });
      for (const policy of MANAGED_POLICIES) {
        for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]) {
          assert.equal(evaluate(deploy, [], attach(action, policy, boundaryArn(env))), "allow", policy);
        }
        // Only to roles that carry this environment's boundary.
        assert.equal(evaluate(deploy, [], attach("iam:AttachRolePolicy", policy)), "implicit-deny");
      }
      for (const policy of [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/IAMFullAccess",
        "arn:aws:iam::aws:policy/PowerUserAccess",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        arn.policy("flink-platform-boundary-prod"),
      ]) {
        assert.equal(
          evaluate(deploy, [], attach("iam:AttachRolePolicy", policy, boundaryArn(env))),
          "implicit-deny",
          `${env}: ${policy}`,
        );
      }
    }
  });

  it("each environment's deploy role reaches nothing of another environment", () => {
    // Requests on environment `e`'s resources; e's own deploy role is allowed each of them.
    const requests = (e: string): IamRequest[] => {
      const boundary = { "iam:PermissionsBoundary": boundaryArn(e) };
      const entry = arn.eks(
        `access-entry/flink-${e}/role/${ACCOUNT}/intruder/0ac7a2b6-1b9c-8f1e-3c4d-6e7f8a9b0c1d`,
      );
      return [
        { action: "iam:PutRolePolicy", resource: arn.role(`flink-${e}-cluster`), context: boundary },
        {
          action: "iam:AttachRolePolicy",
          resource: arn.role(`flink-${e}-node`),
          context: { ...boundary, "iam:PolicyARN": MANAGED_POLICIES[1] },
        },
        { action: "iam:UpdateAssumeRolePolicy", resource: arn.role(`flink-${e}-payments-state`) },
        { action: "iam:DeleteRole", resource: arn.role(`flink-${e}-node`) },
        { action: "iam:CreateRole", resource: arn.role(`flink-${e}-extra`), context: boundary },
        {
          action: "iam:PassRole",
          resource: arn.role(`flink-${e}-node`),
          context: { "iam:PassedToService": "eks.amazonaws.com" },
        },
        { action: "eks:CreateAccessEntry", resource: arn.eks(`cluster/flink-${e}`) },
        { action: "eks:CreateAccessEntry", resource: entry },
        { action: "eks:AssociateAccessPolicy", resource: arn.eks(`cluster/flink-${e}`) },
        { action: "eks:AssociateAccessPolicy", resource: entry },
        { action: "eks:DeleteCluster", resource: arn.eks(`cluster/flink-${e}`) },
        { action: "eks:UpdateNodegroupConfig", resource: arn.eks(`nodegroup/flink-${e}/flink/8ec6d2a4`) },
        { action: "eks:DeleteAddon", resource: arn.eks(`addon/flink-${e}/vpc-cni/2cc6d2a5`) },
        { action: "s3:PutBucketPolicy", resource: arn.s3(`acme-flink-${e}-euw1-payments`) },
        { action: "s3:DeleteBucket", resource: arn.s3(`acme-flink-${e}-euw1-payments`) },
        {
          action: "s3:GetObject",
          resource: arn.s3(`acme-pulumi-state-${e}/.pulumi/stacks/flink-platform/${e}.json`),
        },
        {
          action: "s3:PutObject",
          resource: arn.s3(`acme-pulumi-state-${e}/.pulumi/stacks/flink-platform/${e}.json`),
        },
        {
          action: "kms:Decrypt",
          resource: arn.key("5e3b1d7c9a2f4e6b8d0c1a3e5f7b9d2c"),
          context: { "kms:ResourceAliases": `alias/flink-platform-secrets-${e}` },
        },
        { action: "kms:ScheduleKeyDeletion", resource: arn.key("0f1e2d3c"), context: taggedFor(e) },
        { action: "kms:PutKeyPolicy", resource: arn.key("0f1e2d3c"), context: taggedFor(e) },
        {
          action: "kms:CreateGrant",
          resource: arn.key("0f1e2d3c"),
          context: { ...taggedFor(e), "kms:GrantIsForAWSResource": "true" },
        },
        { action: "kms:CreateAlias", resource: arn.alias(`acme-flink-${e}-euw1-state`) },
        { action: "ec2:DeleteVpc", resource: arn.ec2("vpc/vpc-0a1b2c3d"), context: taggedFor(e) },
        { action: "ec2:CreateRoute", resource: arn.ec2("route-table/rtb-0a1b2c3d"), context: taggedFor(e) },
        {
          action: "ec2:AuthorizeSecurityGroupIngress",
          resource: arn.ec2("security-group/sg-0a1b2c3d"),
          context: taggedFor(e),
        },
        {
          action: "ec2:CreateSubnet",
          resource: arn.ec2("vpc/vpc-0a1b2c3d"),
          context: { ...taggedFor(e), ...taggingFor(e) },
        },
        {
          action: "ec2:RunInstances",
          resource: arn.ec2("launch-template/lt-0a1b2c3d"),
          context: taggedFor(e),
        },
        { action: "ec2:DeleteTags", resource: arn.ec2("vpc/vpc-0a1b2c3d"), context: taggedFor(e) },
        {
          action: "iam:DeleteOpenIDConnectProvider",
          resource: arn.oidc("oidc.eks.eu-west-1.amazonaws.com/id/4A3CF0817C40BD27"),
          context: taggedFor(e),
        },
      ];
    };
    for (const env of ENVIRONMENTS) {
      const victim = otherThan(env);
      // Another environment's sub-resources even when named like this one's.
      for (const resource of [
        arn.eks(`nodegroup/flink-${victim}/flink-${env}/8ec6d2a4`),
        arn.eks(`access-entry/flink-${victim}/role/${ACCOUNT}/flink-${env}/8ec6d2a4`),
      ]) {
        assert.notEqual(
          evaluate(deployPolicy(env), [], { action: "eks:DeleteNodegroup", resource }),
          "allow",
        );
      }
      for (const req of requests(victim)) {
        const context = { ...inRegion, ...req.context };
        assert.equal(
          evaluate(deployPolicy(victim), [], { ...req, context }),
          "allow",
          `${victim}: ${show(req)}`,
        );
        assert.notEqual(
          evaluate(deployPolicy(env), [], { ...req, context }),
          "allow",
          `${env}: ${show(req)}`,
        );
      }
    }
  });

  it("the shared artifacts bucket is not the deploy roles' to change", () => {
    for (const env of ENVIRONMENTS) {
      for (const [action, resource] of [
        ["s3:PutBucketPolicy", "acme-flink-artifacts"],
        ["s3:DeleteBucketPolicy", "acme-flink-artifacts"],
        ["s3:DeleteBucket", "acme-flink-artifacts"],
        ["s3:PutBucketVersioning", "acme-flink-artifacts"],
        ["s3:PutLifecycleConfiguration", "acme-flink-artifacts"],
        ["s3:PutObject", "acme-flink-artifacts/payments/fraud-detection-7.2.0.jar"],
        ["s3:DeleteObject", "acme-flink-artifacts/payments/fraud-detection-7.2.0.jar"],
      ]) {
        assert.equal(
          evaluate(deployPolicy(env), [], { action, resource: arn.s3(resource) }),
          "explicit-deny",
          `${env}: ${action} on ${resource}`,
        );
      }
    }
  });

  it("keys: created only tagged for the environment, managed only when so tagged, grants only for AWS services", () => {
    for (const env of ENVIRONMENTS) {
      const deploy = deployPolicy(env);
      const other = otherThan(env);
      const key = arn.key("9d8c7b6a5f4e3d2c1b0a");
      const on = (action: string, resource: string, context: Record<string, string>) =>
        evaluate(deploy, [], { action, resource, context: { ...inRegion, ...context } });

      assert.equal(on("kms:CreateKey", "*", {}), "implicit-deny", "CreateKey without the tag");
      assert.equal(on("kms:CreateKey", "*", { "aws:RequestTag/team": "x" }), "implicit-deny");
      assert.equal(on("kms:CreateKey", "*", taggingFor(other)), "explicit-deny");
      assert.equal(on("kms:CreateKey", "*", taggingFor(env)), "allow");
      // Tags given to CreateKey are authorized as TagResource on no particular key.
      assert.equal(on("kms:TagResource", "*", taggingFor(env)), "allow");

      for (const action of [
        "kms:ScheduleKeyDeletion",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:DescribeKey",
      ]) {
        assert.equal(on(action, key, taggedFor(env)), "allow", action);
        assert.equal(on(action, key, taggedFor(other)), "implicit-deny", action);
        assert.equal(on(action, key, {}), "implicit-deny", `${action} on a key without the tag`);
      }
      // Claiming another environment's key by retagging it, or giving one away.
      assert.equal(on("kms:TagResource", key, { ...taggedFor(other), ...taggingFor(env) }), "implicit-deny");
      assert.equal(on("kms:TagResource", key, { ...taggedFor(env), ...taggingFor(other) }), "explicit-deny");
      assert.equal(on("kms:UntagResource", key, taggedFor(other)), "implicit-deny");

      assert.equal(on("kms:CreateGrant", key, taggedFor(env)), "implicit-deny", "a grant for a principal");
      assert.equal(
        on("kms:CreateGrant", key, { ...taggedFor(env), "kms:GrantIsForAWSResource": "false" }),
        "implicit-deny",
      );
      assert.equal(
        on("kms:CreateGrant", key, { ...taggedFor(env), "kms:GrantIsForAWSResource": "true" }),
        "allow",
      );
      assert.equal(
        on("kms:CreateGrant", key, { ...taggedFor(other), "kms:GrantIsForAWSResource": "true" }),
        "implicit-deny",
      );

      // An alias needs both the alias and the key (KMS authorizes CreateAlias on each).
      assert.equal(on("kms:CreateAlias", arn.alias(`acme-flink-${env}-euw1-state`), {}), "allow");
      assert.equal(on("kms:CreateAlias", key, taggedFor(env)), "allow");
      assert.equal(on("kms:CreateAlias", key, {}), "implicit-deny");
      assert.equal(on("kms:UpdateAlias", arn.alias(`flink-platform-secrets-${env}`), {}), "implicit-deny");
      assert.equal(on("kms:DeleteAlias", arn.alias(`acme-flink-${other}-euw1-state`), {}), "implicit-deny");
    }
  });

  it("EC2: created only tagged for the environment, changed only when so tagged, no instance outside a node group", () => {
    for (const env of ENVIRONMENTS) {
      const deploy = deployPolicy(env);
      const other = otherThan(env);
      const on = (action: string, resource: string, context: Record<string, string>) =>
        evaluate(deploy, [], { action, resource: arn.ec2(resource), context: { ...inRegion, ...context } });

      assert.equal(on("ec2:CreateVpc", "vpc/*", {}), "implicit-deny", "CreateVpc without the tag");
      assert.equal(on("ec2:CreateVpc", "vpc/*", taggingFor(other)), "implicit-deny");
      assert.equal(on("ec2:CreateVpc", "vpc/*", taggingFor(env)), "allow");
      assert.equal(
        on("ec2:CreateTags", "vpc/*", { ...taggingFor(env), "ec2:CreateAction": "CreateVpc" }),
        "allow",
      );
      assert.equal(
        on("ec2:CreateTags", "vpc/*", { ...taggingFor(other), "ec2:CreateAction": "CreateVpc" }),
        "explicit-deny",
      );

      for (const [action, resource] of [
        ["ec2:DeleteVpc", "vpc/vpc-0a1b2c3d"],
        ["ec2:DeleteSubnet", "subnet/subnet-0a1b2c3d"],
        ["ec2:CreateRoute", "route-table/rtb-0a1b2c3d"],
        ["ec2:DeleteNatGateway", "natgateway/nat-0a1b2c3d"],
        ["ec2:RevokeSecurityGroupEgress", "security-group/sg-0a1b2c3d"],
        ["ec2:CreateLaunchTemplateVersion", "launch-template/lt-0a1b2c3d"],
      ]) {
        assert.equal(on(action, resource, taggedFor(env)), "allow", action);
        assert.equal(on(action, resource, taggedFor(other)), "implicit-deny", `${action} of ${other}`);
        assert.equal(on(action, resource, {}), "implicit-deny", `${action} of an untagged resource`);
      }
      // A new resource inside another environment's VPC or subnet: its parent is refused.
      assert.equal(
        on("ec2:CreateSubnet", "vpc/vpc-0a1b2c3d", { ...taggedFor(other), ...taggingFor(env) }),
        "implicit-deny",
      );
      assert.equal(
        on("ec2:CreateNatGateway", "subnet/subnet-0a1b2c3d", { ...taggedFor(other), ...taggingFor(env) }),
        "implicit-deny",
      );
      // Existing resources cannot be claimed by tagging them, nor given away.
      assert.equal(on("ec2:CreateTags", "vpc/vpc-0a1b2c3d", taggingFor(env)), "implicit-deny");
      assert.equal(
        on("ec2:CreateTags", "vpc/vpc-0a1b2c3d", { ...taggedFor(env), ...taggingFor(other) }),
        "explicit-deny",
      );

      // Instances only as an EKS node group launches them: from this environment's launch template.
      assert.equal(
        on("ec2:RunInstances", "instance/*", {}),
        "implicit-deny",
        "RunInstances without a launch template",
      );
      assert.equal(on("ec2:RunInstances", "launch-template/lt-0a1b2c3d", taggedFor(other)), "implicit-deny");
      assert.equal(on("ec2:RunInstances", "launch-template/lt-0a1b2c3d", {}), "implicit-deny");
      assert.equal(on("ec2:RunInstances", "subnet/subnet-0a1b2c3d", taggedFor(other)), "implicit-deny");
      assert.equal(on("ec2:RunInstances", "launch-template/lt-0a1b2c3d", taggedFor(env)), "allow");
      assert.equal(
        on("ec2:RunInstances", "instance/*", {
          "ec2:LaunchTemplate": arn.ec2("launch-template/lt-0a1b2c3d"),
        }),
        "allow",
      );
    }
  });

  it("each environment's role is assumable only by its deploy workflow on main", () => {
    const trust = (environment: string) => [doc("deploy-role-trust.json", environment)];
    const assume = (sub: string): IamRequest => ({
      action: "sts:AssumeRoleWithWebIdentity",
      resource: arn.role("flink-platform-deploy-prod"),
      principal: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      context: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": sub,
      },
    });
    const ref = "job_workflow_ref:acme/flink-platform/.github/workflows/deploy.yml";
    const prodTrust = trust("prod");
    assert.equal(
      evaluate([], prodTrust, assume(`repo:acme/flink-platform:environment:prod:${ref}@refs/heads/main`)),
      "allow",
    );
    for (const sub of [
      "repo:acme/flink-platform:pull_request",
      `repo:acme/flink-platform:environment:dev:${ref}@refs/heads/main`,
      `repo:acme/flink-platform:environment:staging:${ref}@refs/heads/main`,
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
        resource: arn.s3("acme-pulumi-state-dev/.pulumi/stacks/x"),
      }),
      "allow",
    );
    for (const bucket of ["acme-pulumi-state", "acme-pulumi-state-prod"]) {
      assert.equal(
        evaluate(dev, [], { action: "s3:GetObject", resource: arn.s3(`${bucket}/.pulumi/stacks/prod.json`) }),
        "implicit-deny",
      );
    }
    assert.equal(
      evaluate(dev, [], { action: "eks:CreateCluster", resource: arn.eks("cluster/x") }),
      "implicit-deny",
    );
  });

  it("every request the program makes for a stack is allowed to its environment's deploy role, and to no other", async () => {
    for (const env of ENVIRONMENTS) {
      const { resources } = await renderStack(env);
      const calls = programCalls(resources, env);
      assert.ok(calls.length >= 150, `${env}: ${calls.length} calls`);
      const decide = (policies: PolicyDocument[], call: ProgramCall): Decision => {
        const decisions = call.parts.map((part) => evaluate(policies, [], part));
        return decisions.find((d) => d !== "allow") ?? "allow";
      };
      const describe = (call: ProgramCall) => `${call.what}: ${call.parts.map(show).join(" + ")}`;
      const refused = calls.filter((c) => decide(deployPolicy(env), c) !== "allow").map(describe);
      assert.deepEqual(refused, [], `${env}'s deploy role is refused what its stack needs`);
      const leaked = calls
        .filter((c) => !c.unscoped && decide(deployPolicy(otherThan(env)), c) === "allow")
        .map(describe);
      assert.deepEqual(leaked, [], `${otherThan(env)}'s deploy role may change ${env}`);
    }
  });

  it("every permission the platform grants its own roles survives the boundary", async () => {
    for (const env of ENVIRONMENTS) {
      const { resources } = await renderStack(env);
      const boundary = boundaryPolicy(env);
      // The keys the program creates, all tagged with the environment (as every AWS resource is).
      for (const key of ofType(resources, "aws:kms/key:Key")) {
        assert.equal((key.inputs.tags as Record<string, string>)[ENV_TAG], env, key.name);
      }
      const programKeys = new Set([
        ...ofType(resources, "aws:eks/cluster:Cluster").map(
          (c: any) => c.inputs.encryptionConfig.provider.keyArn,
        ),
        ...ofType(
          resources,
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        )
          .flatMap((c: any) => c.inputs.rules)
          .map((rule: any) => rule.applyServerSideEncryptionByDefault.kmsMasterKeyId),
      ]);
      const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy").map(
        (r) => policyDoc(r) as PolicyDocument,
      );
      let checked = 0;
      for (const d of inline) {
        for (const st of d.Statement.filter((s) => s.Effect === "Allow")) {
          for (const action of [st.Action].flat()) {
            for (const resource of [st.Resource ?? "*"].flat()) {
              // The request this statement allows: its own conditions met, and the tags the
              // resource carries when the program created it.
              const context = {
                // Every real request names its region.
                ...inRegion,
                ...satisfying(st.Condition),
                ...(programKeys.has(resource) ? taggedFor(env) : {}),
              };
              checked++;
              assert.equal(
                evaluate(boundary, [], { action, resource, context }),
                "allow",
                `${env}: ${action} on ${resource}`,
              );
            }
          }
        }
      }
      assert.ok(checked >= 15, String(checked));
      // And a role under the boundary can never create another role or pass one.
      for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole"]) {
        assert.equal(evaluate(boundary, [], { action, resource: arn.role("x") }), "explicit-deny", action);
      }
    }
  });

  it("the AWS managed policies the program attaches keep working under the boundary", async () => {
    const { resources } = await renderStack("prod");
    const attached = new Set(
      ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) =>
        String(r.inputs.policyArn),
      ),
    );
    assert.deepEqual([...attached].sort(), Object.keys(MANAGED_POLICY_ACTIONS).sort());
    assert.deepEqual([...MANAGED_POLICIES].sort(), Object.keys(MANAGED_POLICY_ACTIONS).sort());
    for (const env of ENVIRONMENTS) {
      const boundary = boundaryPolicy(env);
      for (const [policy, actions] of Object.entries(MANAGED_POLICY_ACTIONS)) {
        for (const action of actions) {
          const req: IamRequest = action.startsWith("kms:")
            ? { action, resource: arn.key("secrets"), context: taggedFor(env) }
            : action.startsWith("eks:") || action.startsWith("eks-auth:")
              ? { action, resource: arn.eks(`cluster/flink-${env}`) }
              : action === "iam:CreateServiceLinkedRole"
                ? {
                    action,
                    resource: "*",
                    context: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
                  }
                : { action, resource: "*", context: inRegion };
          assert.equal(evaluate(boundary, [], req), "allow", `${env}: ${policy}: ${show(req)}`);
        }
      }
    }
  });

  it("the boundary keeps the platform's roles inside their environment", () => {
    for (const env of ENVIRONMENTS) {
      const boundary = boundaryPolicy(env);
      const other = otherThan(env);
      const on = (action: string, resource: string, context: Record<string, string> = {}) =>
        evaluate(boundary, [], { action, resource, context: { ...inRegion, ...context } });

      // S3: this environment's state buckets, read-only job artifacts, never the Pulumi state.
      assert.equal(on("s3:GetObject", arn.s3(`acme-flink-${env}-euw1-payments/checkpoints/x`)), "allow");
      assert.equal(on("s3:PutObject", arn.s3(`acme-flink-${env}-euw1-payments/checkpoints/x`)), "allow");
      assert.equal(
        on("s3:GetObject", arn.s3(`acme-flink-${other}-euw1-payments/checkpoints/x`)),
        "implicit-deny",
      );
      for (const state of [`acme-pulumi-state-${env}`, `acme-pulumi-state-${other}`, "acme-pulumi-state"]) {
        assert.equal(
          on("s3:GetObject", arn.s3(`${state}/.pulumi/stacks/flink-platform/${env}.json`)),
          "implicit-deny",
        );
      }
      assert.equal(
        on("s3:GetObject", arn.s3("acme-flink-artifacts/payments/fraud-detection-7.2.0.jar")),
        "allow",
      );
      assert.equal(on("s3:ListBucket", arn.s3("acme-flink-artifacts")), "allow");
      assert.equal(on("s3:PutObject", arn.s3("acme-flink-artifacts/payments/evil.jar")), "implicit-deny");
      assert.equal(on("s3:PutBucketPolicy", arn.s3("acme-flink-artifacts")), "implicit-deny");

      // KMS: this environment's keys, or any key only through S3 or EBS (the default EBS key).
      const key = arn.key("1a2b3c4d");
      assert.equal(on("kms:Decrypt", key, taggedFor(env)), "allow");
      assert.equal(on("kms:Decrypt", key), "implicit-deny", "a key without the environment tag");
      assert.equal(
        on("kms:Encrypt", key, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }),
        "implicit-deny",
      );
      assert.equal(on("kms:Decrypt", key, taggedFor(other)), "explicit-deny");
      const viaEbs = { "kms:ViaService": "ec2.eu-west-1.amazonaws.com", "kms:CallerAccount": ACCOUNT };
      assert.equal(on("kms:CreateGrant", key, viaEbs), "allow");
      assert.equal(on("kms:Decrypt", key, { ...viaEbs, ...taggedFor(other) }), "explicit-deny");

      // EC2 and the cluster: what the managed policies need, never on another environment's resources.
      assert.equal(on("ec2:DeleteVolume", arn.ec2("volume/vol-0a1b2c3d")), "allow");
      assert.equal(on("ec2:DeleteVolume", arn.ec2("volume/vol-0a1b2c3d"), taggedFor(other)), "explicit-deny");
      assert.equal(on("ec2:DeleteVpc", arn.ec2("vpc/vpc-0a1b2c3d"), taggedFor(env)), "implicit-deny");
      assert.equal(on("ec2:RunInstances", arn.ec2("instance/*")), "implicit-deny");
      assert.equal(on("eks:DescribeCluster", arn.eks(`cluster/flink-${env}`)), "allow");
      assert.equal(on("eks:DescribeCluster", arn.eks(`cluster/flink-${other}`)), "implicit-deny");
      assert.equal(on("ec2:DescribeInstances", "*", { "aws:RequestedRegion": "us-east-1" }), "implicit-deny");

      // No identity administration at all.
      for (const action of [
        "iam:CreateRole",
        "iam:AttachRolePolicy",
        "iam:PassRole",
        "iam:CreatePolicyVersion",
      ]) {
        assert.equal(on(action, arn.role(`flink-${env}-node`)), "explicit-deny", action);
      }
      assert.equal(on("sts:AssumeRole", arn.role("platform-admins")), "implicit-deny");
    }
  });
});

/** One API call: allowed when every resource it names is (IAM authorizes each separately). */
interface ProgramCall {
  what: string;
  parts: IamRequest[];
  /** A call IAM cannot scope to a resource (no ARN): allowed to every environment's role. */
  unscoped?: boolean;
}

/**
 * The calls `pulumi up` and `pulumi destroy` make for the stack's AWS resources, with the
 * condition keys they carry: the tags being applied (`aws:RequestTag`), the tags of the resource
 * acted on (`aws:ResourceTag`: every AWS resource of a stack carries its environment tag, asserted
 * here, so a parent named by id is one of them), the boundary a role carries, the policy attached.
 * Stack-wide reads (ec2:Describe*, sts:GetCallerIdentity) are not listed: they name no resource.
 */
function programCalls(resources: RecordedResource[], env: Env): ProgramCall[] {
  const provider = resources.find((r) => r.type === "pulumi:providers:aws");
  assert.ok(provider, "the stack's AWS provider");
  const defaultTags: Record<string, string> = JSON.parse(String(provider.inputs.defaultTags)).tags;
  assert.equal(defaultTags[ENV_TAG], env);
  const boundaries = new Map(
    ofType(resources, "aws:iam/role:Role").map((r) => [
      String(r.inputs.name),
      String(r.inputs.permissionsBoundary),
    ]),
  );
  const own = taggedFor(env);
  const calls: ProgramCall[] = [];
  const call = (what: string, action: string, ...parts: [string, Record<string, string>][]) =>
    calls.push({
      what,
      parts: parts.map(([resource, context]) => ({ action, resource, context: { ...inRegion, ...context } })),
    });

  // The stack's state and its secrets provider.
  const checkpoint = arn.s3(`acme-pulumi-state-${env}/.pulumi/stacks/flink-platform/${env}.json`);
  for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
    call("state", action, [checkpoint, {}]);
  call("state", "s3:ListBucket", [arn.s3(`acme-pulumi-state-${env}`), {}]);
  for (const action of ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]) {
    call("secrets", action, [
      arn.key("5e3b1d7c9a2f4e6b8d0c1a3e5f7b9d2c"),
      { "kms:ResourceAliases": `alias/flink-platform-secrets-${env}` },
    ]);
  }

  for (const r of resources) {
    if (!r.type.startsWith("aws:")) continue;
    const i = r.inputs as Record<string, any>;
    const tags: Record<string, string> = { ...defaultTags, ...(i.tags ?? {}) };
    if (i.tags !== undefined) assert.equal(i.tags[ENV_TAG], env, `${r.name} carries the environment tag`);
    const creating = prefixed("aws:RequestTag/", tags);
    const existing = prefixed("aws:ResourceTag/", tags);
    const what = `${r.type} ${r.name}`;
    const self = (kind: string) => arn.ec2(`${kind}/${r.name}`);
    const ec2Create = (action: string, kind: string, parents: string[] = []) => {
      call(
        what,
        action,
        [arn.ec2(`${kind}/*`), creating],
        ...parents.map((p) => [arn.ec2(p), { ...creating, ...own }] as [string, Record<string, string>]),
      );
      call(what, "ec2:CreateTags", [
        arn.ec2(`${kind}/*`),
        { ...creating, "ec2:CreateAction": action.replace("ec2:", "") },
      ]);
    };
    const onSelf = (kind: string, actions: string[], parents: string[] = []) => {
      for (const action of actions) {
        call(
          what,
          action,
          [self(kind), existing],
          ...parents.map((p) => [arn.ec2(p), own] as [string, Record<string, string>]),
        );
      }
    };
    const retag = (resource: string) => {
      call(what, "ec2:CreateTags", [resource, { ...existing, ...creating }]);
      call(what, "ec2:DeleteTags", [resource, existing]);
    };
    switch (r.type) {
      case "aws:ec2/vpc:Vpc":
        ec2Create("ec2:CreateVpc", "vpc");
        onSelf("vpc", ["ec2:ModifyVpcAttribute", "ec2:DeleteVpc"]);
        retag(self("vpc"));
        break;
      case "aws:ec2/subnet:Subnet":
        ec2Create("ec2:CreateSubnet", "subnet", [`vpc/${i.vpcId}`]);
        onSelf("subnet", ["ec2:ModifySubnetAttribute", "ec2:DeleteSubnet"]);
        retag(self("subnet"));
        break;
      case "aws:ec2/internetGateway:InternetGateway":
        ec2Create("ec2:CreateInternetGateway", "internet-gateway");
        onSelf(
          "internet-gateway",
          ["ec2:AttachInternetGateway", "ec2:DetachInternetGateway"],
          [`vpc/${i.vpcId}`],
        );
        onSelf("internet-gateway", ["ec2:DeleteInternetGateway"]);
        break;
      case "aws:ec2/routeTable:RouteTable":
        ec2Create("ec2:CreateRouteTable", "route-table", [`vpc/${i.vpcId}`]);
        onSelf("route-table", [
          ...((i.routes ?? []).length ? ["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"] : []),
          "ec2:DeleteRouteTable",
        ]);
        retag(self("route-table"));
        break;
      case "aws:ec2/routeTableAssociation:RouteTableAssociation":
        call(
          what,
          "ec2:AssociateRouteTable",
          [arn.ec2(`route-table/${i.routeTableId}`), own],
          [arn.ec2(`subnet/${i.subnetId}`), own],
        );
        call(what, "ec2:DisassociateRouteTable", [arn.ec2(`route-table/${i.routeTableId}`), own]);
        break;
      case "aws:ec2/eip:Eip":
        ec2Create("ec2:AllocateAddress", "elastic-ip");
        onSelf("elastic-ip", ["ec2:DisassociateAddress", "ec2:ReleaseAddress"]);
        break;
      case "aws:ec2/natGateway:NatGateway":
        ec2Create("ec2:CreateNatGateway", "natgateway", [
          `subnet/${i.subnetId}`,
          `elastic-ip/${i.allocationId}`,
        ]);
        onSelf("natgateway", ["ec2:DeleteNatGateway"]);
        break;
      case "aws:ec2/vpcEndpoint:VpcEndpoint": {
        const attached = [
          ...(i.routeTableIds ?? []).map((id: string) => `route-table/${id}`),
          ...(i.subnetIds ?? []).map((id: string) => `subnet/${id}`),
          ...(i.securityGroupIds ?? []).map((id: string) => `security-group/${id}`),
        ];
        ec2Create("ec2:CreateVpcEndpoint", "vpc-endpoint", [`vpc/${i.vpcId}`, ...attached]);
        onSelf("vpc-endpoint", ["ec2:ModifyVpcEndpoint"], attached);
        onSelf("vpc-endpoint", ["ec2:DeleteVpcEndpoints"]);
        break;
      }
      case "aws:ec2/securityGroup:SecurityGroup":
        ec2Create("ec2:CreateSecurityGroup", "security-group", [`vpc/${i.vpcId}`]);
        onSelf("security-group", [
          "ec2:AuthorizeSecurityGroupIngress",
          "ec2:AuthorizeSecurityGroupEgress",
          "ec2:RevokeSecurityGroupIngress",
          "ec2:RevokeSecurityGroupEgress",
          "ec2:DeleteSecurityGroup",
        ]);
        break;
      case "aws:ec2/launchTemplate:LaunchTemplate":
        for (const spec of i.tagSpecifications ?? [])
          assert.equal(spec.tags[ENV_TAG], env, `${r.name} tags its instances`);
        ec2Create("ec2:CreateLaunchTemplate", "launch-template");
        onSelf("launch-template", [
          "ec2:CreateLaunchTemplateVersion",
          "ec2:ModifyLaunchTemplate",
          "ec2:DeleteLaunchTemplate",
        ]);
        break;
      case "aws:kms/key:Key":
        call(what, "kms:CreateKey", ["*", creating]);
        call(what, "kms:TagResource", ["*", creating]);
        for (const action of [
          "kms:DescribeKey",
          "kms:GetKeyPolicy",
          "kms:PutKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:EnableKeyRotation",
          "kms:ListResourceTags",
          "kms:UpdateKeyDescription",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
        ]) {
          call(what, action, [arn.key(r.name), existing]);
        }
        call(what, "kms:TagResource", [arn.key(r.name), { ...existing, ...creating }]);
        break;
      case "aws:kms/alias:Alias":
        for (const action of ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"]) {
          call(
            what,
            action,
            [arn.alias(String(i.name).replace(/^alias\//, "")), {}],
            [arn.key(i.targetKeyId), own],
          );
        }
        break;
      case "aws:iam/role:Role": {
        const role = arn.role(i.name);
        const boundary = { "iam:PermissionsBoundary": String(i.permissionsBoundary) };
        call(what, "iam:CreateRole", [role, { ...creating, ...boundary }]);
        call(what, "iam:TagRole", [role, creating]);
        call(what, "iam:PutRolePermissionsBoundary", [role, boundary]);
        for (const action of [
          "iam:GetRole",
          "iam:UpdateAssumeRolePolicy",
          "iam:UntagRole",
          "iam:DeleteRole",
        ]) {
          call(what, action, [role, {}]);
        }
        break;
      }
      case "aws:iam/rolePolicy:RolePolicy": {
        const boundary = { "iam:PermissionsBoundary": boundaries.get(i.role) ?? "" };
        for (const action of ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"]) {
          call(what, action, [arn.role(i.role), boundary]);
        }
        break;
      }
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]) {
          call(what, action, [
            arn.role(i.role),
            { "iam:PolicyARN": i.policyArn, "iam:PermissionsBoundary": boundaries.get(i.role) ?? "" },
          ]);
        }
        break;
      case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        const provider = arn.oidc(String(i.url).replace(/^https:\/\//, ""));
        call(what, "iam:CreateOpenIDConnectProvider", [provider, creating]);
        call(what, "iam:TagOpenIDConnectProvider", [provider, creating]);
        for (const action of [
          "iam:GetOpenIDConnectProvider",
          "iam:UpdateOpenIDConnectProviderThumbprint",
          "iam:AddClientIDToOpenIDConnectProvider",
          "iam:DeleteOpenIDConnectProvider",
        ]) {
          call(what, action, [provider, existing]);
        }
        break;
      }
      case "aws:eks/cluster:Cluster": {
        const cluster = arn.eks(`cluster/${i.name}`);
        call(what, "eks:CreateCluster", [cluster, creating]);
        call(what, "eks:TagResource", [cluster, creating]);
        for (const action of [
          "eks:DescribeCluster",
          "eks:UpdateClusterConfig",
          "eks:UpdateClusterVersion",
          "eks:DeleteCluster",
        ]) {
          call(what, action, [cluster, {}]);
        }
        call(what, "iam:PassRole", [i.roleArn, { "iam:PassedToService": "eks.amazonaws.com" }]);
        // Secrets encryption: EKS checks the key and grants itself its use.
        const key = i.encryptionConfig.provider.keyArn;
        call(what, "kms:DescribeKey", [key, own]);
        call(what, "kms:CreateGrant", [key, { ...own, "kms:GrantIsForAWSResource": "true" }]);
        break;
      }
      case "aws:eks/accessEntry:AccessEntry": {
        call(what, "eks:CreateAccessEntry", [arn.eks(`cluster/${i.clusterName}`), creating]);
        const entry = accessEntryArn(i.clusterName, i.principalArn);
        for (const action of [
          "eks:DescribeAccessEntry",
          "eks:UpdateAccessEntry",
          "eks:TagResource",
          "eks:DeleteAccessEntry",
        ]) {
          call(what, action, [entry, action === "eks:TagResource" ? creating : {}]);
        }
        break;
      }
      case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
        for (const action of [
          "eks:AssociateAccessPolicy",
          "eks:ListAssociatedAccessPolicies",
          "eks:DisassociateAccessPolicy",
        ]) {
          call(what, action, [accessEntryArn(i.clusterName, i.principalArn), {}]);
        }
        break;
      case "aws:eks/addon:Addon": {
        call(what, "eks:CreateAddon", [arn.eks(`cluster/${i.clusterName}`), creating]);
        const addon = arn.eks(`addon/${i.clusterName}/${i.addonName}/${r.name}`);
        for (const action of ["eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon"])
          call(what, action, [addon, {}]);
        if (i.serviceAccountRoleArn) {
          call(what, "iam:PassRole", [
            i.serviceAccountRoleArn,
            { "iam:PassedToService": "eks.amazonaws.com" },
          ]);
        }
        break;
      }
      case "aws:eks/nodeGroup:NodeGroup": {
        call(what, "eks:CreateNodegroup", [arn.eks(`cluster/${i.clusterName}`), creating]);
        const group = arn.eks(`nodegroup/${i.clusterName}/${r.name}/${r.name}`);
        for (const action of [
          "eks:DescribeNodegroup",
          "eks:UpdateNodegroupConfig",
          "eks:UpdateNodegroupVersion",
          "eks:DeleteNodegroup",
        ]) {
          call(what, action, [group, {}]);
        }
        call(what, "iam:PassRole", [i.nodeRoleArn, { "iam:PassedToService": "eks.amazonaws.com" }]);
        // A launch template that tags instances makes EKS check that the caller may launch from
        // it (EKS user guide, launch templates: "Tagging Amazon EC2 instances").
        const template = arn.ec2(`launch-template/${i.launchTemplate.id}`);
        const fromTemplate = { "ec2:LaunchTemplate": template };
        call(
          what,
          "ec2:RunInstances",
          [template, { ...own, ...fromTemplate }],
          ...(i.subnetIds as string[]).map(
            (s) => [arn.ec2(`subnet/${s}`), { ...own, ...fromTemplate }] as [string, Record<string, string>],
          ),
          ...["instance/*", "volume/*", "network-interface/*", "security-group/sg-eks-cluster"].map(
            (x) => [arn.ec2(x), fromTemplate] as [string, Record<string, string>],
          ),
          [`arn:aws:ec2:${REGION}::image/ami-eks-optimized`, fromTemplate],
        );
        call(what, "ec2:CreateTags", [
          arn.ec2("instance/*"),
          { ...taggingFor(env), "ec2:CreateAction": "RunInstances" },
        ]);
        break;
      }
      case "aws:s3/bucket:Bucket": {
        const bucket = arn.s3(i.bucket);
        for (const action of [
          "s3:CreateBucket",
          "s3:PutBucketTagging",
          "s3:GetBucketTagging",
          "s3:ListBucket",
          "s3:DeleteBucket",
        ]) {
          call(what, action, [bucket, {}]);
        }
        break;
      }
      case "aws:s3/bucketVersioning:BucketVersioning":
        bucketCalls(call, what, i.bucket, ["s3:PutBucketVersioning", "s3:GetBucketVersioning"]);
        break;
      case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        bucketCalls(call, what, i.bucket, ["s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"]);
        break;
      case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        bucketCalls(call, what, i.bucket, ["s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"]);
        break;
      case "aws:s3/bucketOwnershipControls:BucketOwnershipControls":
        bucketCalls(call, what, i.bucket, ["s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"]);
        break;
      case "aws:s3/bucketPolicy:BucketPolicy":
        bucketCalls(call, what, i.bucket, [
          "s3:PutBucketPolicy",
          "s3:GetBucketPolicy",
          "s3:DeleteBucketPolicy",
        ]);
        break;
      case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
        bucketCalls(call, what, i.bucket, ["s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"]);
        break;
      case "aws:cloudwatch/logGroup:LogGroup": {
        const group = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${i.name}`;
        for (const action of [
          "logs:CreateLogGroup",
          "logs:PutRetentionPolicy",
          "logs:AssociateKmsKey",
          "logs:TagResource",
          "logs:ListTagsForResource",
          "logs:UntagResource",
          "logs:DeleteLogGroup",
        ]) {
          call(what, action, [group, {}]);
        }
        break;
      }
      case "aws:sqs/queue:Queue": {
        const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${i.name}`;
        for (const action of [
          "sqs:CreateQueue",
          "sqs:GetQueueAttributes",
          "sqs:SetQueueAttributes",
          "sqs:TagQueue",
          "sqs:ListQueueTags",
          "sqs:UntagQueue",
          "sqs:DeleteQueue",
        ]) {
          call(what, action, [queue, {}]);
        }
        break;
      }
      case "aws:sqs/queuePolicy:QueuePolicy": {
        // Its queue, named in the URL the queue's id is.
        const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:${String(i.queueUrl).split("/").pop()}`;
        for (const action of ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"])
          call(what, action, [queue, {}]);
        break;
      }
      case "aws:cloudwatch/eventRule:EventRule": {
        const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${i.name}`;
        for (const action of [
          "events:PutRule",
          "events:DescribeRule",
          "events:TagResource",
          "events:ListTagsForResource",
          "events:DeleteRule",
        ]) {
          call(what, action, [rule, {}]);
        }
        break;
      }
      case "aws:cloudwatch/eventTarget:EventTarget": {
        const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${i.rule}`;
        for (const action of ["events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"]) {
          call(what, action, [rule, {}]);
        }
        break;
      }
      case "aws:iam/instanceProfile:InstanceProfile": {
        const profile = `arn:aws:iam::${ACCOUNT}:instance-profile/${i.name}`;
        for (const action of [
          "iam:CreateInstanceProfile",
          "iam:TagInstanceProfile",
          "iam:GetInstanceProfile",
          "iam:AddRoleToInstanceProfile",
          "iam:RemoveRoleFromInstanceProfile",
          "iam:DeleteInstanceProfile",
        ]) {
          call(what, action, [profile, {}]);
        }
        // Adding a role to a profile passes it.
        call(what, "iam:PassRole", [arn.role(i.role), { "iam:PassedToService": "ec2.amazonaws.com" }]);
        break;
      }
      case "aws:ec2/tag:Tag": {
        // The security group EKS created for the cluster: it carries the cluster's name, not ours.
        const sg = arn.ec2(`security-group/${i.resourceId}`);
        const eksOwned = {
          "aws:ResourceTag/aws:eks:cluster-name": `flink-${env}`,
          "aws:TagKeys": String(i.key),
        };
        call(what, "ec2:CreateTags", [sg, eksOwned]);
        call(what, "ec2:DeleteTags", [sg, eksOwned]);
        break;
      }
      case "aws:cloudwatch/queryDefinition:QueryDefinition":
        // Saved queries have no ARN: IAM authorizes them on "*" only, in every environment alike.
        for (const action of [
          "logs:PutQueryDefinition",
          "logs:DescribeQueryDefinitions",
          "logs:DeleteQueryDefinition",
        ]) {
          calls.push({ what, unscoped: true, parts: [{ action, resource: "*", context: inRegion }] });
        }
        break;
      default:
        throw new Error(
          `no deploy-role calls are known for ${r.type}: list what the AWS provider calls for it here, ` +
            "and grant them in docs/iam/deploy-role-policy.json (or deploy-role-logs-policy.json, deploy-role-capacity-policy.json)",
        );
    }
  }
  return calls;
}

function bucketCalls(
  call: (what: string, action: string, ...parts: [string, Record<string, string>][]) => void,
  what: string,
  bucket: string,
  actions: string[],
) {
  for (const action of actions) call(what, action, [arn.s3(bucket), {}]);
}

/** `access-entry/<cluster>/role/<account>/<role name>/<uuid>` (EKS service authorization reference). */
function accessEntryArn(cluster: string, principalArn: string): string {
  const name = principalArn.split("/").pop();
  return arn.eks(`access-entry/${cluster}/role/${ACCOUNT}/${name}/1ec6d2a4-5b3f-4c1e-9a8d-7f6e5d4c3b2a`);
}

/** Condition keys set so that a statement's own conditions hold (the request it exists to allow). */
function satisfying(condition: PolicyDocument["Statement"][number]["Condition"]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    if (/Not|Null|IfExists/.test(operator)) continue;
    for (const [key, values] of Object.entries(keys)) {
      context[key] = [values].flat()[0].replace(/[*?]/g, "x");
    }
  }
  return context;
}

/**
 * The actions of the AWS managed policies the program attaches, as the AWS managed policy
 * reference publishes them (AmazonEKSClusterPolicy v10, AmazonEKSWorkerNodePolicy v3,
 * AmazonEC2ContainerRegistryReadOnly v3, AmazonEKS_CNI_Policy v5, AmazonEBSCSIDriverPolicy v14).
 * The boundary caps them too: when AWS adds an action to one, add it here and to the boundary.
 */
const MANAGED_POLICY_ACTIONS: Record<string, string[]> = {
  "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy": [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:UpdateAutoScalingGroup",
    "ec2:AttachVolume",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:CreateRoute",
    "ec2:CreateSecurityGroup",
    "ec2:CreateTags",
    "ec2:CreateVolume",
    "ec2:DeleteRoute",
    "ec2:DeleteSecurityGroup",
    "ec2:DeleteVolume",
    "ec2:DescribeInstances",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeVolumesModifications",
    "ec2:DescribeVpcs",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeAvailabilityZones",
    "ec2:DetachVolume",
    "ec2:ModifyInstanceAttribute",
    "ec2:ModifyVolume",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:DescribeAccountAttributes",
    "ec2:DescribeAddresses",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeInstanceTopology",
    "ec2:DeleteNetworkInterface",
    "elasticloadbalancing:AddTags",
    "elasticloadbalancing:ApplySecurityGroupsToLoadBalancer",
    "elasticloadbalancing:AttachLoadBalancerToSubnets",
    "elasticloadbalancing:ConfigureHealthCheck",
    "elasticloadbalancing:CreateListener",
    "elasticloadbalancing:CreateLoadBalancer",
    "elasticloadbalancing:CreateLoadBalancerListeners",
    "elasticloadbalancing:CreateLoadBalancerPolicy",
    "elasticloadbalancing:CreateTargetGroup",
    "elasticloadbalancing:DeleteListener",
    "elasticloadbalancing:DeleteLoadBalancer",
    "elasticloadbalancing:DeleteLoadBalancerListeners",
    "elasticloadbalancing:DeleteTargetGroup",
    "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
    "elasticloadbalancing:DeregisterTargets",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancerPolicies",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DetachLoadBalancerFromSubnets",
    "elasticloadbalancing:ModifyListener",
    "elasticloadbalancing:ModifyLoadBalancerAttributes",
    "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes",
    "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
    "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:SetLoadBalancerPoliciesForBackendServer",
    "elasticloadbalancing:SetLoadBalancerPoliciesOfListener",
    "kms:DescribeKey",
    "iam:CreateServiceLinkedRole",
  ],
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy": [
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeVolumesModifications",
    "ec2:DescribeVpcs",
    "eks:DescribeCluster",
    "eks-auth:AssumeRoleForPodIdentity",
  ],
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly": [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetRepositoryPolicy",
    "ecr:DescribeRepositories",
    "ecr:ListImages",
    "ecr:DescribeImages",
    "ecr:BatchGetImage",
    "ecr:GetLifecyclePolicy",
    "ecr:GetLifecyclePolicyPreview",
    "ecr:ListTagsForResource",
    "ecr:DescribeImageScanFindings",
  ],
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy": [
    "ec2:AssignPrivateIpAddresses",
    "ec2:AttachNetworkInterface",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeInstances",
    "ec2:DescribeTags",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeSubnets",
    "ec2:DetachNetworkInterface",
    "ec2:ModifyNetworkInterfaceAttribute",
    "ec2:UnassignPrivateIpAddresses",
    "ec2:CreateTags",
  ],
  "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy": [
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInstances",
    "ec2:DescribeSnapshots",
    "ec2:DescribeTags",
    "ec2:DescribeVolumes",
    "ec2:DescribeVolumesModifications",
    "ec2:DescribeVolumeStatus",
    "ec2:CreateSnapshot",
    "ec2:ModifyVolume",
    "ec2:CopyVolumes",
    "ec2:AttachVolume",
    "ec2:DetachVolume",
    "ec2:CreateVolume",
    "ec2:EnableFastSnapshotRestores",
    "ec2:CreateTags",
    "ec2:DeleteTags",
    "ec2:DeleteVolume",
    "ec2:DeleteSnapshot",
    "ec2:LockSnapshot",
  ],
};
