/**
 * Who may use the cluster's Kubernetes API (EKS access entries; the cluster runs in `API`
 * authentication mode with no implicit creator admin). Pure, so tests read the grants.
 */
import { EksClusterConfig } from "../../config/schema";

const POLICY = "arn:aws:eks::aws:cluster-access-policy";

export interface AccessGrant {
  /** Stable logical name: renaming it would replace the access entry. */
  name: string;
  principalArn: string;
  policyArn: string;
}

export function clusterAccess(c: EksClusterConfig): AccessGrant[] {
  return [
    // The role `pulumi up` runs as (CI's deploy role): it creates every Kubernetes object.
    { name: "deploy", principalArn: c.deployRoleArn, policyArn: `${POLICY}/AmazonEKSClusterAdminPolicy` },
    // Read-only, and without Secrets (AmazonEKSViewPolicy excludes them).
    ...c.viewerRoleArns.map((principalArn, i) => ({
      name: `viewer-${i}`,
      principalArn,
      policyArn: `${POLICY}/AmazonEKSViewPolicy`,
    })),
    ...c.adminRoleArns.map((principalArn, i) => ({
      name: `admin-${i}`,
      principalArn,
      policyArn: `${POLICY}/AmazonEKSClusterAdminPolicy`,
    })),
  ];
}

/**
 * The VPC CNI add-on's configuration: its network policy agent enforces NetworkPolicies, which
 * are otherwise accepted and ignored (EKS user guide, cni-network-policy-configure; the value is
 * the string "true"; vpc-cni v1.14+).
 */
export function vpcCniConfiguration() {
  return { enableNetworkPolicy: "true" };
}
