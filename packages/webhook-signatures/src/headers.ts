import type { IncomingHeaders } from "./types.ts";

/**
 * First value of a header, or undefined when absent or blank.
 * `lowerName` must be lower-case: Node lower-cases incoming header names, so a direct lookup
 * is enough. Repeated headers (string[], e.g. from `headersDistinct`) use the first value.
 */
export function firstHeader(headers: IncomingHeaders, lowerName: string): string | undefined {
  const raw = headers[lowerName];
  const value = typeof raw === "string" ? raw : Array.isArray(raw) ? raw[0] : undefined;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}
