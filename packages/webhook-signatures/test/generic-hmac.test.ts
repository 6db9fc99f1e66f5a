import { describe, expect, it } from "vitest";
import { type SourceVerification, signSourceRequest, verifySource } from "../src/index.ts";
import { expectRejected, expectVerified, flipByte, NOW_MS, tamperBase64, tamperHex } from "./support.ts";

const SECRET = "generic-secret";
const body = Buffer.from("hello world");
// openssl dgst -sha256 -hmac generic-secret (hex, then base64 of the binary digest)
const HEX = "459d657f9e3f0e3369ff69ed1d6109323c7e15e0883fc7a001283b3c11c86470";
const BASE64 = "RZ1lf54/DjNp/2ntHWEJMjx+FeCIP8egASg7PBHIZHA=";

const hexDefault: SourceVerification = { scheme: "hmac-sha256", secret: SECRET };
const base64Custom: SourceVerification = {
  scheme: "hmac-sha256",
  secret: SECRET,
  header: "X-Acme-Signature",
  encoding: "base64",
  prefix: "sha256=",
};

describe("hmac-sha256 (generic)", () => {
  it("defaults to hex in X-Signature, matching an independently computed vector", () => {
    expect(signSourceRequest(hexDefault, body, NOW_MS)).toEqual({ "x-signature": HEX });
    expectVerified(verifySource(hexDefault, { "x-signature": HEX }, body, NOW_MS), null);
    expectVerified(
      verifySource({ ...hexDefault, header: null, encoding: null, prefix: null }, { "x-signature": HEX }, body, NOW_MS),
      null,
    );
  });

  it("supports base64, a literal prefix and a case-insensitive custom header name", () => {
    expect(signSourceRequest(base64Custom, body, NOW_MS)).toEqual({ "x-acme-signature": `sha256=${BASE64}` });
    expectVerified(verifySource(base64Custom, { "x-acme-signature": `sha256=${BASE64}` }, body, NOW_MS), null);
  });

  it("ignores deliveryId: the scheme has no id header", () => {
    const headers = signSourceRequest(hexDefault, body, NOW_MS, "ignored");
    expect(Object.keys(headers)).toEqual(["x-signature"]);
    expectVerified(verifySource(hexDefault, headers, body, NOW_MS), null);
  });

  it("rejects a tampered body", () => {
    expectRejected(verifySource(hexDefault, { "x-signature": HEX }, flipByte(body), NOW_MS), "signature_invalid");
    expectRejected(
      verifySource(base64Custom, { "x-acme-signature": `sha256=${BASE64}` }, flipByte(body), NOW_MS),
      "signature_invalid",
    );
  });

  it("rejects a tampered signature", () => {
    expectRejected(verifySource(hexDefault, { "x-signature": tamperHex(HEX) }, body, NOW_MS), "signature_invalid");
    const tampered = `sha256=${tamperBase64(BASE64)}`;
    expectRejected(verifySource(base64Custom, { "x-acme-signature": tampered }, body, NOW_MS), "signature_invalid");
  });

  it("rejects a request signed with another secret", () => {
    const headers = signSourceRequest({ ...hexDefault, secret: "other" }, body, NOW_MS);
    expectRejected(verifySource(hexDefault, headers, body, NOW_MS), "signature_invalid");
  });

  it("reports signature_missing for an absent or empty header, including the default header when another is configured", () => {
    expectRejected(verifySource(hexDefault, {}, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(hexDefault, { "x-signature": "" }, body, NOW_MS), "signature_missing");
    expectRejected(
      verifySource(base64Custom, { "x-signature": `sha256=${BASE64}` }, body, NOW_MS),
      "signature_missing",
    );
  });

  it("requires the configured prefix and the configured encoding", () => {
    const noPrefix = verifySource(base64Custom, { "x-acme-signature": BASE64 }, body, NOW_MS);
    expect(expectRejected(noPrefix, "signature_invalid")).toContain("prefix");
    expectRejected(
      verifySource(base64Custom, { "x-acme-signature": `sha256=${HEX}` }, body, NOW_MS),
      "signature_invalid",
    );
    expectRejected(verifySource(hexDefault, { "x-signature": BASE64 }, body, NOW_MS), "signature_invalid");
    expectRejected(verifySource(hexDefault, { "x-signature": `sha256=${HEX}` }, body, NOW_MS), "signature_invalid");
  });

  it.each(["00", HEX.slice(1), `${HEX}00`, `${HEX.slice(0, -1)}x`])(
    "rejects a malformed hex signature %j without throwing",
    (sig) => {
      expectRejected(verifySource(hexDefault, { "x-signature": sig }, body, NOW_MS), "signature_invalid");
    },
  );

  it("accepts upper-case hex (same bytes)", () => {
    expectVerified(verifySource(hexDefault, { "x-signature": HEX.toUpperCase() }, body, NOW_MS), null);
  });
});
