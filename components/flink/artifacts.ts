/**
 * Job jars on S3: which artifact location covers a jar, and what the operator must read.
 * Pure: the preview checks, the IAM policies and the operator's values all derive from it.
 */
import { PlatformModel } from "../../config/model";
import { ArtifactLocationConfig } from "../../config/schema";

export type ArtifactLocation = ArtifactLocationConfig;

/** `s3://bucket/key` → bucket and key; undefined for other schemes. */
export function s3Object(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { bucket: m[1], key: m[2] } : undefined;
}

/** The location that covers an s3:// jar, if any. */
export function coveringLocation(
  locations: readonly ArtifactLocation[],
  jarURI: string,
): ArtifactLocation | undefined {
  const object = s3Object(jarURI);
  if (!object) return undefined;
  return locations.find((l) => l.bucket === object.bucket && object.key.startsWith(l.prefix));
}

function key(l: ArtifactLocation): string {
  return `${l.bucket}/${l.prefix}`;
}

/** Distinct locations, sorted, so policies built from them are stable. */
export function distinctLocations(locations: readonly ArtifactLocation[]): ArtifactLocation[] {
  const byKey = new Map(locations.map((l) => [key(l), l]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** The locations the operator reads: those holding a session job's jar (it fetches them itself). */
export function operatorArtifactLocations(model: PlatformModel): ArtifactLocation[] {
  if (model.cluster.provider !== "eks") return [];
  return distinctLocations(
    model.namespaces.flatMap((ns) =>
      ns.sessionJobs.flatMap((job) => {
        const location = coveringLocation(ns.artifacts, job.jarURI);
        return location ? [location] : [];
      }),
    ),
  );
}

/** The operator gets the S3 plugin and an IRSA role only when a session job's jar is on S3. */
export function operatorReadsS3(model: PlatformModel): boolean {
  return operatorArtifactLocations(model).length > 0;
}
