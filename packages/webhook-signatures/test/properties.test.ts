import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, type SourceVerification, signSourceRequest, verifySource } from "../src/index.ts";
import { NOW_MS } from "./support.ts";

// Every signing scheme with the deliveryId verifySource must report after a round trip.
const SIGNED: Array<{ config: SourceVerification; deliveryId: (given: string) => string | null }> = [
  { config: { scheme: "standard-webhooks", secret: generateWebhookSecret() }, deliveryId: (given) => given },
  { config: { scheme: "github", secret: "gh \u00fcnicode secret" }, deliveryId: (given) => given },
  // Random bytes are (almost) never a JSON object with an id, hence null; the JSON case is
  // covered by the stripe tests.
  { config: { scheme: "stripe", secret: "whsec_abc" }, deliveryId: () => null },
  { config: { scheme: "shopify", secret: "shpss_abc" }, deliveryId: (given) => given },
  { config: { scheme: "hmac-sha256", secret: "k" }, deliveryId: () => null },
  {
    config: { scheme: "hmac-sha256", secret: "k", header: "X-Sig", encoding: "base64", prefix: "sha256=" },
    deliveryId: () => null,
  },
];

const bodies = fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((bytes) => Buffer.from(bytes));
const nonEmptyBodies = fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => Buffer.from(bytes));
const deliveryIds = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
// Any clock reading from 2001 to 2286: signing and verifying at the same instant must agree.
const clocks = fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 });

describe.each(
  SIGNED.map(
    (entry) => [entry.config.scheme + (entry.config.header ? ` (${entry.config.header})` : ""), entry] as const,
  ),
)("property: %s", (_name, { config, deliveryId }) => {
  it("signSourceRequest -> verifySource round-trips for random bodies", () => {
    fc.assert(
      fc.property(bodies, deliveryIds, clocks, (body, id, nowMs) => {
        const headers = signSourceRequest(config, body, nowMs, id);
        const result = verifySource(config, headers, body, nowMs);
        const expectedId = config.scheme === "stripe" ? (stripeIdOf(body) ?? null) : deliveryId(id);
        // Only ids the signature covers are marked signed: webhook-id, and Stripe's id in the body.
        const signed = expectedId !== null && (config.scheme === "standard-webhooks" || config.scheme === "stripe");
        expect(result).toEqual({ outcome: "verified", deliveryId: expectedId, deliveryIdSigned: signed });
      }),
      { numRuns: 200 },
    );
  });

  it("flipping any single byte of the body is rejected", () => {
    fc.assert(
      fc.property(nonEmptyBodies, fc.nat(), fc.integer({ min: 1, max: 255 }), (body, position, mask) => {
        const headers = signSourceRequest(config, body, NOW_MS, "id");
        const tampered = Buffer.from(body);
        const index = position % tampered.length;
        tampered[index] = tampered[index]! ^ mask;
        const result = verifySource(config, headers, tampered, NOW_MS);
        expect(result).toMatchObject({ outcome: "rejected", reason: "signature_invalid" });
      }),
      { numRuns: 200 },
    );
  });
});

// Mirrors the documented rule so the property holds even if fast-check generates valid JSON.
function stripeIdOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const id = (parsed as { id?: unknown }).id;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
}
