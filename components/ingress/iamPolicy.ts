/**
 * The AWS Load Balancer Controller's permissions, scoped to this cluster: what the controller
 * needs for ALBs with IP targets and ACM certificates, and nothing for WAF, Shield or Cognito
 * (the platform turns those features off). It follows the structure of the controller's
 * published policy (kubernetes-sigs/aws-load-balancer-controller v3.5.0
 * docs/install/iam_policy.json), narrowed: every load balancer, target group and security
 * group it creates must carry `elbv2.k8s.aws/cluster: <this cluster>` (the controller tags its
 * resources so), and it may only change resources carrying that tag, in this region and account.
 * Security-group rules on other groups (the nodes' and pods', which it opens to the load
 * balancer) are limited to this VPC. Pure.
 */
import { PolicyDocument } from "../aws/iamPolicies";

export const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

export interface LoadBalancerControllerScope {
  partition: string;
  region: string;
  account: string;
  clusterName: string;
  vpcId: string;
}

export function loadBalancerControllerPolicy(s: LoadBalancerControllerScope): PolicyDocument {
  const elb = (resource: string) =>
    `arn:${s.partition}:elasticloadbalancing:${s.region}:${s.account}:${resource}`;
  const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:${s.account}:${resource}`;
  const loadBalancersAndTargetGroups = [elb("loadbalancer/app/*/*"), elb("targetgroup/*/*")];
  const listeners = [elb("listener/app/*/*/*"), elb("listener-rule/app/*/*/*")];
  const ours = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: s.clusterName } };
  const taggedForUs = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: s.clusterName } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbServiceLinkedRole",
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        // Describe calls take no resource (IAM: "*" only).
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:DescribeRouteTables",
          "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeCapacityReservation",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
        ],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
      },
      {
        Sid: "CreateSecurityGroupsInThisVpc",
        Effect: "Allow",
        Action: "ec2:CreateSecurityGroup",
        Resource: ec2(`vpc/${s.vpcId}`),
      },
      {
        Sid: "CreateTaggedSecurityGroups",
        Effect: "Allow",
        Action: "ec2:CreateSecurityGroup",
        Resource: ec2("security-group/*"),
        Condition: taggedForUs,
      },
      {
        // Tags only as part of creating a group: re-tagging someone else's group would make it ours.
        Sid: "TagSecurityGroupsAtCreation",
        Effect: "Allow",
        Action: "ec2:CreateTags",
        Resource: ec2("security-group/*"),
        Condition: {
          StringEquals: { ...taggedForUs.StringEquals, "ec2:CreateAction": "CreateSecurityGroup" },
        },
      },
      {
        Sid: "ManageOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags", "ec2:DeleteSecurityGroup"],
        Resource: ec2("security-group/*"),
        Condition: ours,
      },
      {
        // Opens the nodes' and pods' groups to the load balancer's backend group.
        Sid: "RulesOnThisVpcsGroups",
        Effect: "Allow",
        Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
        Resource: ec2("security-group/*"),
        Condition: { ArnEquals: { "ec2:Vpc": ec2(`vpc/${s.vpcId}`) } },
      },
      {
        Sid: "CreateTaggedLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: loadBalancersAndTargetGroups,
        Condition: taggedForUs,
      },
      {
        Sid: "TagLoadBalancersAtCreation",
        Effect: "Allow",
        Action: "elasticloadbalancing:AddTags",
        Resource: loadBalancersAndTargetGroups,
        Condition: {
          StringEquals: {
            ...taggedForUs.StringEquals,
            "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
          },
        },
      },
      {
        Sid: "ManageOwnLoadBalancers",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:AddTags",
          "elasticloadbalancing:RemoveTags",
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:RegisterTargets",
          "elasticloadbalancing:DeregisterTargets",
          "elasticloadbalancing:CreateListener",
        ],
        Resource: loadBalancersAndTargetGroups,
        Condition: ours,
      },
      {
        // Listeners and rules of application load balancers in this account and region.
        Sid: "ListenersAndRules",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateListener",
          "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:ModifyListener",
          "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:AddListenerCertificates",
          "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:CreateRule",
          "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyRule",
          "elasticloadbalancing:SetRulePriorities",
          "elasticloadbalancing:AddTags",
          "elasticloadbalancing:RemoveTags",
        ],
        Resource: listeners,
      },
    ],
  };
}
