import type { IncomingHttpHeaders } from "node:http";
import type { IngestSource } from "@kapsel/db";
import { deriveEventType, type LazyPayload } from "@kapsel/routing";

/**
 * The type an inbound event is stored with, by its source's scheme (docs/routing.md, "How each
 * source scheme's events get their type"); `unknown` when it cannot be derived. Derived once per
 * request, after verification (an unverified request is never parsed). The body is reached through
 * `payload`, so it is parsed only when the scheme's rule needs it, and at most once for everything
 * that shares the same LazyPayload (subscription filters, later).
 */
export function ingestEventType(source: IngestSource, headers: IncomingHttpHeaders, payload: LazyPayload): string {
  return deriveEventType({
    scheme: source.scheme,
    typeHeader: source.typeHeader,
    typePointer: source.typePointer,
    headers,
    body: payload,
  }).type;
}
