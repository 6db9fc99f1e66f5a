import { describe, expect, it } from "vitest";
import {
  createSsrfPolicy,
  DEFAULT_SSRF_POLICY,
  type EndpointUrlProblem,
  type SsrfPolicy,
  validateEndpointUrl,
} from "../src/index.ts";

function policy(...allow: string[]): SsrfPolicy {
  const created = createSsrfPolicy(allow);
  if (!created.ok) throw new Error(JSON.stringify(created.invalid));
  return created.policy;
}

function problem(url: string, p: SsrfPolicy = DEFAULT_SSRF_POLICY): EndpointUrlProblem | "ok" {
  const result = validateEndpointUrl(url, p);
  if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  return result.ok ? "ok" : result.reason;
}

describe("validateEndpointUrl", () => {
  it("accepts public http and https URLs and normalises them", () => {
    expect(validateEndpointUrl("https://Hooks.Example.com/in?x=1", DEFAULT_SSRF_POLICY)).toEqual({
      ok: true,
      href: "https://hooks.example.com/in?x=1",
      hostname: "hooks.example.com",
      port: 443,
    });
    expect(problem("http://hooks.example.com:8080/x")).toBe("ok");
    expect(problem("https://93.184.216.34/hook")).toBe("ok");
    expect(problem("https://[2606:4700:4700::1111]/hook")).toBe("ok");
    // Resolution happens at delivery; a name that will not resolve is not refused here.
    expect(problem("https://nothing-here.invalid/")).toBe("ok");
  });

  it.each([
    ["", "malformed"],
    ["not a url", "malformed"],
    ["/relative/path", "malformed"],
    ["http://", "malformed"],
    ["ftp://files.example.com/", "unsupported_scheme"],
    ["file:///etc/passwd", "unsupported_scheme"],
    ["javascript:alert(1)", "unsupported_scheme"],
    ["gopher://hooks.example.com/", "unsupported_scheme"],
    ["https://user:secret@hooks.example.com/", "credentials"],
    ["https://user@hooks.example.com/", "credentials"],
    ["https://:secret@hooks.example.com/", "credentials"],
  ] as const)("%j -> %s", (url, expected) => {
    expect(problem(url)).toBe(expected);
  });

  it("enforces the 2048-character limit", () => {
    const base = "https://hooks.example.com/";
    expect(problem(base + "a".repeat(2048 - base.length))).toBe("ok");
    expect(problem(base + "a".repeat(2049 - base.length))).toBe("too_long");
  });

  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://[::1]:8080/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://10.0.0.1/", "private"],
    ["http://169.254.169.254/latest/meta-data/", "cloud_metadata"],
    ["http://[fd00:ec2::254]/", "cloud_metadata"],
    ["http://0.0.0.0:3000/", "unspecified"],
    ["http://100.64.1.1/", "cgnat"],
  ] as const)("refuses literal %s as %s", (url, reason) => {
    const result = validateEndpointUrl(url, DEFAULT_SSRF_POLICY);
    expect(result).toMatchObject({ ok: false, reason: "blocked_address", blockReason: reason });
  });

  it.each([
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost:3000/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://billing.internal/",
    "http://printer.local/",
    "http://router.home.arpa/",
    "http://metadata/computeMetadata/v1/",
    "http://receiver:8080/",
  ])("refuses internal name %s", (url) => {
    expect(problem(url)).toBe("blocked_hostname");
  });

  it("lets an allow-listed hostname through", () => {
    expect(problem("http://receiver:8080/", policy("receiver"))).toBe("ok");
    expect(problem("http://metadata.google.internal/", policy("metadata.google.internal"))).toBe("ok");
    expect(problem("http://localhost/", policy("localhost"))).toBe("ok");
    expect(problem("http://billing.internal/", policy("other.internal"))).toBe("blocked_hostname");
  });

  it("treats localhost names as loopback: allowed when loopback is", () => {
    expect(problem("http://localhost:3000/", policy("127.0.0.0/8"))).toBe("ok");
    expect(problem("http://api.localhost/", policy("::1/128"))).toBe("ok");
    expect(problem("http://localhost:3000/", policy("10.0.0.0/8"))).toBe("blocked_hostname");
  });

  it("allows a literal address once its range is allow-listed", () => {
    expect(problem("http://127.0.0.1:3000/", policy("127.0.0.0/8"))).toBe("ok");
    expect(problem("http://[::1]:3000/", policy("127.0.0.0/8"))).toBe("blocked_address");
  });

  it("allows a port-scoped entry's address on that port only", () => {
    const demo = policy("127.0.0.1:4100");
    expect(validateEndpointUrl("http://127.0.0.1:4100/webhook", demo)).toEqual({
      ok: true,
      href: "http://127.0.0.1:4100/webhook",
      hostname: "127.0.0.1",
      port: 4100,
    });
    // The embedded PostgreSQL, a metrics listener, the API itself: same address, other ports.
    for (const url of ["http://127.0.0.1:54329/", "http://127.0.0.1:9464/metrics", "http://127.0.0.1:3100/graphql"]) {
      expect(validateEndpointUrl(url, demo)).toMatchObject({
        ok: false,
        reason: "blocked_address",
        blockReason: "loopback",
      });
    }
    expect(problem("http://[::ffff:127.0.0.1]:4100/", demo)).toBe("ok");
    expect(problem("http://127.0.0.2:4100/", demo)).toBe("blocked_address");
    expect(problem("http://[::1]:4100/", demo)).toBe("blocked_address");
    expect(problem("http://[::1]:4100/", policy("[::1]:4100"))).toBe("ok");
    expect(problem("http://[::1]:4101/", policy("[::1]:4100"))).toBe("blocked_address");
    expect(problem("http://10.9.8.7:8080/", policy("10.0.0.0/8:8080"))).toBe("ok");
    expect(problem("http://10.9.8.7:8081/", policy("10.0.0.0/8:8080"))).toBe("blocked_address");
  });

  it("judges a URL without a port by its scheme's default port", () => {
    expect(validateEndpointUrl("http://127.0.0.1/", policy("127.0.0.1:80"))).toMatchObject({ ok: true, port: 80 });
    expect(validateEndpointUrl("http://127.0.0.1:80/", policy("127.0.0.1:80"))).toMatchObject({ ok: true, port: 80 });
    expect(problem("https://127.0.0.1/", policy("127.0.0.1:80"))).toBe("blocked_address");
    expect(validateEndpointUrl("https://127.0.0.1/", policy("127.0.0.1:443"))).toMatchObject({ ok: true, port: 443 });
    expect(problem("http://127.0.0.1/", policy("127.0.0.1:443"))).toBe("blocked_address");
    expect(problem("http://127.0.0.1/", policy("127.0.0.1:4100"))).toBe("blocked_address");
  });

  it("applies port-scoped entries to localhost names and allow-listed hostnames", () => {
    expect(problem("http://localhost:4100/", policy("127.0.0.1:4100"))).toBe("ok");
    expect(problem("http://localhost:4101/", policy("127.0.0.1:4100"))).toBe("blocked_hostname");
    expect(problem("http://receiver.internal:8080/", policy("receiver.internal:8080"))).toBe("ok");
    expect(problem("http://receiver.internal/", policy("receiver.internal:8080"))).toBe("blocked_hostname");
    expect(problem("https://receiver.internal/", policy("receiver.internal:443"))).toBe("ok");
    // Ports never restrict public destinations: the allow-list only relaxes the guard.
    expect(problem("https://hooks.example.com:8443/", policy("127.0.0.1:4100"))).toBe("ok");
  });

  it("explains a refusal in words", () => {
    const result = validateEndpointUrl("http://10.0.0.1/", DEFAULT_SSRF_POLICY);
    expect(result).toMatchObject({ ok: false, message: "10.0.0.1 is a private network address" });
  });
});
