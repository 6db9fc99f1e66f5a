import { createSsrfPolicy, DEFAULT_SSRF_POLICY } from "@kapsel/delivery-http";
import { describe, expect, it } from "vitest";
import {
  type CurrentEndpoint,
  ENDPOINT_DEFAULTS,
  type EndpointInput,
  resolveEndpointSettings,
} from "../src/mutations/endpoint-settings.ts";

const GENERATED = "whsec_Z2VuZXJhdGVkLXNlY3JldC1mb3ItdGVzdHMtMTIzNA==";
const context = { policy: DEFAULT_SSRF_POLICY, generateSecret: () => GENERATED };
const create = (input: Partial<EndpointInput>, ctx = context) =>
  resolveEndpointSettings(
    {
      name: "Orders",
      url: "https://hooks.example.com/in",
      sourceScheme: "NONE",
      acknowledgeUnverifiedSource: true,
      ...input,
    },
    null,
    ctx,
  );

const github: CurrentEndpoint = {
  hasSourceSecret: true,
  settings: { name: "GH", url: "https://hooks.example.com/gh", sourceScheme: "github", ...ENDPOINT_DEFAULTS },
};
const update = (input: EndpointInput, current: CurrentEndpoint = github) =>
  resolveEndpointSettings(input, current, context);

/** The user errors as "field: code", for compact expectations. */
function problems(result: ReturnType<typeof resolveEndpointSettings>): string[] {
  return result.ok ? [] : result.errors.map((e) => `${e.field?.join(".")}: ${e.code}`);
}

