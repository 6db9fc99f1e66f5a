import type { ClaimedDelivery } from "@kapsel/db";
import type { SecretOpener } from "@kapsel/secrets";
import { signStandardWebhook } from "@kapsel/webhook-signatures";

export const USER_AGENT = "Kapsel-Webhooks/1.0";

/**
 * The secrets a delivery is signed with, opened from their sealed form (packages/secrets; the
 * opener caches by sealed text, so this is a map lookup per attempt). During a secret rotation the
 * previous secret signs too, until it expires. Throws SecretsError when a value cannot be opened:
 * a delivery is never signed with anything but the endpoint's real secrets.
 */
export function signingSecrets(delivery: ClaimedDelivery, opener: SecretOpener, nowMs: number): string[] {
  const secrets = [opener.open(delivery.signingSecret)];
  if (delivery.previousSigningSecret && (delivery.previousSigningSecretExpiresAt?.getTime() ?? 0) > nowMs) {
    secrets.push(opener.open(delivery.previousSigningSecret));
  }
  return secrets;
}

/**
 * Headers of one delivery, signed per the Standard Webhooks spec with `secrets` (signingSecrets).
 * `webhook-id` is the event id (not the delivery's), the same on every attempt, so receivers can
 * deduplicate at-least-once deliveries. `kapsel-attempt-id` names the attempt whose receipt proves this very
 * request.
 */
export function outboundHeaders(
  delivery: ClaimedDelivery,
  secrets: string[],
  attemptId: string,
  nowMs: number,
): Record<string, string> {
  return {
    "content-type": delivery.contentType ?? "application/octet-stream",
    "user-agent": USER_AGENT,
    // Lets the receiver fetch this attempt's receipt later (GET /attestation/receipts/:attempt_id).
    "kapsel-attempt-id": attemptId,
    ...signStandardWebhook({
      id: delivery.eventId,
      timestampSeconds: Math.floor(nowMs / 1000),
      body: delivery.payload,
      secrets,
    }),
  };
}
