/**
 * The grammar of an event type name: dotted segments such as `invoice.paid`,
 * `pull_request.opened` or `kapsel.endpoint.breaker_opened`. Each segment is one or more of
 * `[A-Za-z0-9_-]`; the whole name is 1..128 characters. Names are case-sensitive.
 */

export const MAX_EVENT_TYPE_NAME_LENGTH = 128;

/** The type given to an inbound event whose scheme's rule found no valid type. */
export const UNKNOWN_EVENT_TYPE = "unknown";

/** First segment of Kapsel's own operational events (`kapsel.endpoint.breaker_opened`, ...). */
export const RESERVED_EVENT_TYPE_SEGMENT = "kapsel";

const NAME_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const SEGMENT_PATTERN = /^[A-Za-z0-9_-]+$/;

export type EventTypeNameResult = { ok: true } | { ok: false; message: string };

/** Checks a type name against the grammar; the message says what is wrong without echoing the name. */
export function validateEventTypeName(name: unknown): EventTypeNameResult {
  if (typeof name !== "string") return { ok: false, message: "an event type name must be a string" };
  if (name.length === 0) return { ok: false, message: "an event type name must not be empty" };
  if (name.length > MAX_EVENT_TYPE_NAME_LENGTH) {
    return { ok: false, message: `an event type name has at most ${MAX_EVENT_TYPE_NAME_LENGTH} characters` };
  }
  if (NAME_PATTERN.test(name)) return { ok: true };
  if (name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    return { ok: false, message: "an event type name is dot-separated segments; no segment may be empty" };
  }
  return { ok: false, message: "each segment of an event type name may only contain A-Z, a-z, 0-9, '_' and '-'" };
}

export function isValidEventTypeName(name: unknown): name is string {
  return (
    typeof name === "string" && name.length > 0 && name.length <= MAX_EVENT_TYPE_NAME_LENGTH && NAME_PATTERN.test(name)
  );
}

/** One segment of a type name (used to append GitHub's `action`). */
export function isValidEventTypeSegment(segment: string): boolean {
  return SEGMENT_PATTERN.test(segment);
}

/**
 * True when the name's first segment is `kapsel` in any letter case: those names belong to
 * Kapsel's operational events. Publishers may not use them (the caller refuses); any case is
 * reserved so that `Kapsel.endpoint.disabled` cannot pass for an operational event in a list.
 */
export function isReservedEventTypeName(name: string): boolean {
  const n = RESERVED_EVENT_TYPE_SEGMENT.length;
  if (name.length < n) return false;
  if (name.length > n && name.charCodeAt(n) !== 46 /* "." */) return false;
  // ASCII case folding without allocating (this runs for every type a "*" pattern sees):
  // `| 0x20` maps only A-Z onto a-z, so no other character can fold onto a letter of "kapsel".
  for (let i = 0; i < n; i++) {
    if ((name.charCodeAt(i) | 0x20) !== RESERVED_EVENT_TYPE_SEGMENT.charCodeAt(i)) return false;
  }
  return true;
}
