/**
 * Saved CloudWatch Logs Insights queries. Records are the JSON Fluent Bit ships: Flink's lines
 * carry `level`, `logger` and `message` (fluentBit.ts), every record `kubernetes.namespace_name`
 * and the pod's labels, where the operator's `app` label is the FlinkDeployment.
 */

/** ERROR lines and exceptions per FlinkDeployment, in 5-minute bins. */
export function errorFrequencyQuery(): string {
  return [
    "fields @timestamp, kubernetes.namespace_name as namespace, kubernetes.labels.app as deployment, level",
    '| filter level = "ERROR" or log like /Exception|Error:/',
    "| stats count(*) as errors by namespace, deployment, bin(5m)",
    "| sort errors desc",
  ].join("\n");
}
