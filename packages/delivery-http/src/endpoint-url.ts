import { SSRF_BLOCK_REASON_TEXT, type SsrfBlockReason } from "./address-ranges.ts";
import { normalizeHostname } from "./allow-entry.ts";
import { normalizeIp } from "./ip-address.ts";
import { checkAddress, isHostnameAllowListed, type SsrfPolicy } from "./ssrf-policy.ts";

/**
 * Checks an endpoint URL when it is created (and again before every delivery). Only what the
 * URL itself shows is judged here; names that resolve to internal addresses are refused at
 * connect time by the guarded DNS lookup.
 */

export const MAX_ENDPOINT_URL_LENGTH = 2048;

export type EndpointUrlProblem =
  | "too_long"
  | "malformed"
  | "unsupported_scheme"
  | "credentials"
  | "missing_host"
  | "blocked_address"
  | "blocked_hostname";

export type EndpointUrlResult =
  | {
      readonly ok: true;
      /** The URL as the WHATWG parser normalises it (`http://0x7f.1` becomes `http://127.0.0.1/`). */
      readonly href: string;
      /** Host without brackets or trailing dot, lower-cased. */
      readonly hostname: string;
      /** The port connected to: the URL's own, else 80 for http and 443 for https. */
      readonly port: number;
    }
  | {
      readonly ok: false;
      readonly reason: EndpointUrlProblem;
      readonly message: string;
      /** Set when `reason` is `blocked_address`. */
      readonly blockReason?: SsrfBlockReason;
    };

/**
 * Names that by standard or convention point inside the network (RFC 6761 `localhost`,
 * RFC 6762 `.local`, RFC 8375 `.home.arpa`, ICANN's private-use `.internal`, where cloud
 * metadata lives as `metadata.google.internal`).
 */
const INTERNAL_SUFFIXES = ["internal", "local", "localdomain", "home.arpa"];

function refuse(reason: EndpointUrlProblem, message: string, blockReason?: SsrfBlockReason): EndpointUrlResult {
  return blockReason === undefined ? { ok: false, reason, message } : { ok: false, reason, message, blockReason };
}

function isLocalhostName(name: string): boolean {
  return name === "localhost" || name.endsWith(".localhost");
}

function checkHostname(name: string, port: number, policy: SsrfPolicy): EndpointUrlResult | undefined {
  if (isHostnameAllowListed(policy, name, port)) return undefined;
  if (isLocalhostName(name)) {
    // RFC 6761: localhost names always resolve to loopback, so they follow the loopback rule.
    if (checkAddress(policy, "127.0.0.1", port).allowed || checkAddress(policy, "::1", port).allowed) return undefined;
    return refuse("blocked_hostname", `"${name}" is a loopback name; loopback destinations are not allowed`);
  }
  const suffix = INTERNAL_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix !== undefined) {
    return refuse("blocked_hostname", `"${name}" is an internal name (.${suffix}); allow-list it to deliver there`);
  }
  if (!name.includes(".")) {
    // Single-label names are completed by resolver search domains (`metadata` -> the metadata server).
    return refuse("blocked_hostname", `"${name}" is a single-label name; use a fully qualified hostname`);
  }
  return undefined;
}

export function validateEndpointUrl(url: string, policy: SsrfPolicy): EndpointUrlResult {
  if (url.length > MAX_ENDPOINT_URL_LENGTH) {
    return refuse("too_long", `URL is ${url.length} characters; the limit is ${MAX_ENDPOINT_URL_LENGTH}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse("malformed", "not a valid absolute URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return refuse("unsupported_scheme", `scheme "${parsed.protocol.slice(0, -1)}" is not allowed; use http or https`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // Credentials in the URL would be stored, logged and attested in clear; use headers instead.
    return refuse("credentials", "URLs with user:password@ credentials are not allowed");
  }
  if (parsed.hostname === "") return refuse("missing_host", "URL has no host");
  // The parser drops a port equal to the scheme's default, so "" means 80 or 443.
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);

  const ip = normalizeIp(parsed.hostname);
  if (ip) {
    const verdict = checkAddress(policy, ip.address, port);
    if (!verdict.allowed) {
      return refuse("blocked_address", `${ip.address} is ${SSRF_BLOCK_REASON_TEXT[verdict.reason]}`, verdict.reason);
    }
    return { ok: true, href: parsed.href, hostname: ip.address, port };
  }
  const hostname = normalizeHostname(parsed.hostname);
  return checkHostname(hostname, port, policy) ?? { ok: true, href: parsed.href, hostname, port };
}
