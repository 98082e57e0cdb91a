/**
 * Which input changes make Pulumi replace (delete and create) a resource rather than update
 * it, for the resource types the platform registers. A prediction from the providers' sources:
 * the live `pulumi preview --diff` run before each deploy is authoritative.
 *
 * pulumi-aws bridges terraform-provider-aws: an attribute marked `ForceNew` replaces the
 * resource, under its Pulumi (camelCase) input name. pulumi-kubernetes replaces an object when a
 * path of its `forceNew` table changes (pulumi/pulumi-kubernetes v4.32.0, the newest tag in our
 * snapshot; provider/pkg/provider/diff.go is unchanged on master of 2026-07-01).
 */
import { at, changedPaths, ResourceRecord } from "./records";

export interface ReplaceRule {
  /** Input paths, dotted, whose change replaces the resource. */
  paths: string[];
  /** Where the fact comes from. */
  source: string;
}

const TF_AWS = "hashicorp/terraform-provider-aws";

/**
 * AWS types by Pulumi type token. The sources were read at the versions within reach (eks
 * node_group.go 012e0a3, eks cluster.go 00555dc, ec2 vpc_subnet.go 00cda12, kms key.go 00a3530;
 * s3 bucket.go, iam role.go and ec2 vpc_.go at v4-era commits), not at the exact
 * terraform-provider-aws release pulumi-aws 7.48.0 bridges: the live preview settles it.
 */
export const AWS_RULES: Record<string, ReplaceRule> = {
  "aws:s3/bucket:Bucket": {
    // S3 has no rename: a new name is a new, empty bucket.
    paths: ["bucket", "bucketPrefix"],
    source: `${TF_AWS} internal/service/s3/bucket.go (bucket, bucket_prefix: ForceNew)`,
  },
  "aws:eks/nodeGroup:NodeGroup": {
    paths: [
      "amiType",
      "capacityType",
      "clusterName",
      "diskSize",
      "instanceTypes",
      "launchTemplate.id",
      "launchTemplate.name",
      "nodeGroupName",
      "nodeGroupNamePrefix",
      "nodeRoleArn",
      "remoteAccess",
      "subnetIds",
    ],
    source: `${TF_AWS} internal/service/eks/node_group.go (resourceNodeGroup schema: ForceNew attributes)`,
  },
  "aws:eks/cluster:Cluster": {
    paths: [
      "name",
      "roleArn",
      "bootstrapSelfManagedAddons",
      "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "kubernetesNetworkConfig.ipFamily",
      "kubernetesNetworkConfig.serviceIpv4Cidr",
    ],
    source: `${TF_AWS} internal/service/eks/cluster.go (resourceCluster schema: ForceNew attributes)`,
  },
  "aws:ec2/vpc:Vpc": {
    paths: ["cidrBlock"],
    source: `${TF_AWS} internal/service/ec2/vpc_.go (cidr_block: ForceNew)`,
  },
  "aws:ec2/subnet:Subnet": {
    paths: ["availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId", "ipv6Native", "outpostArn"],
    source: `${TF_AWS} internal/service/ec2/vpc_subnet.go (resourceSubnet schema: ForceNew attributes)`,
  },
  "aws:kms/key:Key": {
    paths: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    source: `${TF_AWS} internal/service/kms/key.go (resourceKey schema: ForceNew attributes)`,
  },
  "aws:iam/role:Role": {
    paths: ["name", "namePrefix", "path"],
    source: `${TF_AWS} internal/service/iam/role.go (name, name_prefix, path: ForceNew)`,
  },
};

const PK = "pulumi/pulumi-kubernetes@v4.32.0 provider/pkg/provider";
/** Every object: its identity (diff.go:25 and 207-212; provider.go:1559-1560). */
const IDENTITY = ["metadata.name", "metadata.namespace"];
const SELECTOR = ["spec.selector"];

