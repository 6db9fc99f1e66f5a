/** RFC 6901 JSON pointers, as a source's `typePointer` setting (e.g. `/type`, `/data/event_type`). */

export const MAX_TYPE_POINTER_LENGTH = 256;
const MAX_POINTER_SEGMENTS = 32;

export type TypePointerResult = { ok: true; segments: readonly string[] } | { ok: false; message: string };

/**
 * Validates a pointer and splits it into unescaped reference tokens. The empty pointer (the
 * whole document) is refused: it is what an unfilled form field sends, and a body that is
 * itself a bare string is no use as a type source.
 */
export function validateTypePointer(pointer: unknown): TypePointerResult {
  if (typeof pointer !== "string") return { ok: false, message: "a JSON pointer must be a string" };
  if (pointer === "") return { ok: false, message: "the JSON pointer is empty; leave the setting unset instead" };
  if (pointer.length > MAX_TYPE_POINTER_LENGTH) {
    return { ok: false, message: `a JSON pointer has at most ${MAX_TYPE_POINTER_LENGTH} characters` };
  }
  if (!pointer.startsWith("/")) return { ok: false, message: "a JSON pointer starts with '/' (RFC 6901), e.g. /type" };
  const raw = pointer.slice(1).split("/");
  if (raw.length > MAX_POINTER_SEGMENTS) {
    return { ok: false, message: `a JSON pointer has at most ${MAX_POINTER_SEGMENTS} segments` };
  }
  const segments: string[] = [];
  for (const token of raw) {
    if (/~(?![01])/.test(token)) {
      return { ok: false, message: "'~' in a JSON pointer must be followed by 0 or 1 (~0 is '~', ~1 is '/')" };
    }
    segments.push(token.replaceAll("~1", "/").replaceAll("~0", "~"));
  }
  return { ok: true, segments };
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The value at the pointer, or undefined when any step is missing. Only own properties are
 * followed, so `/constructor` or `/__proto__` never reach into JavaScript prototypes.
 */
export function resolvePointer(document: unknown, segments: readonly string[]): unknown {
  let current: unknown = document;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment)) return undefined;
      const index = Number(segment);
      if (index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === "object") {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
