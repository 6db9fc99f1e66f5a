import type { IngestEndpoint } from "@kapsel/db";
import type { SecretOpener } from "@kapsel/secrets";
import { type IncomingHeaders, type VerificationResult, verifySource } from "@kapsel/webhook-signatures";

/** A verification result; `withPreviousSecret` marks one that only the previous source secret verified. */
export type IngestVerification = VerificationResult & { withPreviousSecret?: true };

/**
 * Authenticates an ingest request against the endpoint's source secret and, during a rotation's
 * overlap window (rotateEndpointSecret kind SOURCE with graceHours), against the secret it replaced:
 * only when the current secret's signature does not match and the previous secret has not expired
 * at `nowMs`. A valid current signature costs what it did before the overlap existed (the previous
 * secret is not even opened); a missing signature or a stale timestamp under the current secret
 * keeps its answer. Throws SecretsError when a sealed secret it needs cannot be opened (the caller
 * refuses the request rather than verify with anything else).
 */
export function verifyIngestSource(
  endpoint: IngestEndpoint,
  headers: IncomingHeaders,
  body: Buffer,
  nowMs: number,
  secrets: SecretOpener,
): IngestVerification {
  const current = verifyWith(endpoint, endpoint.sourceSecret, headers, body, nowMs, secrets);
  if (current.outcome === "verified" || current.reason !== "signature_invalid") return current;
  const previous = endpoint.previousSourceSecret;
  const expiresAt = endpoint.previousSourceSecretExpiresAt;
  if (previous === null || expiresAt === null || expiresAt.getTime() <= nowMs) return current;
  const fallback = verifyWith(endpoint, previous, headers, body, nowMs, secrets);
  if (fallback.outcome === "verified") return { ...fallback, withPreviousSecret: true };
  // Signed with the previous secret but stale: that is the more precise answer (E1006).
  return fallback.reason === "timestamp_out_of_tolerance" ? fallback : current;
}

function verifyWith(
  endpoint: IngestEndpoint,
  sealed: string | null,
  headers: IncomingHeaders,
  body: Buffer,
  nowMs: number,
  secrets: SecretOpener,
): VerificationResult {
  return verifySource(
    {
      scheme: endpoint.sourceScheme,
      secret: sealed === null ? null : secrets.open(sealed),
      header: endpoint.sourceHeader,
      encoding: endpoint.sourceEncoding,
      prefix: endpoint.sourcePrefix,
      toleranceSeconds: endpoint.sourceToleranceSeconds,
    },
    headers,
    body,
    nowMs,
  );
}
