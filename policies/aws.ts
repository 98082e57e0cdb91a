/** Policies over AWS resources: S3, IAM, EKS and the network. */
import { list, PolicyResource, ResourcePolicy, Statement, StackPolicy, statementsOf } from "./model";

const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

export const s3BucketHardened: StackPolicy = {
  kind: "stack",
  name: "s3-bucket-hardened",
  description: "S3 buckets are KMS-encrypted, versioned, block all public access and deny non-TLS requests.",
  rationale:
    "The bucket holds every checkpoint and savepoint: losing, leaking or overwriting it loses the jobs' state.",
  check(resources) {
    const problems: { resource: string; message: string }[] = [];
    for (const bucket of resources.filter((r) => BUCKET_TYPES.has(r.type))) {
      const name = bucket.props.bucket;
      // Settings resources point at the bucket by name; while that is unknown, by their shared parent.
      const about = (type: string) =>
        resources.filter(
          (r) =>
            r.type === type &&
            (r.props.bucket !== undefined
              ? r.props.bucket === name
              : !!bucket.parent && r.parent === bucket.parent),
        );
      const report = (message: string) => problems.push({ resource: bucket.name, message });

      const sse = [
        ...about("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
        ...about(
          "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
        ),
      ].flatMap((r) => r.props.rules ?? []);
      const inline = bucket.props.serverSideEncryptionConfiguration?.rule;
      const algorithms = [...sse, ...(inline ? [inline] : [])].map(
        (rule) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
      );
      if (!algorithms.some((a) => a === "aws:kms" || a === "aws:kms:dsse"))
        report("is not encrypted with KMS (SSE-KMS)");

      const versioning = [
        ...about("aws:s3/bucketVersioning:BucketVersioning"),
        ...about("aws:s3/bucketVersioningV2:BucketVersioningV2"),
      ].map((r) => r.props.versioningConfiguration?.status);
      const versioned = versioning.includes("Enabled") || bucket.props.versioning?.enabled === true;
      if (!versioned) {
        report(
          versioning.includes("Suspended")
            ? "has versioning suspended: overwritten and deleted state is not kept"
            : "does not have versioning enabled",
        );
      }

      const blocks = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
      const pab = about("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      if (!pab.some((r) => blocks.every((k) => r.props[k] === true)))
        report("does not block all four kinds of public access");

      const policies = about("aws:s3/bucketPolicy:BucketPolicy");
      const arn = bucket.props.bucket ? `arn:aws:s3:::${bucket.props.bucket}` : undefined;
      const tlsOnly = policies.some((p) =>
        (statementsOf(p.props.policy) ?? []).some(
          (st) =>
            st.Effect === "Deny" &&
            String(st.Condition?.Bool?.["aws:SecureTransport"]) === "false" &&
            // The deny must cover the objects, not only the bucket itself.
            (arn === undefined || list(st.Resource).some((res) => res === `${arn}/*` || res === "*")),
        ),
      );
      // A policy still unknown at preview (built from outputs) is not evidence of a missing rule.
      const unknown = policies.some((p) => statementsOf(p.props.policy) === undefined);
      if (!tlsOnly && !unknown)
        report("has no bucket policy denying requests without TLS to its objects (aws:SecureTransport)");
    }
    return problems;
  },
};

const everyone = (principal: unknown): boolean =>
  principal === "*" || list((principal as { AWS?: string | string[] } | undefined)?.AWS).includes("*");

export const s3NoPublicPolicy: ResourcePolicy = {
  kind: "resource",
  name: "s3-no-public-policy",
  description: 'No bucket policy allows anyone (`Principal: "*"`) without a condition that narrows it.',
  rationale:
    "A public bucket policy exposes state, jars or savepoints to the internet; the public-access block is the backstop, not the plan.",
  check(r) {
    if (r.type !== "aws:s3/bucketPolicy:BucketPolicy") return [];
    return (statementsOf(r.props.policy) ?? [])
      .filter((st) => st.Effect === "Allow" && everyone(st.Principal) && !st.Condition)
      .map(() => `allows anyone (Principal "*") without a condition`);
  },
};

const IAM_DOCUMENTS: Record<string, (props: PolicyResource["props"]) => unknown[]> = {
  "aws:iam/policy:Policy": (p) => [p.policy],
  "aws:iam/rolePolicy:RolePolicy": (p) => [p.policy],
  "aws:iam/userPolicy:UserPolicy": (p) => [p.policy],
  "aws:iam/groupPolicy:GroupPolicy": (p) => [p.policy],
  "aws:iam/role:Role": (p) => (p.inlinePolicies ?? []).map((i: { policy?: unknown }) => i.policy),
};

function wildcardProblems(st: Statement): string[] {
  if (st.Effect !== "Allow") return [];
  const problems: string[] = [];
  const actions = list(st.Action);
  const resources = list(st.Resource);
  if (actions.some((a) => a === "*" || a === "*:*")) problems.push(`allows every action ("*")`);
  const serviceWide = actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a));
  if (serviceWide.length && resources.includes("*"))
    problems.push(`allows ${serviceWide.join(", ")} on every resource`);
  if (st.NotResource !== undefined) problems.push("allows with NotResource (everything but a list)");
  if (st.NotAction !== undefined) problems.push("allows with NotAction (every action but a list)");
  return problems;
}

