import { describe, expect, it } from "vitest";
import { type SourceVerification, signSourceRequest, verifySource } from "../src/index.ts";
import { expectRejected, expectVerified, flipByte, NOW_MS, NOW_S, tamperHex } from "./support.ts";

const SECRET = "whsec_test_secret";
const config: SourceVerification = { scheme: "stripe", secret: SECRET };
const EVENT_ID = "evt_1NG8Du2eZvKYlo2CUI79vXWy";
const body = Buffer.from(JSON.stringify({ id: EVENT_ID, object: "event", data: { object: { id: "pi_1" } } }));

function signedAt(nowMs: number, secret = SECRET, rawBody = body) {
  return signSourceRequest({ ...config, secret }, rawBody, nowMs);
}
function v1Of(header: string): string {
  return header
    .split(",")
    .find((part) => part.startsWith("v1="))!
    .slice(3);
}

describe("stripe", () => {
  it("verifies a vector computed independently (openssl dgst -sha256 -hmac)", () => {
    const vectorBody = Buffer.from('{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event"}');
    const header = "t=1700000000,v1=0d82a261071768f1ddd21d94f6476ec95b9b2a1f4de9fd55aa93ad34e86c6ca1";
    expectVerified(verifySource(config, { "stripe-signature": header }, vectorBody, 1_700_000_000_000), EVENT_ID);
    expect(signSourceRequest(config, vectorBody, 1_700_000_000_999)).toEqual({ "stripe-signature": header });
  });

  it("verifies a correct request with the body's event id as deliveryId", () => {
    expectVerified(verifySource(config, signedAt(NOW_MS), body, NOW_MS), EVENT_ID);
  });

  it.each([
    ["not JSON", "plain text"],
    ["a JSON array", '[{"id":"evt_1"}]'],
    ["a non-string id", '{"id":42}'],
    ["an empty id", '{"id":""}'],
    ["no id", '{"object":"event"}'],
    ["JSON null", "null"],
  ])("verifies with a null deliveryId when the body is %s", (_label, text) => {
    const rawBody = Buffer.from(text);
    expectVerified(verifySource(config, signedAt(NOW_MS, SECRET, rawBody), rawBody, NOW_MS), null);
  });

  it("rejects a tampered body", () => {
    expectRejected(verifySource(config, signedAt(NOW_MS), flipByte(body, 12), NOW_MS), "signature_invalid");
  });

  it("rejects a tampered signature", () => {
    const header = signedAt(NOW_MS)["stripe-signature"]!;
    const v1 = v1Of(header);
    const tampered = header.replace(v1, tamperHex(v1));
    expectRejected(verifySource(config, { "stripe-signature": tampered }, body, NOW_MS), "signature_invalid");
  });

  it("rejects a tampered timestamp (t is signed)", () => {
    const header = signedAt(NOW_MS)["stripe-signature"]!.replace(`t=${NOW_S}`, `t=${NOW_S - 1}`);
    expectRejected(verifySource(config, { "stripe-signature": header }, body, NOW_MS), "signature_invalid");
  });

  it("rejects a request signed with another secret", () => {
    expectRejected(verifySource(config, signedAt(NOW_MS, "whsec_other"), body, NOW_MS), "signature_invalid");
  });

  it("reports signature_missing for an absent or empty Stripe-Signature", () => {
    expectRejected(verifySource(config, {}, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { "stripe-signature": "" }, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { "stripe-signature": "   " }, body, NOW_MS), "signature_missing");
  });

  it("accepts any matching v1 (secret roll) and ignores v0", () => {
    const good = v1Of(signedAt(NOW_MS)["stripe-signature"]!);
    const other = v1Of(signedAt(NOW_MS, "whsec_old")["stripe-signature"]!);
    const header = `t=${NOW_S},v1=${other},v1=${good},v0=${"0".repeat(64)}`;
    expectVerified(verifySource(config, { "stripe-signature": header }, body, NOW_MS), EVENT_ID);
    const v0Only = `t=${NOW_S},v0=${good}`;
    expectRejected(verifySource(config, { "stripe-signature": v0Only }, body, NOW_MS), "signature_invalid");
  });

  it.each([
    ["no t=", (good: string) => `v1=${good}`],
    ["no v1=", () => `t=${NOW_S}`],
    ["two t=", (good: string) => `t=${NOW_S},t=${NOW_S},v1=${good}`],
    ["non-numeric t", (good: string) => `t=abc,v1=${good}`],
    ["short v1", (good: string) => `t=${NOW_S},v1=${good.slice(0, 10)}`],
    ["non-hex v1", () => `t=${NOW_S},v1=${"g".repeat(64)}`],
    ["garbage", () => ",,,=,t"],
  ])("rejects a malformed header (%s) without throwing", (_label, build) => {
    const good = v1Of(signedAt(NOW_MS)["stripe-signature"]!);
    expectRejected(verifySource(config, { "stripe-signature": build(good) }, body, NOW_MS), "signature_invalid");
  });

  it.each([
    ["exactly tolerance in the past", -300, true],
    ["tolerance + 1 in the past", -301, false],
    ["exactly tolerance in the future", 300, true],
    ["tolerance + 1 in the future", 301, false],
  ])("default 300 s tolerance: %s", (_label, offset, ok) => {
    const result = verifySource(config, signedAt((NOW_S + offset) * 1000), body, NOW_MS);
    if (ok) expectVerified(result, EVENT_ID);
    else expectRejected(result, "timestamp_out_of_tolerance");
  });

  it("honours a configured tolerance", () => {
    const strict = { ...config, toleranceSeconds: 60 };
    expectVerified(verifySource(strict, signedAt((NOW_S - 60) * 1000), body, NOW_MS), EVENT_ID);
    expectRejected(verifySource(strict, signedAt((NOW_S - 61) * 1000), body, NOW_MS), "timestamp_out_of_tolerance");
    expectVerified(verifySource(strict, signedAt((NOW_S + 60) * 1000), body, NOW_MS), EVENT_ID);
    expectRejected(verifySource(strict, signedAt((NOW_S + 61) * 1000), body, NOW_MS), "timestamp_out_of_tolerance");
  });

  it("reports a forged stale request as signature_invalid, not as stale", () => {
    const forged = signedAt(NOW_MS - 3_600_000, "whsec_attacker");
    expectRejected(verifySource(config, forged, body, NOW_MS), "signature_invalid");
  });
});
