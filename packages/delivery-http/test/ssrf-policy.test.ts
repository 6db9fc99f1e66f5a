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

  it("accepts entries with a port, keeping them as written", () => {
    const entries = [
      "127.0.0.1:4100",
      "[::1]:4100",
      "[::1]",
      "10.0.0.0/8:8080",
      "[fd00::/8]:8443",
      "receiver.internal:8080",
      "Receiver.Internal.:1",
      "10.1.2.3:65535",
    ];
    expect(createSsrfPolicy(entries)).toEqual({ ok: true, policy: { allow: entries } });
  });

  it("reports bad ports and brackets, each with its problem", () => {
    const created = createSsrfPolicy([
      "127.0.0.1:0",
      ":80",
      "127.0.0.1:99999",
      "[::1",
      "127.0.0.1:",
      "[::1]:",
      "[::1]x",
      "[127.0.0.1]:80",
      "[receiver.internal]:80",
      "fd00::/8:8080",
      "receiver.internal:http",
      "a:b:c",
      "127.0.0.1:+80",
    ]);
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.invalid).toEqual([
      { entry: "127.0.0.1:0", problem: "port must be 1..65535" },
      { entry: ":80", problem: "an address or hostname must come before the port" },
      { entry: "127.0.0.1:99999", problem: "port must be 1..65535" },
      { entry: "[::1", problem: "missing ']' after the bracketed IPv6 address" },
      { entry: "127.0.0.1:", problem: "port must be 1..65535" },
      { entry: "[::1]:", problem: "port must be 1..65535" },
      { entry: "[::1]x", problem: "only ':<port>' may follow ']'" },
      { entry: "[127.0.0.1]:80", problem: "brackets are for IPv6 addresses only" },
      { entry: "[receiver.internal]:80", problem: "brackets hold an IPv6 address or CIDR" },
      {
        entry: "fd00::/8:8080",
        problem: "prefix length must be 0..128; an IPv6 entry takes a port as [fd00::/8]:8080",
      },
      { entry: "receiver.internal:http", problem: "port must be 1..65535" },
      { entry: "a:b:c", problem: "not an IPv6 address (in brackets to add a port: [::1]:4100)" },
      { entry: "127.0.0.1:+80", problem: "port must be 1..65535" },
    ]);
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
    expect(checkAddress(p, "127.0.0.1", 443)).toEqual({ allowed: true });
    expect(checkAddress(p, "10.20.30.40", 443)).toEqual({ allowed: true });
    expect(checkAddress(p, "10.21.0.1", 443)).toEqual({ allowed: false, reason: "private" });
    expect(checkAddress(p, "::1", 443)).toEqual({ allowed: false, reason: "loopback" });
    expect(checkAddress(p, "169.254.169.254", 443)).toEqual({ allowed: false, reason: "cloud_metadata" });
    expect(checkAddress(p, "8.8.8.8", 443)).toEqual({ allowed: true });
  });

  it("treats IPv4-mapped forms as the IPv4 address they stand for", () => {
    const p = policy("127.0.0.0/8");
    expect(checkAddress(p, "::ffff:127.0.0.1", 443)).toEqual({ allowed: true });
    expect(checkAddress(p, "::ffff:7f00:1", 443)).toEqual({ allowed: true });
    expect(checkAddress(p, "::ffff:10.0.0.1", 443)).toEqual({ allowed: false, reason: "private" });
  });

  it("allows a single host given without a prefix, and only that host", () => {
    const p = policy("169.254.169.254");
    expect(checkAddress(p, "169.254.169.254", 443)).toEqual({ allowed: true });
    expect(checkAddress(p, "169.254.169.253", 443)).toEqual({ allowed: false, reason: "link_local" });
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
        expect(checkAddress(p, dotted(address), 443)).toEqual({ allowed: true });
        expect(checkAddress(p, `::ffff:${dotted(address)}`, 443)).toEqual({ allowed: true });
      }),
      { numRuns: 500 },
    );
  });

  it("ignores invalid entries in a hand-built policy instead of allowing more", () => {
    const handBuilt: SsrfPolicy = { allow: ["127.0.0.0/99", "nonsense value"] };
    expect(checkAddress(handBuilt, "127.0.0.1", 443)).toEqual({ allowed: false, reason: "loopback" });
  });
});

