import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  SOURCE_SCHEMES,
  type SourceScheme,
  type SourceVerification,
  signSourceRequest,
  validateSourceVerification,
  verifySource,
} from "../src/index.ts";
import { expectRejected, expectVerified, NOW_MS } from "./support.ts";

const body = Buffer.from('{"hello":"world"}');

describe("scheme none", () => {
  it("always verifies with a null deliveryId and signs with no headers", () => {
    const config: SourceVerification = { scheme: "none", secret: null };
    expectVerified(verifySource(config, {}, body, NOW_MS), null);
    expectVerified(verifySource(config, { "webhook-id": "msg_1", "x-signature": "junk" }, body, Number.NaN), null);
    expect(signSourceRequest(config, body, NOW_MS, "id")).toEqual({});
  });
});

describe("SOURCE_SCHEMES", () => {
  it("lists every scheme once", () => {
    expect([...SOURCE_SCHEMES].sort()).toEqual([
      "github",
      "hmac-sha256",
      "none",
      "shopify",
      "standard-webhooks",
      "stripe",
    ]);
    expect(Object.isFrozen(SOURCE_SCHEMES)).toBe(true);
  });
});

describe("configuration problems fail closed, without throwing and without quoting the secret", () => {
  const secret = "super-secret-value-1234";
  const cases: Array<[string, SourceVerification]> = [
    ["unknown scheme", { scheme: "md5" as SourceScheme, secret }],
    ["github without secret", { scheme: "github", secret: null }],
    ["stripe with empty secret", { scheme: "stripe", secret: "" }],
    ["standard-webhooks with non-base64 secret", { scheme: "standard-webhooks", secret: `whsec_${secret}!` }],
    ["standard-webhooks with empty whsec_", { scheme: "standard-webhooks", secret: "whsec_" }],
    ["negative tolerance", { scheme: "stripe", secret, toleranceSeconds: -1 }],
    [
      "infinite tolerance",
      { scheme: "standard-webhooks", secret: generateWebhookSecret(), toleranceSeconds: Number.POSITIVE_INFINITY },
    ],
    ["bad header name", { scheme: "hmac-sha256", secret, header: "x signature" }],
    ["empty header name", { scheme: "hmac-sha256", secret, header: "" }],
    ["unknown encoding", { scheme: "hmac-sha256", secret, encoding: "base32" as "hex" }],
  ];

  it.each(cases)("%s", (_label, config) => {
    const check = validateSourceVerification(config);
    expect(check.ok).toBe(false);
    const result = verifySource(config, { "x-signature": "00" }, body, NOW_MS);
    const detail = expectRejected(result, "signature_invalid");
    expect(detail).toMatch(/^source verification misconfigured: /);
    expect(detail).not.toContain(secret);
    expect(() => signSourceRequest(config, body, NOW_MS)).toThrow(TypeError);
  });

  it("accepts every scheme's valid config, with null optionals as defaults", () => {
    for (const scheme of SOURCE_SCHEMES) {
      const secret = scheme === "standard-webhooks" ? generateWebhookSecret() : "s";
      expect(validateSourceVerification({ scheme, secret, header: null, encoding: null, prefix: null })).toEqual({
        ok: true,
      });
    }
    expect(validateSourceVerification({ scheme: "stripe", secret: "s", toleranceSeconds: 0 })).toEqual({ ok: true });
  });

  it("ignores hmac-only fields on other schemes", () => {
    const config: SourceVerification = {
      scheme: "github",
      secret: "s",
      header: "x-other",
      encoding: "base64",
      prefix: "p",
    };
    const headers = signSourceRequest(config, body, NOW_MS, "d1");
    expect(Object.keys(headers).sort()).toEqual(["x-github-delivery", "x-hub-signature-256"]);
    expectVerified(verifySource(config, headers, body, NOW_MS), "d1");
  });
});

describe("rejection details never contain the secret or the expected signature", () => {
  const configs: SourceVerification[] = [
    { scheme: "standard-webhooks", secret: generateWebhookSecret() },
    { scheme: "github", secret: "gh-secret-abcdef" },
    { scheme: "stripe", secret: "whsec_stripe_secret_abcdef" },
    { scheme: "shopify", secret: "shpss_secret_abcdef" },
    { scheme: "hmac-sha256", secret: "generic-secret-abcdef", encoding: "base64", prefix: "v=" },
  ];

  it.each(configs.map((c) => [c.scheme, c] as const))("%s", (_scheme, config) => {
    const good = signSourceRequest(config, body, NOW_MS, "id-1");
    const expectedValues = Object.values(good);
    const variants: Record<string, string | undefined>[] = [{}];
    for (const name of Object.keys(good)) {
      variants.push({ ...good, [name]: undefined }, { ...good, [name]: "x" }, { ...good, [name]: `${good[name]}0` });
    }
    const results = [
      ...variants.map((headers) => verifySource(config, headers, body, NOW_MS)),
      verifySource(config, good, Buffer.from("other body"), NOW_MS),
      verifySource(config, good, body, NOW_MS + 86_400_000),
    ];
    let rejections = 0;
    for (const result of results) {
      if (result.outcome !== "rejected") continue;
      rejections++;
      expect(result.detail).not.toContain(config.secret!);
      expect(result.detail).not.toContain(config.secret!.replace(/^whsec_/, ""));
      for (const value of expectedValues) {
        const signature = value.replace(/^(sha256=|v1,|v=|t=\d+,v1=)/, "");
        if (signature.length >= 40) expect(result.detail).not.toContain(signature);
      }
    }
    expect(rejections).toBeGreaterThan(3);
  });
});
