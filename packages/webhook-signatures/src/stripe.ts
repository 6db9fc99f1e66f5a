import { createHmac } from "node:crypto";
import { decodeHexDigest, digestMatches } from "./digest.ts";
import { firstHeader } from "./headers.ts";
import { missing, rejected, verified } from "./result.ts";
import { parseUnixSeconds, toleranceProblem } from "./timestamp.ts";
import type { IncomingHeaders, VerificationResult } from "./types.ts";

// https://docs.stripe.com/webhooks#verify-manually
// "Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...][,v0=<hex>]", where v1 is
// HMAC-SHA256(secret as UTF-8, "<t>.<body>"). Several v1 entries appear while a secret is
// being rolled; v0 is a test-mode legacy scheme and is ignored, as Stripe's libraries do.

const SIGNATURE_HEADER = "stripe-signature";

function hmacOf(secret: string, timestamp: string, body: Buffer): Buffer {
  return createHmac("sha256", secret).update(timestamp).update(".").update(body).digest();
}

export function verifyStripe(
  secret: string,
  toleranceSeconds: number,
  headers: IncomingHeaders,
  rawBody: Buffer,
  nowMs: number,
): VerificationResult {
  const header = firstHeader(headers, SIGNATURE_HEADER);
  if (header === undefined) return missing(SIGNATURE_HEADER);

  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of header.split(",")) {
    if (item.startsWith("t=")) {
      // Two timestamps would make "which one was signed" ambiguous; refuse rather than guess.
      if (timestamp !== undefined) return rejected("signature_invalid", `${SIGNATURE_HEADER} has more than one t=`);
      timestamp = item.slice(2);
    } else if (item.startsWith("v1=")) {
      signatures.push(item.slice(3));
    }
  }
  if (timestamp === undefined) return rejected("signature_invalid", `${SIGNATURE_HEADER} has no t= timestamp`);
  const timestampSeconds = parseUnixSeconds(timestamp);
  if (timestampSeconds === null) return rejected("signature_invalid", `${SIGNATURE_HEADER} t= is not unix seconds`);
  if (signatures.length === 0) return rejected("signature_invalid", `${SIGNATURE_HEADER} has no v1= signature`);

  // Signature first, then timestamp, like Stripe's libraries: a stale verdict then always
  // refers to an authentic message.
  const expected = hmacOf(secret, timestamp, rawBody);
  if (!signatures.some((signature) => digestMatches(expected, decodeHexDigest(signature)))) {
    return rejected("signature_invalid", `no v1 signature in ${SIGNATURE_HEADER} matches`);
  }
  const problem = toleranceProblem(`${SIGNATURE_HEADER} t=`, timestampSeconds, nowMs, toleranceSeconds);
  if (problem !== null) return rejected("timestamp_out_of_tolerance", problem);
  return verified(stripeEventId(rawBody), true);
}

/**
 * Stripe has no id header: the event id ("evt_...") is the top-level `id` of the JSON body.
 * Only called after the signature verified, so unauthenticated bodies are never parsed.
 */
function stripeEventId(rawBody: Buffer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const id: unknown = (parsed as Record<string, unknown>).id;
  return typeof id === "string" && id.length > 0 ? id : null;
}

export function signStripe(secret: string, rawBody: Buffer, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { [SIGNATURE_HEADER]: `t=${timestamp},v1=${hmacOf(secret, timestamp, rawBody).toString("hex")}` };
}
