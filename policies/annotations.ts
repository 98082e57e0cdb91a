/**
 * Annotations both the program and the policy pack read. It lives in the pack, which must stay
 * self-contained (`pulumi policy publish` uploads only this folder); the program imports only
 * this dependency-free module from it.
 */

/** Marks a job the stack opted out of production's stateful-upgrade rule (allowStatelessInProduction). */
export const STATELESS_APPROVED_ANNOTATION = "flink-platform/stateless-upgrade-approved";

/** On a Namespace that enforces less than Pod Security "restricted": which component needs it and why. */
export const POD_SECURITY_REASON_ANNOTATION = "flink-platform/pod-security-reason";

/** On a Service of type LoadBalancer or NodePort: who approved exposing it, and why. */
export const EXTERNAL_SERVICE_ANNOTATION = "flink-platform/external-access-approved";

/**
 * On the monitoring Namespace of a production stack whose critical alerts reach no receiver:
 * why that is acceptable (monitoring.noReceiverReason).
 */
export const NO_ALERT_RECEIVER_ANNOTATION = "flink-platform/no-alert-receiver-reason";
