/**
 * Every pinned version in the platform, in one place. Bump here, with the date, and the
 * preview diff shows every resource the bump touches.
 */

/** Flink lines the operator 1.15 CRD accepts and this platform generates configuration for. */
export const FLINK_VERSIONS = ["1.19", "1.20", "2.0", "2.1", "2.2"] as const;
export type FlinkVersion = (typeof FLINK_VERSIONS)[number];

/**
 * Official images per Flink line, pinned by digest (Java 17 builds). Official images are rebuilt
 * under the same tag, so the tag names the release and the digest the exact build that was
 * reviewed; both are kept so a reader sees the version. Digests are the multi-arch index digests
 * recorded by docker-library/repo-info (repos/flink/remote/<tag>.md) for the builds dated below.
 */
export const FLINK_IMAGES: Record<FlinkVersion, string> = {
  // build of 2025-07-10
  "1.19":
    "flink:1.19.3-scala_2.12-java17@sha256:3b29691b7a451eb6b9b33007444859f1fa9f266472e2c1e893c2f9cd404ab0ea",
  // build of 2026-01-21
  "1.20":
    "flink:1.20.3-scala_2.12-java17@sha256:3f62b87223b90e2f614d826fae08bed2704d38d9851eed118a71cbfdb35e4800",
  // build of 2026-01-16
  "2.0":
    "flink:2.0.1-scala_2.12-java17@sha256:bd2737d65eaed671dcbd6826d492f8e9569a303e1ae83fb62ccc7c882d1a1ed3",
  // build of 2026-01-16
  "2.1":
    "flink:2.1.1-scala_2.12-java17@sha256:80cfd6d186c2fb91fbb63ece895bd8d7ed4906a6c611723f2aeffe1978a5317c",
  // build of 2026-05-08 (this line's image runs as USER flink, uid 9999, like the pod template)
  "2.2":
    "flink:2.2.0-scala_2.12-java17@sha256:7ecfab9d5e8ec6987a248b32f6605b5fe9bcb7347aea0d7b1bc3976588408681",
};

/**
 * Flink Kubernetes Operator 1.15.0 (May 2026); one chart repository per release. The chart
 * comes from the Apache archive, which keeps every release (downloads.apache.org drops
 * superseded ones); the release script indexes it with relative URLs
 * (apache/flink-kubernetes-operator release-1.15.0 tools/releasing/create_source_release.sh),
 * so the archive copy resolves. The packaged chart's image tag is a commit hash (the release
 * script rewrites it), so the image is pinned here: release versions are published on Docker Hub
 * as apache/flink-kubernetes-operator:<version> (docs/content/docs/operations/helm.md at
 * release-1.15.0); ghcr.io gets only commit and `main` tags.
 */
export const FLINK_OPERATOR = {
  version: "1.15.0",
  chart: "flink-kubernetes-operator",
  repository: "https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/",
  image: { repository: "docker.io/apache/flink-kubernetes-operator", tag: "1.15.0" },
  chosen: "2026-11-21",
} as const;

/** cert-manager, needed by the operator's admission webhook (chosen 2026-11-21). */
export const CERT_MANAGER = {
  version: "v1.19.1",
  chart: "cert-manager",
  repository: "https://charts.jetstack.io",
  chosen: "2026-11-21",
} as const;

/**
 * AWS Load Balancer Controller for the Flink UI's Ingresses on EKS (chosen 2026-11-22): chart
 * 3.5.0, app v3.5.0 (aws/eks-charts stable/aws-load-balancer-controller/Chart.yaml at 5239609).
 */
export const AWS_LOAD_BALANCER_CONTROLLER = {
  version: "3.5.0",
  chart: "aws-load-balancer-controller",
  repository: "https://aws.github.io/eks-charts",
  chosen: "2026-11-22",
} as const;

/**
 * metrics-server, the resource metrics API that reactive jobs' HorizontalPodAutoscalers read
 * (chosen 2026-11-22): chart 3.13.1, app 0.8.1 (kubernetes-sigs/metrics-server
 * charts/metrics-server/Chart.yaml at metrics-server-helm-chart-3.13.1).
 */
export const METRICS_SERVER = {
  version: "3.13.1",
  chart: "metrics-server",
  repository: "https://kubernetes-sigs.github.io/metrics-server/",
  chosen: "2026-11-22",
} as const;

/**
 * Karpenter for the Flink nodes (chosen 2026-11-22): chart 1.14.1 from the public ECR OCI
 * registry (getting-started guide v1.14: `helm upgrade --install karpenter
 * oci://public.ecr.aws/karpenter/karpenter --version 1.14.1`), its CRDs from the separate
 * karpenter-crd chart AWS recommends (upgrade-guide.md: Helm never upgrades a chart's crds/), and
 * the AL2023 EKS AMI release its nodes boot (awslabs/amazon-eks-ami tag v20260724).
 */
export const KARPENTER = {
  version: "1.14.1",
  chart: "oci://public.ecr.aws/karpenter/karpenter",
  crdChart: "oci://public.ecr.aws/karpenter/karpenter-crd",
  amiAlias: "al2023@v20260724",
  chosen: "2026-11-22",
} as const;

/** kube-prometheus-stack (chosen 2026-11-21). */
export const KUBE_PROMETHEUS_STACK = {
  version: "79.5.0",
  chart: "kube-prometheus-stack",
  repository: "https://prometheus-community.github.io/helm-charts",
  chosen: "2026-11-21",
} as const;

/**
 * AWS for Fluent Bit, the log agent on every node (chosen 2026-11-21): chart 0.2.0 of
 * aws/eks-charts (stable/aws-for-fluent-bit at commit 2942cdc, 2026-02-03), which runs
 * public.ecr.aws/aws-observability/aws-for-fluent-bit:3.2.1 (its values.yaml image.tag).
 */
export const AWS_FOR_FLUENT_BIT = {
  version: "0.2.0",
  chart: "aws-for-fluent-bit",
  repository: "https://aws.github.io/eks-charts",
  chosen: "2026-11-21",
} as const;

/**
 * Official ZooKeeper image for the HA ensemble (chosen 2026-11-21), pinned to the build of
 * 2026-01-16 (docker-library/repo-info repos/zookeeper/remote/3.9.4.md).
 */
export const ZOOKEEPER_IMAGE =
  "zookeeper:3.9.4@sha256:98be0d025355dd2f1659af615def34f04eabb233c80f4a9a1cc5ab121831c413";

/**
 * In-cluster S3-compatible store for local stacks. The image also ships `mc`, which the
 * bucket-creation Job uses, so one pinned image serves both (chosen 2026-11-21).
 */
export const OBJECT_STORE_IMAGE =
  "minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e";

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
