import { describe, expect, it } from "vitest";
import { type SourceVerification, signSourceRequest, verifySource } from "../src/index.ts";
import { expectRejected, expectVerified, flipByte, NOW_MS, tamperHex } from "./support.ts";

const SECRET = "It's a Secret to Everybody";
const config: SourceVerification = { scheme: "github", secret: SECRET };
const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

describe("github", () => {
  it("matches the test vector from GitHub's docs", () => {
    const body = Buffer.from("Hello, World!");
    const headers = signSourceRequest(config, body, NOW_MS, DELIVERY);
    expect(headers["x-hub-signature-256"]).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
    const docsHeaders = {
      "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      "x-github-delivery": DELIVERY,
    };
    expectVerified(verifySource(config, docsHeaders, body, NOW_MS), DELIVERY);
  });

  const body = Buffer.from('{"action":"opened","number":1}');
  const signed = () => signSourceRequest(config, body, NOW_MS, DELIVERY);

  it("verifies a correct request with X-GitHub-Delivery as deliveryId", () => {
    expectVerified(verifySource(config, signed(), body, NOW_MS), DELIVERY);
  });

  it("verifies without X-GitHub-Delivery, with a null deliveryId", () => {
    const { "x-github-delivery": _omitted, ...headers } = signed();
    expectVerified(verifySource(config, headers, body, NOW_MS), null);
  });

  it("has no timestamp: an old signature still verifies", () => {
    const headers = signSourceRequest(config, body, NOW_MS - 86_400_000, DELIVERY);
    expectVerified(verifySource(config, headers, body, NOW_MS), DELIVERY);
  });

  it("rejects a tampered body", () => {
    expectRejected(verifySource(config, signed(), flipByte(body, 10), NOW_MS), "signature_invalid");
  });

  it("rejects a tampered signature", () => {
    const headers = signed();
    const tampered = `sha256=${tamperHex(headers["x-hub-signature-256"]!.slice(7))}`;
    expectRejected(
      verifySource(config, { ...headers, "x-hub-signature-256": tampered }, body, NOW_MS),
      "signature_invalid",
    );
  });

  it("rejects a request signed with another secret", () => {
    const headers = signSourceRequest({ ...config, secret: "not it" }, body, NOW_MS, DELIVERY);
    expectRejected(verifySource(config, headers, body, NOW_MS), "signature_invalid");
  });

  it("reports signature_missing for an absent or empty header, and ignores the legacy SHA-1 header", () => {
    const { "x-hub-signature-256": signature, ...rest } = signed();
    expectRejected(verifySource(config, rest, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { ...rest, "x-hub-signature-256": "" }, body, NOW_MS), "signature_missing");
    expectRejected(verifySource(config, { ...rest, "x-hub-signature": signature }, body, NOW_MS), "signature_missing");
  });

  it.each([
    ["no sha256= prefix", (sig: string) => sig.slice(7)],
    ["sha1= prefix", (sig: string) => `sha1=${sig.slice(7)}`],
    ["truncated", (sig: string) => sig.slice(0, -2)],
    ["one char too long", (sig: string) => `${sig}0`],
    ["non-hex characters", (sig: string) => `${sig.slice(0, -2)}zz`],
  ])("rejects a malformed signature (%s) without throwing", (_label, mangle) => {
    const headers = signed();
    const mangled = { ...headers, "x-hub-signature-256": mangle(headers["x-hub-signature-256"]!) };
    expectRejected(verifySource(config, mangled, body, NOW_MS), "signature_invalid");
  });

  it("uses the first value of a repeated header", () => {
    const headers = signed();
    const repeated = { ...headers, "x-hub-signature-256": [headers["x-hub-signature-256"]!, "sha256=00"] };
    expectVerified(verifySource(config, repeated, body, NOW_MS), DELIVERY);
  });
});
