import { isIP } from "node:net";

/**
 * IP address parsing for the SSRF guard. Node validates the syntax (`isIP`); this file only
 * normalises what Node accepted and finds IPv4 addresses embedded in IPv6 ones, because an
 * attacker who cannot use `127.0.0.1` will try `::ffff:127.0.0.1`, `64:ff9b::7f00:1` or
 * `2002:7f00:1::` next.
 */

export interface NormalizedIp {
  /** Without brackets or zone id; IPv6 kept in the spelling given (BlockList does not care). */
  readonly address: string;
  readonly family: 4 | 6;
}

/** How an IPv4 address is carried inside an IPv6 one. */
export type Ipv4Embedding = "mapped" | "compatible" | "translated" | "nat64" | "6to4" | "teredo";

export interface EmbeddedIpv4 {
  readonly address: string;
  readonly via: Ipv4Embedding;
}

/** Accepts `1.2.3.4`, `::1`, `[::1]` and `fe80::1%eth0`; anything else is `undefined`. */
export function normalizeIp(input: string): NormalizedIp | undefined {
  let text = input.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  // A zone id names the interface, not the host; BlockList would not match with it attached.
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return { address: text, family: 4 };
  if (family === 6) return { address: text.toLowerCase(), family: 6 };
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address that `isIP` already accepted (zone id stripped). */
export function ipv6Groups(address: string): number[] {
  let head = address;
  const tail: number[] = [];
  const lastColon = address.lastIndexOf(":");
  const last = address.slice(lastColon + 1);
  if (last.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = last.split(".").map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    head = address.slice(0, lastColon + 1);
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const hex = (part: string): number[] => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const halves = head.split("::");
  const left = hex(halves[0] ?? "");
  if (halves.length === 1) return [...left, ...tail];
  const right = hex(halves[1] ?? "");
  const zeros = new Array<number>(8 - left.length - right.length - tail.length).fill(0);
  return [...left, ...zeros, ...right, ...tail];
}

function ipv4FromWords(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the standard embeddings.
 * `::` and `::1` are not IPv4-compatible addresses: they are IPv6's own unspecified and loopback.
 */
export function embeddedIpv4(groups: readonly number[]): EmbeddedIpv4 | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  const v4 = (via: Ipv4Embedding, high = g6, low = g7): EmbeddedIpv4 => ({ address: ipv4FromWords(high, low), via });

  if (zeroTo(5) && g5 === 0xffff) return v4("mapped"); // ::ffff:a.b.c.d (RFC 4291)
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return v4("translated"); // ::ffff:0:a.b.c.d (RFC 2765)
  if (zeroTo(6)) {
    if (g6 === 0 && (g7 === 0 || g7 === 1)) return undefined;
    return v4("compatible"); // ::a.b.c.d, deprecated but still parsed by stacks
  }
  // 64:ff9b::/96 (RFC 6052): a NAT64 gateway forwards to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4("nat64");
  // 2002::/16 (RFC 3056): 6to4 relays deliver to the IPv4 address in bits 16..47.
  if (g0 === 0x2002) return v4("6to4", g1, g2);
  // 2001:0::/32 (RFC 4380): Teredo stores the client's IPv4 address inverted in the last 32 bits.
  if (g0 === 0x2001 && g1 === 0) return v4("teredo", ~g6 & 0xffff, ~g7 & 0xffff);
  return undefined;
}
