import type { IncomingHttpHeaders } from "node:http";

// Credentials and connection mechanics are not part of the webhook; everything else is kept so
// that operators can see what the source sent.
const DROPPED = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "expect",
  "upgrade",
]);

/** JSON text of the request headers worth storing with the event. */
export function storedHeadersJson(headers: IncomingHttpHeaders): string {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED.has(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return JSON.stringify(kept);
}
