/**
 * The logging namespace's NetworkPolicies: deny everything, then let Fluent Bit resolve names,
 * ask the API server for pod metadata, and ship: HTTPS to CloudWatch Logs and STS (IRSA; the
 * VPC's interface endpoints when `logs` and `sts` have them), or the configured endpoint.
 */
import { LoggingModel } from "../../config/model";
import {
  ClusterNetwork,
  DEFAULT_DENY,
  DNS_EGRESS,
  httpsEgressRule,
  networkPolicy,
  NetworkPolicyObject,
  tcp,
} from "../kube/networkPolicy";
import { FLUENT_BIT_PODS, LOGGING_NAMESPACE } from "./fluentBit";

export function loggingNetworkPolicies(
  logging: LoggingModel,
  network: ClusterNetwork,
): NetworkPolicyObject[] {
  const e = logging.endpoint;
  return [
    networkPolicy(LOGGING_NAMESPACE, "default-deny", DEFAULT_DENY),
    networkPolicy(LOGGING_NAMESPACE, "fluent-bit", {
      podSelector: { matchLabels: FLUENT_BIT_PODS },
      policyTypes: ["Egress"],
      egress: [
        DNS_EGRESS,
        // The API server (pod metadata), and on EKS CloudWatch Logs and STS.
        httpsEgressRule(network),
        ...(e ? [{ to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(e.port)] }] : []),
      ],
    }),
  ];
}
