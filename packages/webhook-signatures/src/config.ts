import type { SourceScheme, SourceVerification } from "./types.ts";
import { SOURCE_SCHEMES } from "./types.ts";
import { decodeWebhookSecret } from "./webhook-secret.ts";

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const DEFAULT_GENERIC_HEADER = "x-signature";

// RFC 9110 token: what a header name may consist of.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A SourceVerification with defaults applied and secrets decoded, one shape per scheme. */
export type ResolvedSource =
  | { scheme: "none" }
  | { scheme: "standard-webhooks"; secret: string; key: Buffer; toleranceSeconds: number }
  | { scheme: "github" | "shopify"; secret: string }
  | { scheme: "stripe"; secret: string; toleranceSeconds: number }
  | { scheme: "hmac-sha256"; secret: string; header: string; encoding: "hex" | "base64"; prefix: string };

export type Resolution = { ok: true; source: ResolvedSource } | { ok: false; problem: string };

/**
 * Applies defaults and checks a stored config. Problems never quote the secret.
 * The config usually comes from the database, so values outside the static types
 * (unknown scheme, null tolerance) are handled instead of trusted.
 */
export function resolveSource(config: SourceVerification): Resolution {
  const scheme: SourceScheme = config.scheme;
  if (!SOURCE_SCHEMES.includes(scheme)) return fail(`unknown scheme ${JSON.stringify(String(scheme))}`);
  if (scheme === "none") return { ok: true, source: { scheme } };

  const secret = config.secret;
  if (typeof secret !== "string" || secret.length === 0) return fail(`scheme ${scheme} needs a secret`);

  switch (scheme) {
    case "standard-webhooks": {
      const toleranceSeconds = resolveTolerance(config.toleranceSeconds);
      if (toleranceSeconds === null) return fail("toleranceSeconds must be a finite number >= 0");
      const key = decodeWebhookSecret(secret);
      if (key === null) return fail('standard-webhooks secret must be "whsec_" followed by non-empty base64');
      return { ok: true, source: { scheme, secret, key, toleranceSeconds } };
    }
    case "stripe": {
      const toleranceSeconds = resolveTolerance(config.toleranceSeconds);
      if (toleranceSeconds === null) return fail("toleranceSeconds must be a finite number >= 0");
      return { ok: true, source: { scheme, secret, toleranceSeconds } };
    }
    case "github":
    case "shopify":
      return { ok: true, source: { scheme, secret } };
    case "hmac-sha256": {
      const header = config.header ?? DEFAULT_GENERIC_HEADER;
      if (!HEADER_NAME.test(header)) return fail("header must be a valid HTTP header name");
      const encoding = config.encoding ?? "hex";
      if (encoding !== "hex" && encoding !== "base64") return fail('encoding must be "hex" or "base64"');
      // Lower-cased once here because Node delivers header names lower-cased.
      return {
        ok: true,
        source: { scheme, secret, header: header.toLowerCase(), encoding, prefix: config.prefix ?? "" },
      };
    }
  }
}

function resolveTolerance(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return DEFAULT_TOLERANCE_SECONDS;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : null;
}

function fail(problem: string): Resolution {
  return { ok: false, problem };
}

/**
 * Checks a source config before it is stored (e.g. by the API when an endpoint is saved), so
 * that misconfiguration surfaces to the tenant instead of as 401s at ingest.
 */
export function validateSourceVerification(config: SourceVerification): { ok: true } | { ok: false; problem: string } {
  const resolution = resolveSource(config);
  return resolution.ok ? { ok: true } : resolution;
}