/** Managed policies no platform role may hold. */
const ADMIN_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

export const iamLeastPrivilege: ResourcePolicy = {
  kind: "resource",
  name: "iam-no-wildcard-admin",
  description:
    "No IAM statement allows `*`, a whole service (`s3:*`, `iam:*`) on every resource, or uses NotResource/NotAction with Allow; no role gets AdministratorAccess, PowerUserAccess or IAMFullAccess.",
  rationale:
    "Each of these is administrator access, or close to it; every role here has a narrow job and gets only that.",
  check(r) {
    if (
      r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
      ADMIN_POLICIES.test(String(r.props.policyArn ?? ""))
    ) {
      return [`attaches ${r.props.policyArn}`];
    }
    const documents = IAM_DOCUMENTS[r.type]?.(r.props) ?? [];
    return documents.flatMap((doc) => (statementsOf(doc) ?? []).flatMap(wildcardProblems));
  },
};

export const iamTrustScoped: ResourcePolicy = {
  kind: "resource",
  name: "iam-trust-scoped",
  description:
    'No role trusts every AWS principal (`Principal: {AWS: "*"}`); a role a service assumes on the account\'s behalf carries `aws:SourceAccount` (EC2 instance roles, which EC2 assumes without it, excepted).',
  rationale:
    "A wildcard principal lets any AWS account assume the role; a service trust without aws:SourceAccount lets the service act for another account (the confused deputy).",
  check(r) {
    if (r.type !== "aws:iam/role:Role") return [];
    const statements = statementsOf(r.props.assumeRolePolicy);
    if (!statements) return [];
    const problems: string[] = [];
    for (const st of statements.filter((s) => s.Effect === "Allow")) {
      if (everyone(st.Principal)) problems.push(`trusts every AWS principal ("*")`);
      const services = list((st.Principal as { Service?: string | string[] } | undefined)?.Service).filter(
        (s) => s !== "ec2.amazonaws.com",
      );
      const sourceAccount = Object.values(st.Condition ?? {}).some((keys) => "aws:SourceAccount" in keys);
      if (services.length && !sourceAccount)
        problems.push(`trusts ${services.join(", ")} without aws:SourceAccount`);
    }
    return problems;
  },
};

export const eksSecretsEncryption: ResourcePolicy = {
  kind: "resource",
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  rationale:
    "Secrets hold the store credentials and Grafana's password; etcd snapshots must not expose them.",
  check(r) {
    if (r.type !== "aws:eks/cluster:Cluster") return [];
    const config = r.props.encryptionConfig;
    const configs = Array.isArray(config) ? config : config ? [config] : [];
    return configs.some((c) => (c.resources ?? []).includes("secrets"))
      ? []
      : ["does not encrypt secrets with KMS"];
  },
};