describe("endpoint settings", () => {
  it("start from the defaults and store the URL as parsed", () => {
    const result = create({ url: "HTTPS://Hooks.Example.com:443/in" });
    expect(result).toEqual({
      ok: true,
      settings: {
        name: "Orders",
        url: "https://hooks.example.com/in",
        sourceScheme: "none",
        ...ENDPOINT_DEFAULTS,
      },
      sourceSecret: undefined,
      generatedSourceSecret: null,
    });
  });

  it("refuse malformed URLs, other schemes and credentials as VALIDATION", () => {
    expect(problems(create({ url: "not a url" }))).toEqual(["input.url: VALIDATION"]);
    expect(problems(create({ url: "ftp://example.com/x" }))).toEqual(["input.url: VALIDATION"]);
    expect(problems(create({ url: "https://user:pw@example.com/" }))).toEqual(["input.url: VALIDATION"]);
    expect(problems(create({ url: `https://example.com/${"a".repeat(2048)}` }))).toEqual(["input.url: VALIDATION"]);
  });

  it("refuse private, loopback, metadata and internal destinations as URL_NOT_ALLOWED, unless allow-listed", () => {
    const reasons = (url: string) => {
      const result = create({ url });
      return result.ok ? "ok" : result.errors.map((e) => [e.code, e.reason]);
    };
    expect(reasons("http://10.1.2.3/hook")).toEqual([["URL_NOT_ALLOWED", "private"]]);
    expect(reasons("http://127.0.0.1:3001/hook")).toEqual([["URL_NOT_ALLOWED", "loopback"]]);
    expect(reasons("http://[::1]/hook")).toEqual([["URL_NOT_ALLOWED", "loopback"]]);
    expect(reasons("http://169.254.169.254/latest/meta-data")).toEqual([["URL_NOT_ALLOWED", "cloud_metadata"]]);
    expect(reasons("http://localhost:8080/hook")).toEqual([["URL_NOT_ALLOWED", "internal_name"]]);
    expect(reasons("http://metadata.google.internal/")).toEqual([["URL_NOT_ALLOWED", "internal_name"]]);
    expect(reasons("http://0x7f.1/hook")).toEqual([["URL_NOT_ALLOWED", "loopback"]]);

    const policy = createSsrfPolicy(["127.0.0.0/8"]);
    if (!policy.ok) throw new Error("bad policy");
    const allowed = create({ url: "http://localhost:3001/hook" }, { ...context, policy: policy.policy });
    expect(allowed.ok && allowed.settings.url).toBe("http://localhost:3001/hook");
  });

  it("check policy bounds (the database's CHECKs and sane maxima), reporting every problem at its field", () => {
    const result = create({
      name: " ",
      maxAttempts: 0,
      backoffBaseMs: 0,
      connectTimeoutMs: 30_001,
      responseTimeoutMs: -1,
      maxInFlight: 1001,
      sourceToleranceSeconds: 0,
      retryableStatuses: [503, 200],
    });
    expect(problems(result)).toEqual([
      "input.name: VALIDATION",
      "input.sourceToleranceSeconds: VALIDATION",
      "input.maxAttempts: VALIDATION",
      "input.backoffBaseMs: VALIDATION",
      "input.connectTimeoutMs: VALIDATION",
      "input.responseTimeoutMs: VALIDATION",
      "input.maxInFlight: VALIDATION",
      "input.retryableStatuses.1: VALIDATION",
    ]);
    expect(problems(create({ maxAttempts: 1001 }))).toEqual(["input.maxAttempts: VALIDATION"]);
    expect(problems(create({ retryableStatuses: Array.from({ length: 51 }, (_, i) => 500 + i) }))).toEqual([
      "input.retryableStatuses: VALIDATION",
    ]);
    // The cap must not be below the base, whichever of the two the input changes.
    expect(problems(create({ backoffCapMs: 500 }))).toEqual(["input.backoffCapMs: VALIDATION"]);
    expect(problems(update({ backoffBaseMs: 600_000 }))).toEqual(["input.backoffBaseMs: VALIDATION"]);
    const ok = create({ maxAttempts: 1000, backoffBaseMs: 10, backoffCapMs: 10, retryableStatuses: [409, 400, 409] });
    expect(ok.ok && ok.settings).toMatchObject({ maxAttempts: 1000, backoffCapMs: 10, retryableStatuses: [400, 409] });
  });

  it("generate a source secret for the schemes whose secret Kapsel may choose, and require it for the others", () => {
    expect(create({ sourceScheme: "STANDARD_WEBHOOKS" })).toMatchObject({
      ok: true,
      sourceSecret: GENERATED,
      generatedSourceSecret: GENERATED,
    });
    expect(create({ sourceScheme: "GITHUB", sourceSecret: "chosen-by-me" })).toMatchObject({
      ok: true,
      sourceSecret: "chosen-by-me",
      generatedSourceSecret: null,
    });
    expect(problems(create({ sourceScheme: "STRIPE" }))).toEqual(["input.sourceSecret: VALIDATION"]);
    expect(problems(create({ sourceScheme: "SHOPIFY" }))).toEqual(["input.sourceSecret: VALIDATION"]);
    expect(problems(create({ sourceSecret: "x" }))).toEqual(["input.sourceSecret: VALIDATION"]); // NONE
  });

  it("check source secrets and HMAC options without ever quoting the secret", () => {
    const secret = "not-a-standard-webhooks-secret!";
    const result = create({ sourceScheme: "STANDARD_WEBHOOKS", sourceSecret: secret });
    expect(problems(result)).toEqual(["input.sourceSecret: VALIDATION"]);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(problems(create({ sourceScheme: "GITHUB", sourceSecret: "s", sourceHeader: "x-sig" }))).toEqual([
      "input.sourceHeader: VALIDATION",
    ]);
    expect(
      problems(
        create({ sourceScheme: "HMAC_SHA256", sourceHeader: "bad header", sourceEncoding: "hex2", sourcePrefix: "\n" }),
      ),
    ).toEqual(["input.sourceHeader: VALIDATION", "input.sourceEncoding: VALIDATION", "input.sourcePrefix: VALIDATION"]);
    const hmac = create({
      sourceScheme: "HMAC_SHA256",
      sourceHeader: "X-Sig",
      sourceEncoding: "base64",
      sourcePrefix: "v1=",
    });
    expect(hmac.ok && hmac.settings).toMatchObject({
      sourceScheme: "hmac-sha256",
      sourceHeader: "x-sig",
      sourceEncoding: "base64",
      sourcePrefix: "v1=",
    });
  });

  it("refuse the NONE scheme unless its meaning is acknowledged, on create and when an update names it", () => {
    for (const acknowledgeUnverifiedSource of [undefined, null, false]) {
      const refused = create({ acknowledgeUnverifiedSource });
      expect(refused).toEqual({
        ok: false,
        errors: [
          {
            __typename: "UnverifiedSourceError",
            code: "UNVERIFIED_SOURCE",
            kapselCode: "E4014",
            field: ["input", "acknowledgeUnverifiedSource"],
            message: expect.stringContaining("anyone who knows the ingest URL can post events"),
          },
        ],
      });
      expect(problems(update({ sourceScheme: "NONE", acknowledgeUnverifiedSource }))).toEqual([
        "input.acknowledgeUnverifiedSource: UNVERIFIED_SOURCE",
      ]);
    }
    // Reported with the other problems, all at once.
    expect(problems(create({ name: " ", acknowledgeUnverifiedSource: undefined }))).toEqual([
      "input.name: VALIDATION",
      "input.acknowledgeUnverifiedSource: UNVERIFIED_SOURCE",
    ]);
    expect(create({})).toMatchObject({ ok: true, settings: { sourceScheme: "none" } });
    // Other schemes need no acknowledgement, and ignore one.
    expect(create({ sourceScheme: "GITHUB", acknowledgeUnverifiedSource: undefined })).toMatchObject({ ok: true });
    expect(create({ sourceScheme: "GITHUB", acknowledgeUnverifiedSource: false })).toMatchObject({ ok: true });
    // An endpoint that already verifies nothing: other settings change freely; naming NONE again asks again.
    const none: CurrentEndpoint = { hasSourceSecret: false, settings: { ...github.settings, sourceScheme: "none" } };
    expect(update({ name: "Renamed" }, none)).toMatchObject({ ok: true, settings: { sourceScheme: "none" } });
    expect(problems(update({ sourceScheme: "NONE" }, none))).toEqual([
      "input.acknowledgeUnverifiedSource: UNVERIFIED_SOURCE",
    ]);
  });

  it("update: keep what is omitted, refuse nulls, and renew the secret when the scheme changes", () => {
    expect(update({ maxInFlight: 3 })).toMatchObject({
      ok: true,
      settings: { ...github.settings, maxInFlight: 3 },
      sourceSecret: undefined,
    });
    expect(problems(update({ name: null, url: null, maxAttempts: null, sourceSecret: null }))).toEqual([
      "input.name: VALIDATION",
      "input.url: VALIDATION",
      "input.maxAttempts: VALIDATION",
      "input.sourceSecret: VALIDATION",
    ]);
    expect(problems(update({ sourceScheme: "STRIPE" }))).toEqual(["input.sourceSecret: VALIDATION"]);
    expect(update({ sourceScheme: "HMAC_SHA256", sourceHeader: "x-hub" })).toMatchObject({
      ok: true,
      settings: { sourceScheme: "hmac-sha256", sourceHeader: "x-hub" },
      generatedSourceSecret: GENERATED,
    });
    expect(update({ sourceScheme: "NONE", acknowledgeUnverifiedSource: true })).toMatchObject({
      ok: true,
      settings: { sourceScheme: "none" },
      sourceSecret: null,
    });
    const hmac: CurrentEndpoint = {
      hasSourceSecret: true,
      settings: { ...github.settings, sourceScheme: "hmac-sha256", sourceHeader: "x-sig", sourcePrefix: "v1=" },
    };
    expect(update({ sourcePrefix: null }, hmac)).toMatchObject({ ok: true, settings: { sourcePrefix: null } });
    expect(update({ sourceScheme: "GITHUB" }, hmac)).toMatchObject({
      ok: true,
      settings: { sourceScheme: "github", sourceHeader: null, sourcePrefix: null },
      generatedSourceSecret: GENERATED,
    });
  });
});
