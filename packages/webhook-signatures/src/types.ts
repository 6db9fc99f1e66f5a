/** Inbound signature schemes a source (the party POSTing to Kapsel's ingest) can use. */
export type SourceScheme = "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";

/** Every scheme, in a stable order (for config validation, UI pickers and exhaustive tests). */
export const SOURCE_SCHEMES: readonly SourceScheme[] = Object.freeze([
  "none",
  "standard-webhooks",
  "github",
  "stripe",
  "shopify",
  "hmac-sha256",
]);

/** Per-endpoint source authentication settings, as stored with the endpoint. */
export interface SourceVerification {
  scheme: SourceScheme;
  /** Required unless scheme === "none"; standard-webhooks secrets are "whsec_<base64>". */
  secret: string | null;
  /** hmac-sha256 only: header carrying the signature (case-insensitive); default "x-signature". */
  header?: string | null;
  /** hmac-sha256 only; default "hex". */
  encoding?: "hex" | "base64" | null;
  /** hmac-sha256 only: optional literal prefix before the signature, e.g. "sha256=". */
  prefix?: string | null;
  /** Schemes with a timestamp (standard-webhooks, stripe); default 300. */
  toleranceSeconds?: number;
}

/** Node's IncomingHttpHeaders shape: lower-case keys. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

export type RejectionReason = "signature_missing" | "signature_invalid" | "timestamp_out_of_tolerance";

export type VerificationResult =
  /**
   * deliveryId is the scheme's own message id, used as an idempotency key; null if it has none.
   * deliveryIdSigned: the signature covers it (Standard Webhooks signs `webhook-id`, Stripe's id is
   * in the signed body), so a replayed request cannot change it; GitHub's and Shopify's id headers
   * are not signed.
   */
  | { outcome: "verified"; deliveryId: string | null; deliveryIdSigned: boolean }
  /** detail is safe to log and to return to the caller: it never contains a secret or an expected signature. */
  | { outcome: "rejected"; reason: RejectionReason; detail: string };
