import { randomUUID } from "node:crypto";
import { resolveSource } from "./config.ts";
import { signGenericHmac } from "./generic-hmac.ts";
import { signGithub } from "./github.ts";
import { signShopify } from "./shopify.ts";
import { signStandardWebhook } from "./standard-webhooks.ts";
import { signStripe } from "./stripe.ts";
import type { SourceVerification } from "./types.ts";

/**
 * The headers a real source using `config` would send with `rawBody` at `nowMs`, lower-case
 * names, ready for fetch/curl or for verifySource. For tests, benchmarks and the demo.
 *
 * `deliveryId` becomes the scheme's id header (webhook-id, X-GitHub-Delivery,
 * X-Shopify-Webhook-Id); when omitted a random UUID is used so repeated sends are not
 * replays. Stripe and hmac-sha256 carry no id header, so it is ignored there (Stripe's id
 * lives in the body). Throws TypeError on a config verifySource would reject as
 * misconfigured: that is a bug in the caller, not a request outcome.
 */
export function signSourceRequest(
  config: SourceVerification,
  rawBody: Buffer,
  nowMs: number,
  deliveryId?: string,
): Record<string, string> {
  const resolution = resolveSource(config);
  if (!resolution.ok) throw new TypeError(`signSourceRequest: ${resolution.problem}`);
  const source = resolution.source;
  switch (source.scheme) {
    case "none":
      return {};
    case "standard-webhooks":
      return signStandardWebhook({
        id: deliveryId ?? `msg_${randomUUID()}`,
        timestampSeconds: Math.floor(nowMs / 1000),
        body: rawBody,
        secrets: [source.secret],
      });
    case "github":
      return signGithub(source.secret, rawBody, deliveryId ?? randomUUID());
    case "stripe":
      return signStripe(source.secret, rawBody, nowMs);
    case "shopify":
      return signShopify(source.secret, rawBody, deliveryId ?? randomUUID());
    case "hmac-sha256":
      return signGenericHmac(source, rawBody);
  }
}
