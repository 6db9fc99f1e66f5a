import { createHmac } from "node:crypto";
import { decodeBase64Digest, digestMatches } from "./digest.ts";
import { firstHeader } from "./headers.ts";
import { missing, rejected, verified } from "./result.ts";
import { parseUnixSeconds, toleranceProblem } from "./timestamp.ts";
import type { IncomingHeaders, VerificationResult } from "./types.ts";
import { decodeWebhookSecret } from "./webhook-secret.ts";

// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
// Signed content: "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 keyed with the
// base64-decoded secret; "webhook-signature" is a space-separated list of "v1,<base64>".

const STANDARD_NAMES = { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" };
// Svix, where the spec came from, still sends the same scheme under svix-* names (Clerk, Resend, ...).
const SVIX_NAMES = { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" };

function hmacOf(key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer {
  // Fed in parts so the body is never copied into a concatenated string.
  return createHmac("sha256", key).update(id).update(".").update(timestamp).update(".").update(body).digest();
}

export function verifyStandardWebhooks(
  key: Buffer,
  toleranceSeconds: number,
  headers: IncomingHeaders,
  rawBody: Buffer,
  nowMs: number,
): VerificationResult {
  let names = STANDARD_NAMES;
  let id = firstHeader(headers, names.id);
  let timestamp = firstHeader(headers, names.timestamp);
  let signatures = firstHeader(headers, names.signature);
  if (id === undefined && timestamp === undefined && signatures === undefined) {
    names = SVIX_NAMES;
    id = firstHeader(headers, names.id);
    timestamp = firstHeader(headers, names.timestamp);
    signatures = firstHeader(headers, names.signature);
  }
  if (signatures === undefined) return missing(names.signature);
  if (id === undefined) return missing(names.id);
  if (timestamp === undefined) return missing(names.timestamp);

  const timestampSeconds = parseUnixSeconds(timestamp);
  if (timestampSeconds === null) return rejected("signature_invalid", `${names.timestamp} is not unix seconds`);

  // Signature before timestamp: "timestamp_out_of_tolerance" then only ever describes an
  // authentic but stale (or replayed) message, never a forgery.
  const expected = hmacOf(key, id, timestamp, rawBody);
  let sawV1 = false;
  for (const entry of signatures.split(" ")) {
    // Other versions (e.g. "v1a", asymmetric) are skipped, as the spec requires.
    if (!entry.startsWith("v1,")) continue;
    sawV1 = true;
    if (digestMatches(expected, decodeBase64Digest(entry.slice(3)))) {
      const problem = toleranceProblem(names.timestamp, timestampSeconds, nowMs, toleranceSeconds);
      return problem === null ? verified(id, true) : rejected("timestamp_out_of_tolerance", problem);
    }
  }
  return rejected(
    "signature_invalid",
    sawV1 ? `no v1 signature in ${names.signature} matches` : `${names.signature} has no v1 signature`,
  );
}

export interface StandardWebhookInput {
  id: string;
  timestampSeconds: number;
  body: Buffer | string;
  /** Several secrets during a rotation: one "v1," signature is emitted per secret. */
  secrets: readonly string[];
}

// A type alias, not an interface, so it is assignable to Record<string, string> (fetch headers).
export type StandardWebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/**
 * Signs an outbound (Kapsel -> receiver) message per the Standard Webhooks spec.
 * Throws TypeError on programmer errors (no secrets, a malformed secret, an empty id or a
 * non-integer timestamp): the result type has no room for failure and sending an unsigned
 * or unverifiable message must not happen silently. Errors never quote the secret.
 */
export function signStandardWebhook(input: StandardWebhookInput): StandardWebhookHeaders {
  const { id, timestampSeconds, body, secrets } = input;
  if (id.length === 0) throw new TypeError("signStandardWebhook: id must be non-empty");
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new TypeError("signStandardWebhook: timestampSeconds must be a non-negative integer");
  }
  if (secrets.length === 0) throw new TypeError("signStandardWebhook: at least one secret is required");
  const timestamp = String(timestampSeconds);
  const signatures: string[] = [];
  for (let i = 0; i < secrets.length; i++) {
    const key = decodeWebhookSecret(secrets[i]!);
    if (key === null) throw new TypeError(`signStandardWebhook: secrets[${i}] is not a "whsec_<base64>" secret`);
    signatures.push(`v1,${hmacOf(key, id, timestamp, body).toString("base64")}`);
  }
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signatures.join(" ") };
}
