/**
 * Every pinned version in the platform, in one place. Bump here, with the date, and the
 * preview diff shows every resource the bump touches.
 */

/** Flink lines the operator 1.15 CRD accepts and this platform generates configuration for. */
export const FLINK_VERSIONS = ["1.19", "1.20", "2.0", "2.1", "2.2"] as const;
export type FlinkVersion = (typeof FLINK_VERSIONS)[number];

/** Official images per Flink line (chosen 2026-11-21; Java 17 builds). */
export const FLINK_IMAGES: Record<FlinkVersion, string> = {
  "1.19": "flink:1.19.3-scala_2.12-java17",
  "1.20": "flink:1.20.3-scala_2.12-java17",
  "2.0": "flink:2.0.1-scala_2.12-java17",
  "2.1": "flink:2.1.1-scala_2.12-java17",
  "2.2": "flink:2.2.0-scala_2.12-java17",
};

/**
 * Flink Kubernetes Operator 1.15.0 (May 2026); one chart repository per release. The chart
 * comes from the Apache archive, which keeps every release (downloads.apache.org drops
 * superseded ones); the release script indexes it with relative URLs
 * (apache/flink-kubernetes-operator release-1.15.0 tools/releasing/create_source_release.sh),
 * so the archive copy resolves. The packaged chart's image tag is a commit hash, so the image
 * is pinned here explicitly.
 */
export const FLINK_OPERATOR = {
  version: "1.15.0",
  chart: "flink-kubernetes-operator",
  repository: "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
  image: { repository: "ghcr.io/apache/flink-kubernetes-operator", tag: "1.15.0" },
  chosen: "2026-11-21",
} as const;

/** cert-manager, needed by the operator's admission webhook (chosen 2026-11-21). */
export const CERT_MANAGER = {
  version: "v1.19.1",
  chart: "cert-manager",
  repository: "https://charts.jetstack.io",
  chosen: "2026-11-21",
} as const;

/** kube-prometheus-stack (chosen 2026-11-21). */
export const KUBE_PROMETHEUS_STACK = {
  version: "79.5.0",
  chart: "kube-prometheus-stack",
  repository: "https://prometheus-community.github.io/helm-charts",
  chosen: "2026-11-21",
} as const;

/** Official ZooKeeper image for the HA ensemble (chosen 2026-11-21). */
export const ZOOKEEPER_IMAGE = "zookeeper:3.9.4";

/**
 * In-cluster S3-compatible store for local stacks. The image also ships `mc`, which the
 * bucket-creation Job uses, so one pinned image serves both (chosen 2026-11-21).
 */
export const OBJECT_STORE_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

/** EKS Kubernetes versions the platform is tested against, with their pinned core add-ons. */
export const EKS_VERSIONS = {
  "1.33": {
    "vpc-cni": "v1.20.4-eksbuild.1",
    coredns: "v1.12.1-eksbuild.2",
    "kube-proxy": "v1.33.3-eksbuild.10",
    "aws-ebs-csi-driver": "v1.51.1-eksbuild.1",
  },
  "1.34": {
    "vpc-cni": "v1.20.4-eksbuild.1",
    coredns: "v1.12.4-eksbuild.1",
    "kube-proxy": "v1.34.0-eksbuild.4",
    "aws-ebs-csi-driver": "v1.51.1-eksbuild.1",
  },
} as const satisfies Record<string, Record<EksAddonName, string>>;
export type EksAddonName = "vpc-cni" | "coredns" | "kube-proxy" | "aws-ebs-csi-driver";
export type EksVersion = keyof typeof EKS_VERSIONS;
export const EKS_VERSION_NAMES = Object.keys(EKS_VERSIONS) as EksVersion[];