/** `<group>/<version>:<Kind>` → paths beyond the identity (diff.go:45-205). */
const KUBERNETES_RULES: Record<string, ReplaceRule> = {
  "apps/v1:StatefulSet": {
    paths: [
      "spec.podManagementPolicy",
      "spec.revisionHistoryLimit",
      "spec.serviceName",
      "spec.volumeClaimTemplates",
      ...SELECTOR,
    ],
    source: `${PK}/diff.go:196-205`,
  },
  "apps/v1:Deployment": { paths: SELECTOR, source: `${PK}/diff.go:171-176` },
  "apps/v1:DaemonSet": { paths: SELECTOR, source: `${PK}/diff.go:164-169` },
  "core/v1:PersistentVolumeClaim": {
    paths: ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
    source: `${PK}/diff.go:111-118`,
  },
  "core/v1:ResourceQuota": { paths: ["spec.scopes"], source: `${PK}/diff.go:152-154` },
  "core/v1:Service": { paths: ["spec.clusterIP"], source: `${PK}/diff.go:158-160` },
  "rbac.authorization.k8s.io/v1:RoleBinding": { paths: ["roleRef"], source: `${PK}/diff.go:65-69,192-194` },
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": {
    paths: ["roleRef"],
    source: `${PK}/diff.go:65-69,192-194`,
  },
  "storage.k8s.io/v1:StorageClass": {
    paths: ["parameters", "provisioner"],
    source: `${PK}/diff.go:70-77`,
  },
  "batch/v1:Job": {
    paths: ["spec.completions", "spec.parallelism", "spec.template", ...SELECTOR],
    source: `${PK}/diff.go:178-186`,
  },
};

/** Provider settings that make Secrets and ConfigMaps mutable (both default false: provider.go:696-726). */
export interface KubernetesProviderFlags {
  enableConfigMapMutable: boolean;
  enableSecretMutable: boolean;
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The rule for a record, or undefined for a type without replace-on-change inputs we know of. */
export function replaceRule(r: ResourceRecord, flags: KubernetesProviderFlags): ReplaceRule | undefined {
  if (r.type.startsWith("aws:")) return AWS_RULES[r.type];
  if (r.type === HELM_RELEASE)
    // A release's name and namespace (helm_release.go:907).
    return { paths: ["name", "namespace"], source: `${PK}/helm_release.go:907` };
  if (!r.type.startsWith("kubernetes:")) return undefined;
  const [, groupVersion, kind] = r.type.split(":");
  const key = `${groupVersion}:${kind}`;
  const extra: ReplaceRule | undefined =
    kind === "Secret"
      ? // An immutable-by-default Secret is replaced when its data or type changes (diff.go:28-29, 155-157).
        {
          paths: flags.enableSecretMutable ? ["type"] : ["type", "data", "stringData"],
          source: `${PK}/diff.go:28-29`,
        }
      : kind === "ConfigMap" && !flags.enableConfigMapMutable
        ? { paths: ["data", "binaryData"], source: `${PK}/diff.go:32-33` }
        : KUBERNETES_RULES[key];
  return {
    paths: [...IDENTITY, ...(extra?.paths ?? [])],
    source: extra ? extra.source : `${PK}/diff.go:25`,
  };
}

/** Whether a changed path falls on (or contains, or lies under) a replacing path. */
function hits(changed: string, rulePath: string): boolean {
  return changed === rulePath || changed.startsWith(`${rulePath}.`) || rulePath.startsWith(`${changed}.`);
}

/** The changed inputs of one resource that force its replacement, sorted. */
export function replacingChanges(
  before: ResourceRecord,
  after: ResourceRecord,
  flags: KubernetesProviderFlags,
): string[] {
  const rule = replaceRule(after, flags);
  if (!rule) return [];
  return changedPaths(before.inputs, after.inputs).filter((p) => rule.paths.some((rp) => hits(p, rp)));
}

/** Input paths of `r` that force its replacement when the value there changes, with their values. */
export function replacingValues(r: ResourceRecord, flags: KubernetesProviderFlags): [string, unknown][] {
  const rule = replaceRule(r, flags);
  if (!rule) return [];
  return rule.paths.map((p): [string, unknown] => [p, at(r.inputs, p)]);
}
