/**
 * State layout: one bucket per Flink namespace, so a team's role gets an unconditional
 * s3:ListBucket on its own bucket (which Flink's S3 client needs, see iamPolicies.ts) without
 * seeing another team's key names, and each bucket carries its own lifecycle, tags and costs.
 * Inside it: `s3://<bucket>/{checkpoints,savepoints,ha}/<cluster>`.
 */
import { StateLocations } from "../flink/flinkConfig";

/** The bucket holding one namespace's state: `<prefix>-<namespace>`. */
export function stateBucketName(prefix: string, namespace: string): string {
  return `${prefix}-${namespace}`;
}

/** S3 limits bucket names to 63 characters (lowercase letters, digits, '-', '.'). */
export const MAX_BUCKET_NAME = 63;

export function stateLocations(bucket: string): StateLocations {
  const base = `s3://${bucket}`;
  return { checkpoints: `${base}/checkpoints`, savepoints: `${base}/savepoints`, ha: `${base}/ha` };
}

/** Default bucket prefix when the stack sets none: environment and region keep it unique per stack. */
export function defaultBucketPrefix(environment: string, region: string): string {
  return `flink-${environment}-${region}`;
}
