/** The console's settings, read from the environment on the server (docs/console.md). */

const DEFAULT_API_URL = "http://127.0.0.1:3100";

/** Base URL of the Kapsel API process, without a trailing slash. */
export function apiBaseUrl(): string {
  const raw = process.env.KAPSEL_API_URL?.trim();
  return (raw && raw.length > 0 ? raw : DEFAULT_API_URL).replace(/\/+$/, "");
}

export function apiGraphqlUrl(): string {
  return `${apiBaseUrl()}/graphql`;
}

/** The API's WebSocket URL for graphql-ws subscriptions (same path as HTTP GraphQL). */
export function apiGraphqlWebSocketUrl(): string {
  return apiGraphqlUrl().replace(/^http/, "ws");
}

/**
 * The pinned verifier keys of the attestation log (CONSOLE_LOG_VERIFIER_KEYS, comma-separated).
 * Empty when unset: receipts are then checked against their own keys, with a visible warning.
 */
export function pinnedVerifierKeys(): string[] {
  return parseVerifierKeyList(process.env.CONSOLE_LOG_VERIFIER_KEYS);
}

export function parseVerifierKeyList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}
