import type { ClaimedEvent } from "@kapsel/db";
import type { SecretOpener } from "@kapsel/secrets";
import { signStandardWebhook } from "@kapsel/webhook-signatures";

export const USER_AGENT = "Kapsel-Webhooks/1.0";

/**
 * The secrets a delivery is signed with, opened from their sealed form (packages/secrets; the
 * opener caches by sealed text, so this is a map lookup per attempt). During a secret rotation the
 * previous secret signs too, until it expires. Throws SecretsError when a value cannot be opened:
 * a delivery is never signed with anything but the endpoint's real secrets.
 */
export function signingSecrets(event: ClaimedEvent, opener: SecretOpener, nowMs: number): string[] {
  const secrets = [opener.open(event.signingSecret)];
  if (event.previousSigningSecret && (event.previousSigningSecretExpiresAt?.getTime() ?? 0) > nowMs) {
    secrets.push(opener.open(event.previousSigningSecret));
  }
  return secrets;
}

/**
 * Headers of one delivery, signed per the Standard Webhooks spec with `secrets` (signingSecrets).
 * `webhook-id` is the event id, the same on every attempt, so receivers can deduplicate
 * at-least-once deliveries. `kapsel-attempt-id` names the attempt whose receipt proves this very
 * request.
 */
export function outboundHeaders(
  event: ClaimedEvent,
  secrets: string[],
  attemptId: string,
  nowMs: number,
): Record<string, string> {
  return {
    "content-type": event.contentType ?? "application/octet-stream",
    "user-agent": USER_AGENT,
    // Lets the receiver fetch this attempt's receipt later (GET /attestation/receipts/:attempt_id).
    "kapsel-attempt-id": attemptId,
    ...signStandardWebhook({ id: event.id, timestampSeconds: Math.floor(nowMs / 1000), body: event.payload, secrets }),
  };
}
