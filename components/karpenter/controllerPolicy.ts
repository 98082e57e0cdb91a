/**
 * The Karpenter controller's permissions for one cluster, after AWS's published policies for
 * v1.14 (website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml,
 * aws/karpenter-provider-aws main@1d927085: NodeLifecycle, IAMIntegration, EKSIntegration,
 * Interruption, ResourceDiscovery), narrowed: instances, fleets and launch templates only with
 * this cluster's tags, subnets and security groups of this account and region, the one node role
 * to pass (the platform creates its instance profile, so Karpenter manages none), this cluster's
 * queue. No zonal shift (not enabled). Pure.
 */
import { PolicyDocument } from "../aws/iamPolicies";

export interface KarpenterScope {
  partition: string;
  region: string;
  account: string;
  clusterName: string;
  nodeRoleArn: string;
  instanceProfileArn: string;
  queueArn: string;
}

/** Tags Karpenter puts on what it launches (the cluster tag `owned`, the EKS cluster name, the NodePool). */
export function karpenterTags(clusterName: string) {
  return {
    cluster: `kubernetes.io/cluster/${clusterName}`,
    eksClusterName: "eks:eks-cluster-name",
    nodePool: "karpenter.sh/nodepool",
  };
}

export function karpenterControllerPolicy(s: KarpenterScope): PolicyDocument {
  const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:${s.account}:${resource}`;
  const t = karpenterTags(s.clusterName);
  const launched = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  const requestTags = {
    StringEquals: {
      [`aws:RequestTag/${t.cluster}`]: "owned",
      [`aws:RequestTag/${t.eksClusterName}`]: s.clusterName,
    },
    StringLike: { [`aws:RequestTag/${t.nodePool}`]: "*" },
  };
  const ours = {
    StringEquals: { [`aws:ResourceTag/${t.cluster}`]: "owned" },
    StringLike: { [`aws:ResourceTag/${t.nodePool}`]: "*" },
  };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "LaunchFromThisRegionsImagesIntoThisAccountsNetwork",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: [
          `arn:${s.partition}:ec2:${s.region}::image/*`,
          `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
          ec2("security-group/*"),
          ec2("subnet/*"),
        ],
      },
      {
        Sid: "LaunchFromOwnLaunchTemplates",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Resource: ec2("launch-template/*"),
        Condition: ours,
      },
      {
        Sid: "CreateOnlyTaggedForThisCluster",
        Effect: "Allow",
        Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        Resource: launched,
        Condition: requestTags,
      },
      {
        Sid: "TagAtCreation",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: launched,
        Condition: {
          StringEquals: {
            ...requestTags.StringEquals,
            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
          },
          StringLike: requestTags.StringLike,
        },
      },
      {
        // Only the node claim and name tags, on its own instances.
        Sid: "TagOwnInstances",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: ec2("instance/*"),
        Condition: {
          ...ours,
          StringEqualsIfExists: { [`aws:RequestTag/${t.eksClusterName}`]: s.clusterName },
          "ForAllValues:StringEquals": {
            "aws:TagKeys": [t.eksClusterName, "karpenter.sh/nodeclaim", "Name"],
          },
        },
      },
      {
        Sid: "TerminateOwnInstances",
        Effect: "Allow",
        Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        Resource: [ec2("instance/*"), ec2("launch-template/*")],
        Condition: ours,
      },
      {
        Sid: "PassTheNodeRoleToEc2",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: s.nodeRoleArn,
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      },
      {
        Sid: "ReadTheInstanceProfile",
        Effect: "Allow",
        Action: "iam:GetInstanceProfile",
        Resource: s.instanceProfileArn,
      },
      {
        Sid: "ThisCluster",
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: `arn:${s.partition}:eks:${s.region}:${s.account}:cluster/${s.clusterName}`,
      },
      {
        Sid: "InterruptionQueue",
        Effect: "Allow",
        Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
        Resource: s.queueArn,
      },
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
      },
      {
        Sid: "AmiParameters",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
      },
      { Sid: "Pricing", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    ],
  };
}
