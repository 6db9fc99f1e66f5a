import sift from "sift";
import { type FilterError, isPlainObject, type TypeAlias, validatePayloadFilter } from "./payload-filter-grammar.ts";

/**
 * Payload filters: MongoDB-style queries evaluated by `sift` (docs/decisions/0023), restricted
 * twice: the grammar check refuses every operator outside the allow-list before the library
 * sees the filter, and the library itself is built with only the allowed operators, so an
 * operator that slipped past the check (`$where`, `$regex`, ...) would still be unsupported.
 */

export interface CompiledPayloadFilter {
  /** The filter as a plain JSON value (a copy: later changes to the input do not affect it). */
  readonly source: Readonly<Record<string, unknown>>;
  /**
   * Whether the parsed payload matches. `undefined` (a body that is not JSON) never matches:
   * a subscription with a filter only receives events it could evaluate. Never throws.
   */
  matches(payload: unknown): boolean;
}

export type CompilePayloadFilterResult =
  | { ok: true; filter: CompiledPayloadFilter }
  | { ok: false; errors: FilterError[] };

/** Validates and compiles a filter (a parsed JSON value). Never throws for user input. */
export function compilePayloadFilter(input: unknown): CompilePayloadFilterResult {
  const errors = validatePayloadFilter(input);
  if (errors.length > 0) return { ok: false, errors };
  // A JSON round trip gives ordinary objects (the library inspects constructors) and detaches
  // the compiled filter from the caller's object.
  const source = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
  let test: (payload: unknown) => boolean;
  try {
    test = createSiftTester(source);
  } catch (error) {
    // The grammar check should make this unreachable; reported, not thrown, just in case.
    return { ok: false, errors: [{ path: "", message: `the filter could not be compiled: ${describe(error)}` }] };
  }
  return {
    ok: true,
    filter: {
      source: deepFreeze(source),
      matches(payload: unknown): boolean {
        if (payload === undefined) return false;
        try {
          return test(payload);
        } catch {
          // Hostile payloads (e.g. nesting deep enough to exhaust the stack) do not match.
          return false;
        }
      },
    },
  };
}

/**
 * The library's tester over the allow-listed operations only. Exported for the test that
 * checks the second line of defence (not part of the package's public surface): it throws
 * for any other operator, `$where` included.
 */
export function createSiftTester(source: Record<string, unknown>): (payload: unknown) => boolean {
  return sift.createQueryTester(source, { operations: OPERATIONS }) as (payload: unknown) => boolean;
}

const TYPE_TESTS: Readonly<Record<TypeAlias, (value: unknown) => boolean>> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number",
  bool: (v) => typeof v === "boolean",
  object: (v) => isPlainObject(v),
  array: (v) => Array.isArray(v),
  null: (v) => v === null,
};

// sift's own $type knows no "object" alias and also takes constructors; this one knows
// exactly the JSON kinds the grammar allows.
const $type = (params: TypeAlias | TypeAlias[], ownerQuery: unknown, options: unknown) => {
  const tests = (Array.isArray(params) ? params : [params]).map((alias) => TYPE_TESTS[alias]);
  return sift.createEqualsOperation((value: unknown) => tests.some((t) => t(value)), ownerQuery, options as never);
};

// Only the allow-list; in particular no $where (which sift runs through `new Function`) and
// no $regex.
const OPERATIONS = Object.freeze({
  $eq: sift.$eq,
  $ne: sift.$ne,
  $gt: sift.$gt,
  $gte: sift.$gte,
  $lt: sift.$lt,
  $lte: sift.$lte,
  $in: sift.$in,
  $nin: sift.$nin,
  $exists: sift.$exists,
  $type,
  $and: sift.$and,
  $or: sift.$or,
  $nor: sift.$nor,
  $not: sift.$not,
  $all: sift.$all,
  $size: sift.$size,
  $elemMatch: sift.$elemMatch,
}) as never;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
