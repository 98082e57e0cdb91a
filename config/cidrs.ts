/** IPv4 CIDR arithmetic for config rules: how much of the address space a set of ranges covers. */

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** `[first, last]` addresses of a CIDR, as integers. */
export function cidrRange(cidr: string): [number, number] {
  const [ip, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const first = toInt(ip) - (toInt(ip) % size);
  return [first, first + size - 1];
}

/** How many distinct addresses the CIDRs cover together (overlaps counted once). */
export function addressesCovered(cidrs: readonly string[]): number {
  const ranges = cidrs.map(cidrRange).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [first, last] of ranges) {
    // CIDR blocks nest or are disjoint: a range is inside the last one counted, or after it.
    if (last <= end) continue;
    total += last - first + 1;
    end = last;
  }
  return total;
}

export const IPV4_ADDRESSES = 2 ** 32;
