/**
 * Names the platform derives from config, with the limits of the systems that receive them:
 * kept here (beneath the components) so config rules and components build them the same way.
 */

/** The bucket holding one namespace's state: `<prefix>-<namespace>`. */
export function stateBucketName(prefix: string, namespace: string): string {
  return `${prefix}-${namespace}`;
}

/** S3 limits bucket names to 63 characters (lowercase letters, digits, '-', '.'). */
export const MAX_BUCKET_NAME = 63;

/** Default bucket prefix when the stack sets none: environment and region keep it unique per stack. */
export function defaultBucketPrefix(environment: string, region: string): string {
  return `flink-${environment}-${region}`;
}
