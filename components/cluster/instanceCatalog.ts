/**
 * Instance types the platform knows, with what pods can actually get on one node: allocatable
 * CPU and memory after the kubelet's reservations on EKS-optimised AMIs (cores, bytes), and the
 * pod limit. Kube-reserved follows amazon-eks-ami (nodeadm, v20251023): CPU 6 % of the first
 * core, 1 % of the second, 0.5 % of cores 3–4, 0.25 % beyond; memory 11 MiB × maxPods + 255 MiB;
 * eviction at 100 MiB; maxPods from eni-max-pods.txt. Capacity (what the kubelet sees) is the
 * nominal memory less the per-type overhead Karpenter measured on Bottlerocket (conservative
 * for AL2023); r7i uses r6i's plus 16 MiB. Used by config validation (unknown types are
 * refused) and the node fit check.
 */
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface InstanceType {
  vcpu: number;
  memoryBytes: number;
  allocatableCpu: number;
  allocatableMemoryBytes: number;
  maxPods: number;
  architecture: "amd64" | "arm64";
  /** Local NVMe instance store, GiB (the `d` families); 0 without. */
  localNvmeGiB: number;
}

function instance(
  vcpu: number,
  memoryGiB: number,
  allocatableCpu: number,
  allocatableMiB: number,
  maxPods: number,
  extra: { architecture?: "amd64" | "arm64"; localNvmeGiB?: number } = {},
): InstanceType {
  return {
    vcpu,
    memoryBytes: memoryGiB * GIB,
    allocatableCpu,
    allocatableMemoryBytes: allocatableMiB * MIB,
    maxPods,
    architecture: extra.architecture ?? "amd64",
    localNvmeGiB: extra.localNvmeGiB ?? 0,
  };
}
const arm = { architecture: "arm64" as const };

export const INSTANCE_CATALOG: Record<string, InstanceType> = {
  "t3.medium": instance(2, 4, 1.93, 3_301, 17),
  "t3.large": instance(2, 8, 1.93, 7_087, 35),
  "m6i.large": instance(2, 8, 1.93, 7_113, 29),
  "m6i.xlarge": instance(4, 16, 3.92, 14_719, 58),
  "m6i.2xlarge": instance(8, 32, 7.91, 30_570, 58),
  "m6i.4xlarge": instance(16, 64, 15.89, 60_337, 234),
  "m7i.large": instance(2, 8, 1.93, 7_097, 29),
  "m7i.xlarge": instance(4, 16, 3.92, 14_703, 58),
  "m7i.2xlarge": instance(8, 32, 7.91, 30_554, 58),
  "m7i.4xlarge": instance(16, 64, 15.89, 60_321, 234),
  "r6i.large": instance(2, 16, 1.93, 15_039, 29),
  "r6i.xlarge": instance(4, 32, 3.92, 30_571, 58),
  "r6i.2xlarge": instance(8, 64, 7.91, 62_274, 58),
  "r7i.xlarge": instance(4, 32, 3.92, 30_555, 58),
  "r7i.2xlarge": instance(8, 64, 7.91, 62_258, 58),
  "c6i.xlarge": instance(4, 8, 3.92, 6_793, 58),
  "c6i.2xlarge": instance(8, 16, 7.91, 14_718, 58),
  // Local NVMe (EC2 instance store sizes: m6id/r6id product pages); memory as their non-d twins.
  "m6id.xlarge": instance(4, 16, 3.92, 14_719, 58, { localNvmeGiB: 220 }),
  "m6id.2xlarge": instance(8, 32, 7.91, 30_570, 58, { localNvmeGiB: 441 }),
  "m6id.4xlarge": instance(16, 64, 15.89, 60_337, 234, { localNvmeGiB: 884 }),
  "r6id.xlarge": instance(4, 32, 3.92, 30_571, 58, { localNvmeGiB: 220 }),
  "r6id.2xlarge": instance(8, 64, 7.91, 62_274, 58, { localNvmeGiB: 441 }),
  // Graviton (arm64): the same reservations; the official Flink images are multi-arch.
  "m7g.xlarge": instance(4, 16, 3.92, 14_703, 58, arm),
  "m7g.2xlarge": instance(8, 32, 7.91, 30_554, 58, arm),
  "m7g.4xlarge": instance(16, 64, 15.89, 60_321, 234, arm),
  "r7g.xlarge": instance(4, 32, 3.92, 30_555, 58, arm),
  "r7g.2xlarge": instance(8, 64, 7.91, 62_258, 58, arm),
};

/** `m6i.2xlarge` → `m6i`. */
export const familyOf = (instanceType: string) => instanceType.split(".")[0];

/** The families the catalog knows, each with its architecture and whether it has local NVMe. */
export const INSTANCE_FAMILIES: Record<string, { architecture: "amd64" | "arm64"; localNvme: boolean }> =
  Object.fromEntries(
    Object.entries(INSTANCE_CATALOG).map(([name, t]) => [
      familyOf(name),
      { architecture: t.architecture, localNvme: t.localNvmeGiB > 0 },
    ]),
  );
export const INSTANCE_FAMILY_NAMES = Object.keys(INSTANCE_FAMILIES).sort();

export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_CATALOG).sort();
