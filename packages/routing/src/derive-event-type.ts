import type { IncomingHeaders, SourceScheme } from "@kapsel/webhook-signatures";
import {
  isReservedEventTypeName,
  isValidEventTypeName,
  isValidEventTypeSegment,
  UNKNOWN_EVENT_TYPE,
} from "./event-type-name.ts";
import { resolvePointer, validateTypePointer } from "./json-pointer.ts";
import { type LazyPayload, lazyJsonPayload } from "./lazy-payload.ts";

/**
 * How an inbound event gets its type, per source scheme (docs/routing.md, "How each source
 * scheme's events get their type"):
 * - github: `X-GitHub-Event`, plus `.` + the payload's `action` when the JSON body has a string
 *   `action` (`issues` + `opened` -> `issues.opened`; `push` has none -> `push`).
 * - stripe, standard-webhooks: the payload's top-level `type`.
 * - shopify: `X-Shopify-Topic` with `/` mapped to `.` (`orders/create` -> `orders.create`).
 * - hmac-sha256, none (generic): the source's `typeHeader` when the request has it, else the
 *   source's `typePointer` into the JSON body.
 * Anything missing, not a string, not JSON or not a valid type name gives `unknown`.
 */

export interface EventTypeSettings {
  scheme: SourceScheme;
  /** Generic schemes only: request header carrying the type (any case; matched lower-cased). */
  typeHeader?: string | null;
  /** Generic schemes only: RFC 6901 pointer to the type in the JSON body, e.g. `/event`. */
  typePointer?: string | null;
}

export interface DeriveEventTypeInput extends EventTypeSettings {
  /** Node's incoming headers: lower-case names. */
  headers: IncomingHeaders;
  /**
   * The raw body, or a LazyPayload over it: pass the same LazyPayload to matchSubscriptions
   * so the body is parsed at most once for both (and only if a rule or filter needs it).
   */
  body: Uint8Array | LazyPayload;
}

export type DerivedEventType =
  | { outcome: "derived"; type: string; from: "header" | "payload" | "header+payload" }
  /** reason is safe to log: it names what was missing, never the request's content. */
  | { outcome: "unknown"; type: typeof UNKNOWN_EVENT_TYPE; reason: string };

/**
 * Never throws, whatever the headers and body hold. A sender cannot give its events a `kapsel.*`
 * type: those are Kapsel's operational events, which `kapsel.*` subscribers trust to come from
 * Kapsel (the system source), so such a type becomes `unknown`.
 */
export function deriveEventType(input: DeriveEventTypeInput): DerivedEventType {
  const derived = deriveBySchemeRule(input);
  if (derived.outcome === "derived" && isReservedEventTypeName(derived.type)) {
    return unknown("the type is in the namespace reserved for Kapsel's operational events");
  }
  return derived;
}

function deriveBySchemeRule(input: DeriveEventTypeInput): DerivedEventType {
  const payload = input.body instanceof Uint8Array ? lazyJsonPayload(input.body) : input.body;
  switch (input.scheme) {
    case "github":
      return fromGitHub(input.headers, payload);
    case "stripe":
    case "standard-webhooks":
      return fromPayloadField(payload, "type");
    case "shopify":
      return fromShopify(input.headers);
    case "hmac-sha256":
    case "none":
      return fromGenericSettings(input, payload);
    default:
      return unknown("the source scheme has no type rule");
  }
}

function fromGitHub(headers: IncomingHeaders, payload: LazyPayload): DerivedEventType {
  const event = firstHeader(headers, "x-github-event");
  if (event === undefined) return unknown("the X-GitHub-Event header is missing");
  if (!isValidEventTypeName(event)) return unknown("the X-GitHub-Event header is not a valid event type name");
  const body = payload.value();
  const action = isPlainObject(body) && Object.hasOwn(body, "action") ? body.action : undefined;
  // GitHub sends form-encoded bodies when a hook is set up that way: no JSON, no action, the
  // header alone still names the event.
  if (typeof action !== "string") return { outcome: "derived", type: event, from: "header" };
  const type = `${event}.${action}`;
  if (!isValidEventTypeSegment(action) || !isValidEventTypeName(type)) {
    return unknown("the payload's action is not a valid event type segment");
  }
  return { outcome: "derived", type, from: "header+payload" };
}

