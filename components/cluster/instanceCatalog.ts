/**
 * Instance types the platform knows, with what a pod can actually get on one node:
 * allocatable CPU and memory after the kubelet, system reservations and eviction
 * threshold that EKS-optimised AMIs apply (cores, bytes). Used by config validation
 * (unknown types are refused) and by the fit check (the largest Flink pod must fit).
 */
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface InstanceType {
  vcpu: number;
  memoryBytes: number;
  allocatableCpu: number;
  allocatableMemoryBytes: number;
}

function instance(vcpu: number, memoryGiB: number, allocatableCpu: number, allocatableMiB: number) {
  return {
    vcpu,
    memoryBytes: memoryGiB * GIB,
    allocatableCpu,
    allocatableMemoryBytes: allocatableMiB * MIB,
  };
}

export const INSTANCE_CATALOG: Record<string, InstanceType> = {
  "m6i.large": instance(2, 8, 1.93, 7_100),
  "m6i.xlarge": instance(4, 16, 3.92, 14_500),
  "m6i.2xlarge": instance(8, 32, 7.91, 29_600),
  "m6i.4xlarge": instance(16, 64, 15.89, 59_800),
  "m7i.large": instance(2, 8, 1.93, 7_100),
  "m7i.xlarge": instance(4, 16, 3.92, 14_500),
  "m7i.2xlarge": instance(8, 32, 7.91, 29_600),
  "m7i.4xlarge": instance(16, 64, 15.89, 59_800),
  "r6i.large": instance(2, 16, 1.93, 14_500),
  "r6i.xlarge": instance(4, 32, 3.92, 29_600),
  "r6i.2xlarge": instance(8, 64, 7.91, 59_800),
  "r7i.xlarge": instance(4, 32, 3.92, 29_600),
  "r7i.2xlarge": instance(8, 64, 7.91, 59_800),
  "c6i.xlarge": instance(4, 8, 3.92, 6_800),
  "c6i.2xlarge": instance(8, 16, 7.91, 14_000),
  "t3.medium": instance(2, 4, 1.93, 3_300),
  "t3.large": instance(2, 8, 1.93, 7_100),
};

export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_CATALOG).sort();
