// Public surface of @kapsel/webhook-signatures: inbound source verification (ingest) and
// outbound Standard Webhooks signing (delivery). Explicit names only, so what is public is
// a deliberate choice.
export { validateSourceVerification } from "./config.ts";
export { signSourceRequest } from "./sign.ts";
export { type StandardWebhookHeaders, type StandardWebhookInput, signStandardWebhook } from "./standard-webhooks.ts";
export {
  type IncomingHeaders,
  type RejectionReason,
  SOURCE_SCHEMES,
  type SourceScheme,
  type SourceVerification,
  type VerificationResult,
} from "./types.ts";
export { verifySource } from "./verify.ts";
export { generateWebhookSecret } from "./webhook-secret.ts";
