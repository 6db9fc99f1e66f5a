import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAddress, createSsrfPolicy, isHostnameAllowListed, type SsrfPolicy } from "../src/index.ts";

function policy(...allow: string[]): SsrfPolicy {
  const created = createSsrfPolicy(allow);
  if (!created.ok) throw new Error(JSON.stringify(created.invalid));
  return created.policy;
}

describe("createSsrfPolicy", () => {
  it("accepts CIDRs, bare addresses and hostnames, trimming blanks away", () => {
    const created = createSsrfPolicy([
      " 127.0.0.0/8",
      "::1/128",
      "10.1.2.3",
      "fd00::/8",
      "Receiver.Internal.",
      "",
      "  ",
    ]);
    expect(created).toEqual({
      ok: true,
      policy: { allow: ["127.0.0.0/8", "::1/128", "10.1.2.3", "fd00::/8", "Receiver.Internal."] },
    });
  });

  it("lists every bad entry with its problem", () => {
    const created = createSsrfPolicy([
      "127.0.0.0/33",
      "::1/129",
      "10.0.0.0/x",
      "300.1.1.1/8",
      "*.internal",
      "bad host",
      "ok.example",
    ]);
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.invalid.map((i) => i.entry)).toEqual([
      "127.0.0.0/33",
      "::1/129",
      "10.0.0.0/x",
      "300.1.1.1/8",
      "*.internal",
      "bad host",
    ]);
    expect(created.invalid[0]?.problem).toBe("prefix length must be 0..32");
    expect(created.invalid[1]?.problem).toBe("prefix length must be 0..128");
    expect(created.invalid[4]?.problem).toContain("wildcards are not supported");
  });

  it("returns a frozen policy", () => {
    const p = policy("127.0.0.0/8");
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.allow)).toBe(true);
  });
});

describe("checkAddress with an allow-list", () => {
  it("allows listed ranges and keeps refusing everything else", () => {
    const p = policy("127.0.0.0/8", "10.20.0.0/16");
    expect(checkAddress(p, "127.0.0.1")).toEqual({ allowed: true });
    expect(checkAddress(p, "10.20.30.40")).toEqual({ allowed: true });
    expect(checkAddress(p, "10.21.0.1")).toEqual({ allowed: false, reason: "private" });
    expect(checkAddress(p, "::1")).toEqual({ allowed: false, reason: "loopback" });
    expect(checkAddress(p, "169.254.169.254")).toEqual({ allowed: false, reason: "cloud_metadata" });
    expect(checkAddress(p, "8.8.8.8")).toEqual({ allowed: true });
  });

  it("treats IPv4-mapped forms as the IPv4 address they stand for", () => {
    const p = policy("127.0.0.0/8");
    expect(checkAddress(p, "::ffff:127.0.0.1")).toEqual({ allowed: true });
    expect(checkAddress(p, "::ffff:7f00:1")).toEqual({ allowed: true });
    expect(checkAddress(p, "::ffff:10.0.0.1")).toEqual({ allowed: false, reason: "private" });
  });

  it("allows a single host given without a prefix, and only that host", () => {
    const p = policy("169.254.169.254");
    expect(checkAddress(p, "169.254.169.254")).toEqual({ allowed: true });
    expect(checkAddress(p, "169.254.169.253")).toEqual({ allowed: false, reason: "link_local" });
  });

  it("allows every address inside any allow-listed IPv4 CIDR", () => {
    const cidr = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 32 }));
    fc.assert(
      fc.property(cidr, fc.integer({ min: 0, max: 0xffffffff }), ([base, prefix], offset) => {
        const size = 2 ** (32 - prefix);
        const network = Math.floor(base / size) * size;
        const address = network + (offset % size);
        const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
        const p = policy(`${dotted(network)}/${prefix}`);
        expect(checkAddress(p, dotted(address))).toEqual({ allowed: true });
        expect(checkAddress(p, `::ffff:${dotted(address)}`)).toEqual({ allowed: true });
      }),
      { numRuns: 500 },
    );
  });

  it("ignores invalid entries in a hand-built policy instead of allowing more", () => {
    const handBuilt: SsrfPolicy = { allow: ["127.0.0.0/99", "nonsense value"] };
    expect(checkAddress(handBuilt, "127.0.0.1")).toEqual({ allowed: false, reason: "loopback" });
  });
});

describe("isHostnameAllowListed", () => {
  it("matches exact names, case-insensitively and ignoring a trailing dot", () => {
    const p = policy("receiver.internal");
    expect(isHostnameAllowListed(p, "receiver.internal")).toBe(true);
    expect(isHostnameAllowListed(p, "RECEIVER.internal.")).toBe(true);
    expect(isHostnameAllowListed(p, "other.receiver.internal")).toBe(false);
    expect(isHostnameAllowListed(p, "internal")).toBe(false);
  });
});
