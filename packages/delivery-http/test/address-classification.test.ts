import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkAddress, classifyAddress, DEFAULT_SSRF_POLICY, type SsrfBlockReason } from "../src/index.ts";

type Expected = SsrfBlockReason | "public";

const TABLE: readonly (readonly [string, Expected])[] = [
  // loopback, in every spelling
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["0:0:0:0:0:ffff:7f00:0001", "loopback"],
  ["::127.0.0.1", "loopback"],
  ["::ffff:0:127.0.0.1", "loopback"],
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::7f00:1", "loopback"],
  ["2002:7f00:1::", "loopback"],
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"], // Teredo, client 127.0.0.1 inverted
  // private
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fec0::1", "private"],
  ["64:ff9b:1::a00:1", "private"],
  ["::ffff:10.0.0.1", "private"],
  ["::ffff:a00:1", "private"],
  ["64:ff9b::192.168.0.1", "private"],
  ["2002:c0a8:101::1", "private"],
  // link-local, CGNAT, unspecified, broadcast, multicast
  ["169.254.1.1", "link_local"],
  ["fe80::1", "link_local"],
  ["fe80::1%eth0", "link_local"],
  ["febf:ffff::1", "link_local"],
  ["::ffff:169.254.1.1", "link_local"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["255.255.255.255", "broadcast"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.255", "multicast"],
  ["ff02::1", "multicast"],
  ["::ffff:224.0.0.251", "multicast"],
  // benchmark, documentation, reserved
  ["198.18.0.1", "benchmark"],
  ["198.19.255.255", "benchmark"],
  ["2001:2::1", "benchmark"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.255", "documentation"],
  ["2001:db8::1", "documentation"],
  ["3fff::1", "documentation"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.254", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.88.99.1", "reserved"],
  ["100::1", "reserved"],
  ["4000::1", "reserved"],
  ["::2:0:1", "reserved"],
  // cloud metadata
  ["169.254.169.254", "cloud_metadata"],
  ["::ffff:169.254.169.254", "cloud_metadata"],
  ["::ffff:a9fe:a9fe", "cloud_metadata"],
  ["64:ff9b::a9fe:a9fe", "cloud_metadata"],
  ["169.254.170.2", "cloud_metadata"],
  ["fd00:ec2::254", "cloud_metadata"],
  ["100.100.100.200", "cloud_metadata"],
  ["168.63.129.16", "cloud_metadata"],
  // public
  ["8.8.8.8", "public"],
  ["1.1.1.1", "public"],
  ["93.184.216.34", "public"],
  ["172.15.255.255", "public"],
  ["172.32.0.0", "public"],
  ["100.63.255.255", "public"],
  ["100.128.0.0", "public"],
  ["198.20.0.0", "public"],
  ["2606:4700:4700::1111", "public"],
  ["2001:4860:4860::8888", "public"],
  ["::ffff:8.8.8.8", "public"],
  ["64:ff9b::8.8.8.8", "public"], // DNS64 on an IPv6-only network must keep working
  ["2002:808:808::1", "public"],
  // not addresses
  ["", "invalid_address"],
  ["localhost", "invalid_address"],
  ["1.2.3", "invalid_address"],
  ["01.2.3.4", "invalid_address"],
  ["999.1.1.1", "invalid_address"],
  ["1.2.3.4/32", "invalid_address"],
  ["::g", "invalid_address"],
  ["[::1", "invalid_address"],
];

describe("address classification table", () => {
  it.each(TABLE)("%s -> %s", (address, expected) => {
    expect(classifyAddress(address) ?? "public").toBe(expected);
    const verdict = checkAddress(DEFAULT_SSRF_POLICY, address, 443);
    expect(verdict.allowed ? "public" : verdict.reason).toBe(expected);
  });
});

// An independent oracle for IPv4, by integer arithmetic over the same registry rows.
const V4_ROWS: readonly (readonly [string, number, SsrfBlockReason])[] = [
  ["169.254.169.254", 32, "cloud_metadata"],
  ["169.254.170.2", 32, "cloud_metadata"],
  ["100.100.100.200", 32, "cloud_metadata"],
  ["168.63.129.16", 32, "cloud_metadata"],
  ["0.0.0.0", 8, "unspecified"],
  ["127.0.0.0", 8, "loopback"],
  ["10.0.0.0", 8, "private"],
  ["172.16.0.0", 12, "private"],
  ["192.168.0.0", 16, "private"],
  ["169.254.0.0", 16, "link_local"],
  ["100.64.0.0", 10, "cgnat"],
  ["255.255.255.255", 32, "broadcast"],
  ["224.0.0.0", 4, "multicast"],
  ["198.18.0.0", 15, "benchmark"],
  ["192.0.2.0", 24, "documentation"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["192.0.0.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["240.0.0.0", 4, "reserved"],
];

const toInt = (dotted: string) => dotted.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const hex = (n: number) => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

function oracle(n: number): Expected {
  for (const [network, prefix, reason] of V4_ROWS) {
    const size = 2 ** (32 - prefix);
    if (Math.floor(n / size) === Math.floor(toInt(network) / size)) return reason;
  }
  return "public";
}

// Uniform uint32 almost never lands in a small range, so half the samples come from inside a row.
const ipv4Int = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc
    .constantFrom(...V4_ROWS)
    .chain(([network, prefix]) =>
      fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((offset) => toInt(network) + offset),
    ),
);

describe("address classification properties", () => {
  it("classifies IPv4 exactly as the registry rows do", () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        expect(classifyAddress(toDotted(n)) ?? "public").toBe(oracle(n));
      }),
      { numRuns: 2_000 },
    );
  });

  it("classifies every IPv6 embedding of an IPv4 address as that IPv4 address", () => {
    fc.assert(
      fc.property(ipv4Int, (n) => {
        const v4 = toDotted(n);
        const expected = classifyAddress(v4);
        const inverted = (~n >>> 0) as number;
        const forms = [
          `::ffff:${v4}`,
          `::ffff:${hex(n)}`,
          `0:0:0:0:0:ffff:${hex(n)}`,
          `::ffff:0:${v4}`,
          `64:ff9b::${v4}`,
          `64:ff9b::${hex(n)}`,
          `2002:${hex(n)}::1`,
          `2001:0:4136:e378:8000:63bf:${hex(inverted)}`,
        ];
        // `::` and `::1` are IPv6's own unspecified and loopback, not IPv4-compatible forms.
        if (n > 1) forms.push(`::${v4}`);
        for (const form of forms) expect(classifyAddress(form), form).toBe(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it("refuses every address in fc00::/7, fe80::/10 and ff00::/8", () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const rest = fc.array(group, { minLength: 7, maxLength: 7 });
    const cases = fc.oneof(
      fc
        .tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), rest)
        .map(([g, r]) => ({ groups: [g, ...r], reason: "private" })),
      fc
        .tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), rest)
        .map(([g, r]) => ({ groups: [g, ...r], reason: "link_local" })),
      fc
        .tuple(fc.integer({ min: 0xff00, max: 0xffff }), rest)
        .map(([g, r]) => ({ groups: [g, ...r], reason: "multicast" })),
    );
    fc.assert(
      fc.property(cases, ({ groups, reason }) => {
        const address = groups.map((g) => g.toString(16)).join(":");
        // fd00:ec2::254 is the one more specific row inside these ranges.
        if (address === "fd00:ec2:0:0:0:0:0:254") return;
        expect(classifyAddress(address)).toBe(reason);
      }),
    );
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const verdict = checkAddress(DEFAULT_SSRF_POLICY, input, 443);
        expect(typeof verdict.allowed).toBe("boolean");
      }),
      { numRuns: 2_000 },
    );
  });
});
