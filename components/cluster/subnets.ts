/**
 * Subnet plan for the VPC: per zone one large private subnet (nodes and pods, which take
 * VPC IPs under the VPC CNI) and one small public subnet (load balancers, NAT gateways).
 * Private subnets take the first eighths of the VPC range; public ones share the last eighth.
 */
export interface SubnetPlan {
  zone: string;
  privateCidr: string;
  publicCidr: string;
}

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export function planSubnets(vpcCidr: string, zones: readonly string[]): SubnetPlan[] {
  const [ip, prefixText] = vpcCidr.split("/");
  const prefix = Number(prefixText);
  if (zones.length > 7) throw new RangeError("at most 7 zones fit the subnet plan");
  const size = 2 ** (32 - prefix);
  const base = toInt(ip) - (toInt(ip) % size);
  const eighth = size / 8;
  const publicSize = eighth / 8;
  return zones.map((zone, i) => ({
    zone,
    privateCidr: `${toIp(base + i * eighth)}/${prefix + 3}`,
    publicCidr: `${toIp(base + 7 * eighth + i * publicSize)}/${prefix + 6}`,
  }));
}
