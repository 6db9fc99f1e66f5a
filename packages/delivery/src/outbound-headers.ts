import type { ClaimedEvent } from "@kapsel/db";
import { signStandardWebhook } from "@kapsel/webhook-signatures";

export const USER_AGENT = "Kapsel-Webhooks/1.0";

/**
 * Headers of one delivery, signed per the Standard Webhooks spec. `webhook-id` is the event id, the
 * same on every attempt, so receivers can deduplicate at-least-once deliveries. During a secret
 * rotation the previous secret signs too, until it expires. `kapsel-attempt-id` names the attempt
 * whose receipt proves this very request.
 */
export function outboundHeaders(event: ClaimedEvent, attemptId: string, nowMs: number): Record<string, string> {
  const secrets = [event.signingSecret];
  if (event.previousSigningSecret && (event.previousSigningSecretExpiresAt?.getTime() ?? 0) > nowMs) {
    secrets.push(event.previousSigningSecret);
  }
  return {
    "content-type": event.contentType ?? "application/octet-stream",
    "user-agent": USER_AGENT,
    // Lets the receiver fetch this attempt's receipt later (GET /attestation/receipts/:attempt_id).
    "kapsel-attempt-id": attemptId,
    ...signStandardWebhook({ id: event.id, timestampSeconds: Math.floor(nowMs / 1000), body: event.payload, secrets }),
  };
}