describe("entries with a port", () => {
  it("allow their address on that port only", () => {
    const p = policy("127.0.0.1:4100");
    expect(checkAddress(p, "127.0.0.1", 4100)).toEqual({ allowed: true });
    expect(checkAddress(p, "::ffff:127.0.0.1", 4100)).toEqual({ allowed: true });
    for (const port of [80, 443, 4099, 4101, 5432, 9464]) {
      expect(checkAddress(p, "127.0.0.1", port)).toEqual({ allowed: false, reason: "loopback" });
    }
    expect(checkAddress(p, "127.0.0.2", 4100)).toEqual({ allowed: false, reason: "loopback" });
    expect(checkAddress(p, "::1", 4100)).toEqual({ allowed: false, reason: "loopback" });
  });

  it("never refuse a public address, whatever the port", () => {
    expect(checkAddress(policy("127.0.0.1:4100"), "93.184.216.34", 5432)).toEqual({ allowed: true });
  });

  it("work for IPv6 addresses and ranges in brackets, and for IPv4 ranges", () => {
    const p = policy("[::1]:4100", "[fd00::/8]:8443", "10.0.0.0/8:8080");
    expect(checkAddress(p, "::1", 4100)).toEqual({ allowed: true });
    expect(checkAddress(p, "::1", 4101)).toEqual({ allowed: false, reason: "loopback" });
    expect(checkAddress(p, "fd12::5", 8443)).toEqual({ allowed: true });
    expect(checkAddress(p, "fd12::5", 443)).toEqual({ allowed: false, reason: "private" });
    expect(checkAddress(p, "10.200.0.1", 8080)).toEqual({ allowed: true });
    expect(checkAddress(p, "10.200.0.1", 80)).toEqual({ allowed: false, reason: "private" });
  });

  it("add up: several ports for one address, and a port-less entry allows every port", () => {
    const p = policy("127.0.0.1:4100", "127.0.0.1:4200", "10.1.2.3");
    expect(checkAddress(p, "127.0.0.1", 4100)).toEqual({ allowed: true });
    expect(checkAddress(p, "127.0.0.1", 4200)).toEqual({ allowed: true });
    expect(checkAddress(p, "127.0.0.1", 4300)).toEqual({ allowed: false, reason: "loopback" });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65_535 }), (port) => {
        expect(checkAddress(p, "10.1.2.3", port)).toEqual({ allowed: true });
      }),
    );
  });

  it("read `::1:4100` as the IPv6 address it is, not as ::1 port 4100 (that needs brackets)", () => {
    const p = policy("::1:4100");
    expect(checkAddress(p, "::1", 4100)).toEqual({ allowed: false, reason: "loopback" });
  });

  it("scope an allow-listed hostname to its port", () => {
    const p = policy("receiver.internal:8080", "other.internal");
    expect(isHostnameAllowListed(p, "receiver.internal", 8080)).toBe(true);
    expect(isHostnameAllowListed(p, "RECEIVER.internal.", 8080)).toBe(true);
    expect(isHostnameAllowListed(p, "receiver.internal", 80)).toBe(false);
    expect(isHostnameAllowListed(p, "other.internal", 80)).toBe(true);
    expect(isHostnameAllowListed(p, "other.internal", 8080)).toBe(true);
  });
});

describe("isHostnameAllowListed", () => {
  it("matches exact names, case-insensitively and ignoring a trailing dot", () => {
    const p = policy("receiver.internal");
    expect(isHostnameAllowListed(p, "receiver.internal", 443)).toBe(true);
    expect(isHostnameAllowListed(p, "RECEIVER.internal.", 443)).toBe(true);
    expect(isHostnameAllowListed(p, "other.receiver.internal", 443)).toBe(false);
    expect(isHostnameAllowListed(p, "internal", 443)).toBe(false);
  });
});
