import { resolveSource } from "./config.ts";
import { verifyGenericHmac } from "./generic-hmac.ts";
import { verifyGithub } from "./github.ts";
import { rejected, verified } from "./result.ts";
import { verifyShopify } from "./shopify.ts";
import { verifyStandardWebhooks } from "./standard-webhooks.ts";
import { verifyStripe } from "./stripe.ts";
import type { IncomingHeaders, SourceVerification, VerificationResult } from "./types.ts";

/**
 * Authenticates an inbound request against its endpoint's source config.
 * Pure: no I/O, time comes in as `nowMs`, and it never throws for bad input. A config that
 * cannot be used (e.g. missing secret) fails closed as signature_invalid with a detail that
 * starts with "source verification misconfigured"; callers can pre-check configs with
 * validateSourceVerification.
 */
export function verifySource(
  config: SourceVerification,
  headers: IncomingHeaders,
  rawBody: Buffer,
  nowMs: number,
): VerificationResult {
  const resolution = resolveSource(config);
  if (!resolution.ok) return rejected("signature_invalid", `source verification misconfigured: ${resolution.problem}`);
  const source = resolution.source;
  switch (source.scheme) {
    case "none":
      return verified(null);
    case "standard-webhooks":
      return verifyStandardWebhooks(source.key, source.toleranceSeconds, headers, rawBody, nowMs);
    case "github":
      return verifyGithub(source.secret, headers, rawBody);
    case "stripe":
      return verifyStripe(source.secret, source.toleranceSeconds, headers, rawBody, nowMs);
    case "shopify":
      return verifyShopify(source.secret, headers, rawBody);
    case "hmac-sha256":
      return verifyGenericHmac(source, headers, rawBody);
  }
}
