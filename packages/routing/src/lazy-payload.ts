/**
 * An event's payload, parsed from its raw body at most once and only when someone asks:
 * type derivation and payload filters share one instance, so an event whose rule and
 * subscriptions need no payload is never parsed, and one that needs it is parsed once.
 */
export interface LazyPayload {
  /** The parsed JSON body, or undefined when the body is not JSON (or not UTF-8, or empty). */
  value(): unknown;
}

// fatal: a body that is not valid UTF-8 is not JSON (RFC 8259 section 8.1), instead of
// being parsed with replacement characters. The decoder also drops a leading BOM.
const decoder = new TextDecoder("utf-8", { fatal: true });

const NOT_PARSED = Symbol("not parsed");

class JsonBodyPayload implements LazyPayload {
  private parsed: unknown = NOT_PARSED;
  constructor(private readonly body: Uint8Array) {}

  value(): unknown {
    if (this.parsed === NOT_PARSED) this.parsed = parseJsonBody(this.body);
    return this.parsed;
  }
}

/** A lazy payload over a raw request body. */
export function lazyJsonPayload(body: Uint8Array): LazyPayload {
  return new JsonBodyPayload(body);
}

/** A payload that is already parsed (the publish API receives it as JSON). */
export function parsedPayload(value: unknown): LazyPayload {
  return { value: () => value };
}

/** JSON.parse that never throws: undefined for anything that is not a UTF-8 JSON text. */
export function parseJsonBody(body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(body));
  } catch {
    // SyntaxError for non-JSON, TypeError for invalid UTF-8, RangeError if nesting ever
    // exhausted the stack: all mean "not JSON" here.
    return undefined;
  }
}