export const eksImdsV2: ResourcePolicy = {
  kind: "resource",
  name: "eks-imdsv2-required",
  description: "Node launch templates require IMDSv2 (hop limit 1), and every node group uses one.",
  rationale: "With IMDSv1 or a hop limit above 1, any pod can read the node role's credentials.",
  check(r) {
    if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
      const m = r.props.metadataOptions ?? {};
      const problems =
        m.httpTokens === "required" ? [] : ["does not require IMDSv2 (metadataOptions.httpTokens)"];
      if (m.httpPutResponseHopLimit !== undefined && m.httpPutResponseHopLimit > 1) {
        problems.push(`lets pods reach instance metadata (hop limit ${m.httpPutResponseHopLimit} > 1)`);
      }
      return problems;
    }
    if (r.type === "aws:eks/nodeGroup:NodeGroup" && !r.props.launchTemplate) {
      return ["has no launch template, so its nodes accept IMDSv1"];
    }
    return [];
  },
};

function cidrSize(cidr: string): number {
  return 2 ** (32 - Number(cidr.split("/")[1]));
}

export const eksEndpointNotOpen: ResourcePolicy = {
  kind: "resource",
  name: "eks-endpoint-not-open",
  description:
    "The EKS API endpoint is private, or public only to listed networks: none wider than /8, never the whole internet.",
  rationale: "An API server open to the internet is one leaked token away from the whole platform.",
  check(r) {
    if (r.type !== "aws:eks/cluster:Cluster") return [];
    const vpc = r.props.vpcConfig ?? {};
    if (vpc.endpointPublicAccess === false) return [];
    const cidrs: string[] | undefined = vpc.publicAccessCidrs;
    // EKS defaults publicAccessCidrs to 0.0.0.0/0 when public access is on.
    if (!cidrs || cidrs.length === 0)
      return ["has a public API endpoint open to 0.0.0.0/0 (no publicAccessCidrs)"];
    const wide = cidrs.filter((c) => c.includes("/") && Number(c.split("/")[1]) < 8);
    const total = cidrs
      .filter((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c))
      .reduce((sum, c) => sum + cidrSize(c), 0);
    return [
      ...wide.map((c) => `has a public API endpoint open to ${c}`),
      ...(wide.length === 0 && total >= 2 ** 32
        ? ["has a public API endpoint whose ranges cover the whole internet"]
        : []),
    ];
  },
};

export const eksNetworkPolicyEnforced: StackPolicy = {
  kind: "stack",
  name: "eks-network-policy-enforced",
  description: 'An EKS cluster\'s VPC CNI add-on enforces NetworkPolicies (`enableNetworkPolicy: "true"`).',
  rationale:
    "Without the CNI's policy agent every NetworkPolicy is accepted and ignored: default deny would deny nothing.",
  check(resources) {
    if (!resources.some((r) => r.type === "aws:eks/cluster:Cluster")) return [];
    const cni = resources.filter((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "vpc-cni");
    const enforced = cni.some((a) => {
      try {
        return JSON.parse(String(a.props.configurationValues ?? "{}")).enableNetworkPolicy === "true";
      } catch {
        return false;
      }
    });
    return enforced
      ? []
      : [
          {
            resource: cni[0] ? `${cni[0].type}::${cni[0].name}` : "vpc-cni",
            message: "the VPC CNI add-on does not enforce NetworkPolicies",
          },
        ];
  },
};

const OPEN = new Set(["0.0.0.0/0", "::/0"]);

export const noOpenIngress: ResourcePolicy = {
  kind: "resource",
  name: "no-open-security-group-ingress",
  description: "No security group admits traffic from 0.0.0.0/0 or ::/0.",
  rationale:
    "Nodes and endpoints sit in private subnets; an open ingress rule is how they stop being private.",
  check(r) {
    const open = (cidrs: unknown) => list(cidrs as string | string[] | undefined).filter((c) => OPEN.has(c));
    switch (r.type) {
      case "aws:ec2/securityGroup:SecurityGroup":
        return (r.props.ingress ?? []).flatMap((rule: Record<string, unknown>) =>
          [...open(rule.cidrBlocks), ...open(rule.ipv6CidrBlocks)].map((c) => `admits ingress from ${c}`),
        );
      case "aws:ec2/securityGroupRule:SecurityGroupRule":
        return r.props.type === "ingress"
          ? [...open(r.props.cidrBlocks), ...open(r.props.ipv6CidrBlocks)].map(
              (c) => `admits ingress from ${c}`,
            )
          : [];
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return [...open(r.props.cidrIpv4), ...open(r.props.cidrIpv6)].map((c) => `admits ingress from ${c}`);
      default:
        return [];
    }
  },
};
