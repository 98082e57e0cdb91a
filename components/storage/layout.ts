/**
 * State layout: one bucket per Flink namespace, so a team's role gets an unconditional
 * s3:ListBucket on its own bucket (which Flink's S3 client needs, see iamPolicies.ts) without
 * seeing another team's key names, and each bucket carries its own lifecycle, tags and costs.
 * Inside it: `s3://<bucket>/{checkpoints,savepoints,ha}/<cluster>`.
 */
import { StateLocations } from "../flink/flinkConfig";

export { defaultBucketPrefix, MAX_BUCKET_NAME, stateBucketName } from "../../config/names";

export function stateLocations(bucket: string): StateLocations {
  const base = `s3://${bucket}`;
  return { checkpoints: `${base}/checkpoints`, savepoints: `${base}/savepoints`, ha: `${base}/ha` };
}
