import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { EksClusterConfig, NodeGroupConfig } from "../../config/schema";
import { EKS_VERSIONS, EksAddonName } from "../versions";
import { Network } from "./network";
import { clusterKmsPolicy } from "./iamPolicies";
import { irsaTrustPolicy, serviceTrustPolicy } from "../aws/iamPolicies";
import { rotatingKmsKey } from "../aws/kmsKey";
import { buildKubeconfig } from "./kubeconfig";
import { clusterAccess, vpcCniConfiguration } from "./access";
import { roleName } from "../aws/names";

/** Labels and taint that reserve the Flink node group for Flink pods. */
export const FLINK_NODE_LABEL = { key: "flink-platform/pool", value: "flink" } as const;
export const FLINK_NODE_TAINT = { key: "flink-platform/pool", value: "flink", effect: "NoSchedule" } as const;
export const SYSTEM_NODE_LABEL = { key: "flink-platform/pool", value: "system" } as const;

export interface EksClusterArgs {
  /** Cluster name, also the prefix of every AWS Name tag. */
  clusterName: string;
  config: EksClusterConfig;
  /** Protect the cluster and its secrets key from deletion (production). */
  protect: boolean;
  tags: Record<string, string>;
}

/**
 * A hardened EKS cluster: secrets envelope encryption, control-plane audit logs, access
 * entries, an API endpoint reachable only from configured CIDRs (or privately), IMDSv2-only
 * nodes with encrypted gp3 volumes, IRSA, pinned core add-ons and a default gp3 StorageClass.
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  /** The system node group: controllers that must not run on nodes they manage wait for it. */
  readonly systemNodes: pulumi.Resource;
  readonly endpoint: pulumi.Output<string>;
  /** The security group EKS creates for the cluster and its nodes. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flink-platform:cluster:EksCluster", name, {}, opts);
    const c = args.config;
    const parent = { parent: this };
    const tags = args.tags;
    const partition = aws.getPartitionOutput({}, parent);
    const identity = aws.getCallerIdentityOutput({}, parent);

    const network = new Network(
      `${name}-network`,
      {
        clusterName: args.clusterName,
        region: c.region,
        vpcCidr: c.vpcCidr,
        availabilityZones: c.availabilityZones,
        natGateways: c.natGateways,
        interfaceEndpoints: c.interfaceEndpoints,
        s3InterfaceEndpoint: c.httpsEgress === "vpc",
        tags,
      },
      parent,
    );

    const secretsKey = rotatingKmsKey(
      `${name}-secrets`,
      `${args.clusterName} Kubernetes secrets envelope encryption`,
      tags,
      { parent: this, protect: args.protect },
    );

    const clusterRole = new aws.iam.Role(
      `${name}-cluster`,
      {
        name: roleName(args.clusterName, "cluster"),
        assumeRolePolicy: pulumi.all([identity.accountId, partition.partition]).apply(([account, part]) =>
          JSON.stringify(
            serviceTrustPolicy("eks.amazonaws.com", {
              account,
              arn: `arn:${part}:eks:${c.region}:${account}:cluster/${args.clusterName}`,
            }),
          ),
        ),
        permissionsBoundary: c.permissionsBoundaryArn,
        tags,
      },
      parent,
    );
    // The cluster waits for its role's permissions, and on destroy they outlive it.
    const clusterRolePermissions = [
      new aws.iam.RolePolicyAttachment(
        `${name}-cluster-policy`,
        {
          role: clusterRole.name,
          policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
        },
        parent,
      ),
      new aws.iam.RolePolicy(
        `${name}-cluster-kms`,
        {
          role: clusterRole.id,
          policy: secretsKey.arn.apply((arn) => JSON.stringify(clusterKmsPolicy(arn))),
        },
        parent,
      ),
    ];

    const publicCidrs = c.endpoint.publicAccessCidrs;
    const cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version: c.kubernetesVersion,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: network.privateSubnetIds,
          endpointPrivateAccess: c.endpoint.privateAccess,
          endpointPublicAccess: publicCidrs.length > 0,
          publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
        },
        // Explicit, so NetworkPolicies can name the range the `kubernetes` Service lives in.
        kubernetesNetworkConfig: { serviceIpv4Cidr: c.serviceCidr },
        // No implicit admin for whoever created the cluster: every principal is an access entry.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: secretsKey.arn } },
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        tags,
      },
      { parent: this, protect: args.protect, dependsOn: clusterRolePermissions },
    );

    // The deploy role and admins as cluster admins, the preview role read-only. The Kubernetes
    // provider waits for these grants, or its first call would be refused.
    const accessGrants = clusterAccess(c).map((grant) => {
      const entry = new aws.eks.AccessEntry(
        `${name}-access-${grant.name}`,
        { clusterName: cluster.name, principalArn: grant.principalArn, type: "STANDARD", tags },
        parent,
      );
      return new aws.eks.AccessPolicyAssociation(
        `${name}-access-${grant.name}`,
        {
          clusterName: cluster.name,
          principalArn: entry.principalArn,
          policyArn: grant.policyArn,
          accessScope: { type: "cluster" },
        },
        parent,
      );
    });

    const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
    const oidc = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags },
      parent,
    );
    const irsaRole = (purpose: string, namespace: string, serviceAccount: string, policyArn: string) => {
      const role = new aws.iam.Role(
        `${name}-${purpose}`,
        {
          name: roleName(args.clusterName, purpose),
          assumeRolePolicy: pulumi
            .all([oidc.arn, issuerUrl])
            .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, namespace, serviceAccount))),
          permissionsBoundary: c.permissionsBoundaryArn,
          tags,
        },
        parent,
      );
      const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-${purpose}`,
        {
          role: role.name,
          policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policyArn}`,
        },
        parent,
      );
      return { role, attachment };
    };
    const cni = irsaRole("vpc-cni", "kube-system", "aws-node", "AmazonEKS_CNI_Policy");
    const ebs = irsaRole(
      "ebs-csi",
      "kube-system",
      "ebs-csi-controller-sa",
      "service-role/AmazonEBSCSIDriverPolicy",
    );

    const addonVersions = EKS_VERSIONS[c.kubernetesVersion];
    const addon = (
      addonName: EksAddonName,
      extra: { roleArn?: pulumi.Output<string>; configurationValues?: string },
      dependsOn: pulumi.Resource[],
    ) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          addonVersion: addonVersions[addonName],
          serviceAccountRoleArn: extra.roleArn,
          configurationValues: extra.configurationValues,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "PRESERVE",
          tags,
        },
        { parent: this, dependsOn },
      );
    // Networking before any node: the node role deliberately lacks the CNI policy, so nodes stay
    // NotReady until the CNI runs on its own IRSA role (terraform-aws-eks: `before_compute`).
    const networking = [
      addon(
        "vpc-cni",
        { roleArn: cni.role.arn, configurationValues: JSON.stringify(vpcCniConfiguration()) },
        [cni.attachment],
      ),
      addon("kube-proxy", {}, []),
    ];

    const nodeRole = new aws.iam.Role(
      `${name}-node`,
      {
        name: roleName(args.clusterName, "node"),
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
        permissionsBoundary: c.permissionsBoundaryArn,
        tags,
      },
      parent,
    );
    // Only what the kubelet needs; the VPC CNI's own permissions go to its IRSA role.
    const nodeRolePermissions = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          {
            role: nodeRole.name,
            policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policy}`,
          },
          parent,
        ),
    );

    const nodeGroup = (group: "system" | "flink", g: NodeGroupConfig) => {
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${group}`,
        {
          // IMDSv2 only, one hop: pods cannot reach the metadata service to borrow the node role.
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: {
                volumeSize: g.diskSizeGiB,
                volumeType: "gp3",
                encrypted: "true",
                deleteOnTermination: "true",
              },
            },
          ],
          tagSpecifications: [
            { resourceType: "instance", tags: { ...tags, Name: `${args.clusterName}-${group}` } },
          ],
          tags,
        },
        parent,
      );
      return new aws.eks.NodeGroup(
        `${name}-${group}`,
        {
          clusterName: cluster.name,
          // Pinned to the control plane's version: a kubernetesVersion bump upgrades the nodes too.
          version: c.kubernetesVersion,
          nodeRoleArn: nodeRole.arn,
          subnetIds: network.privateSubnetIds,
          instanceTypes: g.instanceTypes,
          capacityType: g.capacityType,
          scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
          launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
          labels: { [group === "flink" ? FLINK_NODE_LABEL.key : SYSTEM_NODE_LABEL.key]: group },
          taints:
            group === "flink"
              ? [{ key: FLINK_NODE_TAINT.key, value: FLINK_NODE_TAINT.value, effect: "NO_SCHEDULE" }]
              : undefined,
          updateConfig: { maxUnavailable: 1 },
          tags,
        },
        {
          parent: this,
          // No node autoscaler runs: desiredSize is the pool's size, kept as configured (the node
          // fit check counts exactly these nodes). After the CNI and the node role's permissions.
          dependsOn: [...networking, ...nodeRolePermissions],
        },
      );
    };
    const systemNodes = nodeGroup("system", c.nodeGroups.system);
    // With Karpenter the Flink nodes are its NodePool's (components/karpenter), not a node group.
    if (c.nodeGroups.flink) nodeGroup("flink", c.nodeGroups.flink);
    this.systemNodes = systemNodes;
    // These run as Deployments, so they need nodes to become healthy.
    addon("coredns", {}, [systemNodes]);
    addon("aws-ebs-csi-driver", { roleArn: ebs.role.arn }, [systemNodes, ebs.attachment]);

    this.clusterName = cluster.name;
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuerUrl = issuerUrl;
    this.vpcId = network.vpcId;
    this.endpoint = cluster.endpoint;
    this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([clusterName, endpoint, ca]) => buildKubeconfig(clusterName, endpoint, ca.data!, c.region)),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this, dependsOn: [systemNodes, ...accessGrants] },
    );

    // The default class for every PVC (ZooKeeper, Prometheus): encrypted gp3, bound in the pod's zone.
    new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: {
          name: "gp3-encrypted",
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Retain",
      },
      { parent: this, provider: this.provider },
    );

    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
  }
}
