/**
 * The platform's policies as pure functions over resource inputs. The PolicyPack (index.ts)
 * and the offline renderer (`npm run render -- --policy`) run exactly these; tests run each over
 * compliant fixtures and one violating fixture per property it claims.
 */
import {
  containerResources,
  flinkAutoscalerWithinQuota,
  flinkPodTemplatesPlatformOwned,
  namespaceDefaultDeny,
  jarUrisSecure,
  limitsEqualRequests,
  namespaceGuards,
  namespacePodSecurity,
  noPublicServices,
  podSecurity,
  resourceCaps,
} from "./kubernetes";
import { imagesAllowedRegistries, imagesByDigest, imagesPinned } from "./supplyChain";
import {
  eksEndpointNotOpen,
  eksImdsV2,
  eksNetworkPolicyEnforced,
  eksSecretsEncryption,
  iamLeastPrivilege,
  iamTrustScoped,
  noOpenIngress,
  s3BucketHardened,
  s3NoPublicPolicy,
} from "./aws";
import {
  productionHa,
  productionStandbyJobManagers,
  productionStatefulUpgrade,
  productionStateProtected,
  productionZookeeperQuorum,
} from "./production";
import { productionAlertReceiver } from "./alerting";
import { PlatformPolicy } from "./model";

export * from "./model";
export { imageProblem, canonicalImage } from "./supplyChain";

export const POLICIES: PlatformPolicy[] = [
  containerResources,
  limitsEqualRequests,
  resourceCaps,
  namespaceGuards,
  podSecurity,
  namespacePodSecurity,
  noPublicServices,
  namespaceDefaultDeny,
  flinkAutoscalerWithinQuota,
  jarUrisSecure,
  flinkPodTemplatesPlatformOwned,
  imagesPinned,
  imagesAllowedRegistries,
  imagesByDigest,
  s3BucketHardened,
  s3NoPublicPolicy,
  iamLeastPrivilege,
  iamTrustScoped,
  eksSecretsEncryption,
  eksImdsV2,
  eksEndpointNotOpen,
  eksNetworkPolicyEnforced,
  noOpenIngress,
  productionHa,
  productionStatefulUpgrade,
  productionStandbyJobManagers,
  productionZookeeperQuorum,
  productionStateProtected,
  productionAlertReceiver,
];
