/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), restricted to the values leaves use: null,
 * booleans, safe integers, strings, arrays and plain objects. Restricting numbers to safe
 * integers sidesteps JCS's float formatting entirely; integers serialize as plain decimals,
 * which is what JCS (ECMAScript Number-to-String) produces for them.
 */
import { isWellFormedUnicode } from "./bytes.ts";
import { AttestationError } from "./result.ts";

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * Canonical JSON text of `value`. Throws AttestationError("invalid_json_value") for anything
 * outside the supported subset: non-integer or unsafe numbers, lone surrogates (JCS requires
 * valid Unicode), undefined, functions, bigint, class instances, cycles or excessive depth.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, "$", 0);
}

function invalid(path: string, what: string): never {
  throw new AttestationError("invalid_json_value", `${path}: ${what}`);
}

function serialize(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) invalid(path, "nested too deeply");
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) invalid(path, `${value} is not a safe integer`);
      // -0 serializes as 0, like ECMAScript's Number-to-String.
      return Object.is(value, -0) ? "0" : String(value);
    case "string":
      return serializeString(value, path);
    case "object":
      break;
    default:
      invalid(path, `${typeof value} is not a JSON value`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => serialize(v, `${path}[${i}]`, depth + 1)).join(",")}]`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) invalid(path, "only plain objects are supported");
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is exactly the JCS property order.
  const keys = Object.keys(record).sort();
  const members = keys.map((key) => {
    const member = record[key];
    if (member === undefined) invalid(`${path}.${key}`, "undefined is not a JSON value");
    return `${serializeString(key, path)}:${serialize(member, `${path}.${key}`, depth + 1)}`;
  });
  return `{${members.join(",")}}`;
}

function serializeString(text: string, path: string): string {
  if (!isWellFormedUnicode(text)) invalid(path, "string contains an unpaired surrogate");
  // For well-formed strings JSON.stringify escapes exactly as JCS section 3.2.2.2 requires:
  // \b \t \n \f \r \" \\ short forms, other controls as lowercase \u00xx, everything else literal.
  return JSON.stringify(text);
}
