import { describe, expect, it } from "vitest";
import { type SourceVerification, signSourceRequest, verifySource } from "../src/index.ts";
import { expectRejected, expectVerified, flipByte, NOW_MS, tamperBase64 } from "./support.ts";

const SECRET = "shpss_hush";
const config: SourceVerification = { scheme: "shopify", secret: SECRET };
const WEBHOOK_ID = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
const body = Buffer.from('{"id":820982911946154508,"email":"jon@example.com"}');
const signed = () => signSourceRequest(config, body, NOW_MS, WEBHOOK_ID);

describe("shopify", () => {
  it("matches a vector computed independently (openssl dgst -sha256 -hmac | base64)", () => {
    const expected = "minWArgZa/Hsplvy6dlnaKNnlyvuW8Y2ovDcBlzZSE0=";
    expect(signed()["x-shopify-hmac-sha256"]).toBe(expected);
    expectVerified(verifySource(config, { "x-shopify-hmac-sha256": expected }, body, NOW_MS), null);
  });

  it("verifies a correct request with X-Shopify-Webhook-Id as deliveryId", () => {
    expectVerified(verifySource(config, signed(), body, NOW_MS), WEBHOOK_ID);
  });

  it("falls back to X-Shopify-Event-Id, then to null", () => {
    const { "x-shopify-webhook-id": _omitted, ...headers } = signed();
    expectVerified(verifySource(config, { ...headers, "x-shopify-event-id": "evt-9" }, body, NOW_MS), "evt-9");
    expectVerified(verifySource(config, { ...signed(), "x-shopify-event-id": "evt-9" }, body, NOW_MS), WEBHOOK_ID);
    expectVerified(verifySource(config, headers, body, NOW_MS), null);
  });

  it("rejects a tampered body", () => {
    expectRejected(verifySource(config, signed(), flipByte(body, body.length - 1), NOW_MS), "signature_invalid");
  });

  it("rejects a tampered signature", () => {
    const headers = signed();
    const tampered = tamperBase64(headers["x-shopify-hmac-sha256"]!);
    expectRejected(
      verifySource(config, { ...headers, "x-shopify-hmac-sha256": tampered }, body, NOW_MS),
      "signature_invalid",
    );
  });

  it("rejects a request signed with another secret", () => {
    const headers = signSourceRequest({ ...config, secret: "shpss_other" }, body, NOW_MS, WEBHOOK_ID);
    expectRejected(verifySource(config, headers, body, NOW_MS), "signature_invalid");
  });

  it("reports signature_missing for an absent or empty header", () => {
    const { "x-shopify-hmac-sha256": _omitted, ...rest } = signed();
    expectRejected(verifySource(config, rest, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { ...rest, "x-shopify-hmac-sha256": "" }, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { ...rest, "x-shopify-hmac-sha256": [] }, body, NOW_MS), "signature_missing");
  });

  it.each([
    ["hex instead of base64", (sig: string) => Buffer.from(sig, "base64").toString("hex")],
    ["truncated", (sig: string) => sig.slice(0, 20)],
    ["invalid characters", (sig: string) => `${sig.slice(0, 10)}!!${sig.slice(12)}`],
    ["invalid character in place of padding", (sig: string) => `${sig.slice(0, -1)}!`],
  ])("rejects a malformed signature (%s) without throwing", (_label, mangle) => {
    const headers = signed();
    const mangled = { ...headers, "x-shopify-hmac-sha256": mangle(headers["x-shopify-hmac-sha256"]!) };
    expectRejected(verifySource(config, mangled, body, NOW_MS), "signature_invalid");
  });

  it("accepts the signature without base64 padding", () => {
    const headers = signed();
    const unpadded = headers["x-shopify-hmac-sha256"]!.replace(/=+$/, "");
    expectVerified(verifySource(config, { ...headers, "x-shopify-hmac-sha256": unpadded }, body, NOW_MS), WEBHOOK_ID);
  });
});
