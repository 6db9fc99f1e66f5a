import { BlockList } from "node:net";
import { embeddedIpv4, ipv6Groups, type NormalizedIp, normalizeIp } from "./ip-address.ts";

/**
 * Address ranges a webhook must not reach unless an operator allows them: everything that is
 * not a public unicast destination. Ranges from the IANA special-purpose registries
 * (RFC 6890 and successors). The first matching row names the reason, so specific rows
 * (metadata services) come before the ranges that contain them.
 */

export const SSRF_BLOCK_REASONS = [
  "cloud_metadata",
  "unspecified",
  "loopback",
  "private",
  "link_local",
  "cgnat",
  "broadcast",
  "multicast",
  "benchmark",
  "documentation",
  "reserved",
  "invalid_address",
] as const;

export type SsrfBlockReason = (typeof SSRF_BLOCK_REASONS)[number];

type RangeReason = Exclude<SsrfBlockReason, "invalid_address">;

/** Human wording for messages: "10.0.0.1 is a private address". */
export const SSRF_BLOCK_REASON_TEXT: Readonly<Record<SsrfBlockReason, string>> = {
  cloud_metadata: "a cloud metadata service address",
  unspecified: 'an unspecified ("this network") address',
  loopback: "a loopback address",
  private: "a private network address",
  link_local: "a link-local address",
  cgnat: "a carrier-grade NAT (shared) address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  benchmark: "a benchmarking address",
  documentation: "a documentation address",
  reserved: "a reserved address",
  invalid_address: "not a valid IP address",
};

const RANGES: readonly (readonly [RangeReason, readonly string[]])[] = [
  [
    "cloud_metadata",
    [
      "169.254.169.254/32", // AWS, GCP, Azure, OCI, DigitalOcean, OpenStack instance metadata
      "169.254.170.2/32", // AWS ECS task metadata and credentials
      "100.100.100.200/32", // Alibaba Cloud metadata
      "168.63.129.16/32", // Azure WireServer: a public-looking address that only the platform answers
      "fd00:ec2::254/128", // AWS instance metadata over IPv6
    ],
  ],
  ["unspecified", ["0.0.0.0/8", "::/128"]],
  ["loopback", ["127.0.0.0/8", "::1/128"]],
  [
    "private",
    [
      "10.0.0.0/8",
      "172.16.0.0/12",
      "192.168.0.0/16",
      "fc00::/7", // unique local
      "fec0::/10", // site-local, deprecated but still routed by some stacks
      "64:ff9b:1::/48", // local-use NAT64: translates into the operator's own network
    ],
  ],
  ["link_local", ["169.254.0.0/16", "fe80::/10"]],
  ["cgnat", ["100.64.0.0/10"]],
  ["broadcast", ["255.255.255.255/32"]],
  ["multicast", ["224.0.0.0/4", "ff00::/8"]],
  ["benchmark", ["198.18.0.0/15", "2001:2::/48"]],
  ["documentation", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"]],
  [
    "reserved",
    [
      "192.0.0.0/24", // IETF protocol assignments
      "192.88.99.0/24", // deprecated 6to4 relay anycast
      "240.0.0.0/4", // "future use" since 1989
      "100::/64", // discard-only
    ],
  ],
];

function subnetList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = "", prefix = ""] = cidr.split("/");
    list.addSubnet(network, Number(prefix), network.includes(":") ? "ipv6" : "ipv4");
  }
  return list;
}

const COMPILED = RANGES.map(([reason, cidrs]) => ({ reason, list: subnetList(cidrs) }));

/** Global unicast IPv6 (2000::/3); every other IPv6 address is special or unassigned. */
const GLOBAL_UNICAST_V6 = subnetList(["2000::/3"]);

function rangeReason(ip: NormalizedIp): RangeReason | undefined {
  const type = ip.family === 4 ? "ipv4" : "ipv6";
  for (const { reason, list } of COMPILED) {
    if (list.check(ip.address, type)) return reason;
  }
  if (ip.family === 6 && !GLOBAL_UNICAST_V6.check(ip.address, "ipv6")) return "reserved";
  return undefined;
}

/**
 * The addresses a connection to `ip` effectively reaches: the address itself and, for IPv6
 * forms that carry an IPv4 address, that IPv4 address too.
 */
export function effectiveAddresses(ip: NormalizedIp): NormalizedIp[] {
  if (ip.family === 4) return [ip];
  const embedded = embeddedIpv4(ipv6Groups(ip.address));
  return embedded ? [ip, { address: embedded.address, family: 4 }] : [ip];
}

/**
 * Why `ip` is not a public destination, or `undefined` when it is. For IPv6 forms that embed
 * an IPv4 address the embedded address decides: `::ffff:127.0.0.1` is loopback, while
 * `64:ff9b::8.8.8.8` (DNS64 on an IPv6-only network) is as public as `8.8.8.8`.
 */
export function classifyAddress(input: string): SsrfBlockReason | undefined {
  const ip = normalizeIp(input);
  if (!ip) return "invalid_address";
  const addresses = effectiveAddresses(ip);
  const embedded = addresses[1];
  return rangeReason(embedded ?? ip);
}