function fromShopify(headers: IncomingHeaders): DerivedEventType {
  const topic = firstHeader(headers, "x-shopify-topic");
  if (topic === undefined) return unknown("the X-Shopify-Topic header is missing");
  const type = topic.replaceAll("/", ".");
  if (!isValidEventTypeName(type)) return unknown("the X-Shopify-Topic header is not a valid event type name");
  return { outcome: "derived", type, from: "header" };
}

function fromPayloadField(payload: LazyPayload, field: string): DerivedEventType {
  const body = payload.value();
  if (body === undefined) return unknown("the body is not JSON");
  if (!isPlainObject(body) || !Object.hasOwn(body, field)) return unknown(`the payload has no top-level "${field}"`);
  const value = body[field];
  if (typeof value !== "string") return unknown(`the payload's "${field}" is not a string`);
  if (!isValidEventTypeName(value)) return unknown(`the payload's "${field}" is not a valid event type name`);
  return { outcome: "derived", type: value, from: "payload" };
}

function fromGenericSettings(settings: DeriveEventTypeInput, payload: LazyPayload): DerivedEventType {
  const headerName = settings.typeHeader?.trim().toLowerCase();
  if (headerName) {
    const value = firstHeader(settings.headers, headerName);
    if (value !== undefined) {
      if (!isValidEventTypeName(value)) return unknown("the type header is not a valid event type name");
      return { outcome: "derived", type: value, from: "header" };
    }
  }
  if (settings.typePointer) {
    const pointer = validateTypePointer(settings.typePointer);
    if (!pointer.ok) return unknown("the source's type pointer setting is invalid");
    const body = payload.value();
    if (body === undefined) return unknown("the body is not JSON");
    const value = resolvePointer(body, pointer.segments);
    if (value === undefined) return unknown("the type pointer finds nothing in the payload");
    if (typeof value !== "string") return unknown("the value at the type pointer is not a string");
    if (!isValidEventTypeName(value)) return unknown("the value at the type pointer is not a valid event type name");
    return { outcome: "derived", type: value, from: "payload" };
  }
  if (headerName) return unknown("the type header is missing");
  return unknown("the source has no type header or type pointer setting");
}

function unknown(reason: string): DerivedEventType {
  return { outcome: "unknown", type: UNKNOWN_EVENT_TYPE, reason };
}

/** First value of a header, trimmed; undefined when absent or blank. Names must be lower-case. */
function firstHeader(headers: IncomingHeaders, lowerName: string): string | undefined {
  if (!Object.hasOwn(headers, lowerName)) return undefined;
  const raw = headers[lowerName];
  const value = typeof raw === "string" ? raw : Array.isArray(raw) ? raw[0] : undefined;
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const MAX_TYPE_HEADER_LENGTH = 256;

export type TypeHeaderResult = { ok: true; header: string } | { ok: false; message: string };

/** Validates a source's `typeHeader` setting (an HTTP field name) and returns it lower-cased. */
export function validateTypeHeader(name: unknown): TypeHeaderResult {
  if (typeof name !== "string") return { ok: false, message: "a header name must be a string" };
  const trimmed = name.trim();
  if (trimmed === "") return { ok: false, message: "the header name is empty; leave the setting unset instead" };
  if (trimmed.length > MAX_TYPE_HEADER_LENGTH) {
    return { ok: false, message: `a header name has at most ${MAX_TYPE_HEADER_LENGTH} characters` };
  }
  if (!HEADER_NAME.test(trimmed)) return { ok: false, message: "a header name may only contain HTTP token characters" };
  return { ok: true, header: trimmed.toLowerCase() };
}
