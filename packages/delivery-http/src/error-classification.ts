import type { DeliveryErrorClass } from "@kapsel/core";

/**
 * Maps what Node, OpenSSL and undici report about a failed request onto the delivery error
 * taxonomy. Only codes are trusted for the class; the message kept is the error's own text,
 * which for these sources names addresses and ports, never request headers or bodies (the
 * sender additionally redacts header values from it).
 */

export interface ClassifiedError {
  readonly errorClass: DeliveryErrorClass;
  readonly message: string;
}

const MAX_MESSAGE_LENGTH = 300;

const CODE_CLASSES: Readonly<Record<string, DeliveryErrorClass>> = {
  ERR_KAPSEL_SSRF_BLOCKED: "ssrf_blocked",
  ERR_KAPSEL_RESPONSE_TIMEOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ETIMEDOUT: "timeout",
  ECONNREFUSED: "connect_refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_FAIL: "dns",
  EAI_NODATA: "dns",
  EAI_NONAME: "dns",
  ECONNRESET: "reset",
  ECONNABORTED: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset", // "other side closed": the peer ended the connection mid-exchange
  ERR_INVALID_URL: "invalid_url",
};

// Certificate verification failures carry OpenSSL's X509 names; handshake failures ERR_SSL_*.
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$)/;

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly name?: unknown;
  readonly library?: unknown;
  readonly reason?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/** The error, its causes and, for AggregateError (Happy Eyeballs tried several addresses), its members. */
function links(error: unknown, depth = 0): ErrorLike[] {
  if (typeof error !== "object" || error === null || depth > 3) return [];
  const e = error as ErrorLike;
  const nested = Array.isArray(e.errors) ? e.errors : [];
  return [e, ...links(e.cause, depth + 1), ...nested.flatMap((n: unknown) => links(n, depth + 1))];
}

function classOf(link: ErrorLike): DeliveryErrorClass | undefined {
  const code = typeof link.code === "string" ? link.code : "";
  const known = CODE_CLASSES[code];
  if (known) return known;
  if (TLS_CODE.test(code) || link.library === "SSL routines") return "tls";
  return undefined;
}

function describe(link: ErrorLike | undefined): string {
  if (!link) return "unknown error";
  const code = typeof link.code === "string" ? link.code : "";
  const name = typeof link.name === "string" ? link.name : "Error";
  let text = typeof link.message === "string" && link.message.trim() !== "" ? link.message.trim() : name;
  // OpenSSL messages are "<hex>:error:<hex>:SSL routines:<fn>:<reason>:<file>:<line>:"; keep the reason.
  if (typeof link.library === "string" && typeof link.reason === "string") text = `${link.library}: ${link.reason}`;
  text = text.split("\n")[0] ?? text;
  return code !== "" && !text.includes(code) ? `${text} (${code})` : text;
}

export function classifyNetworkError(error: unknown): ClassifiedError {
  const chain = links(error);
  for (const link of chain) {
    const errorClass = classOf(link);
    if (errorClass) return { errorClass, message: describe(link) };
  }
  return { errorClass: "other", message: describe(chain[0] ?? { message: String(error) }) };
}

/**
 * Makes a message safe to store: request header values (signatures, tokens) are redacted before
 * the length cap, so no prefix of a secret survives a cut. Short values are too common to matter.
 */
export function sanitizeMessage(message: string, headers: Readonly<Record<string, string>>): string {
  let out = message;
  for (const value of Object.values(headers)) {
    if (value.length >= 8) out = out.split(value).join("[redacted]");
  }
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : out;
}
