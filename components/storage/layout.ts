import { StateLocations } from "../flink/flinkConfig";

/**
 * Object layout: every team's state under its namespace's prefix, so one IAM prefix grant
 * covers exactly one team: `s3://<bucket>/<namespace>/{checkpoints,savepoints,ha}/<cluster>`.
 */
export function namespacePrefix(namespace: string): string {
  return `${namespace}/`;
}

export function stateLocations(bucket: string, namespace: string): StateLocations {
  const base = `s3://${bucket}/${namespace}`;
  return { checkpoints: `${base}/checkpoints`, savepoints: `${base}/savepoints`, ha: `${base}/ha` };
}

/** Default bucket name when the stack does not set one: environment and region keep it unique per stack. */
export function defaultBucketName(environment: string, region: string): string {
  return `flink-platform-${environment}-${region}-state`;
}
