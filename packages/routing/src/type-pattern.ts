import { isReservedEventTypeName, MAX_EVENT_TYPE_NAME_LENGTH, validateEventTypeName } from "./event-type-name.ts";

/**
 * A subscription's event-type patterns (docs/routing.md, "Type patterns"):
 * - an exact name, `invoice.paid`;
 * - `prefix.*`: every type that starts with `prefix.`, with any number of further segments
 *   (`invoice.*` matches `invoice.paid` and `invoice.payment.failed`, never `invoice` or
 *   `invoices.paid`);
 * - `*`: every type except Kapsel's operational events (`kapsel.*`). Those must be subscribed
 *   to with a pattern that names them (`kapsel.*`, `kapsel.endpoint.*`, an exact name), so that
 *   a catch-all subscription made for a source's events never starts receiving Kapsel's own,
 *   which would be a surprise, and would send an endpoint news about other endpoints' failures.
 */

export const MAX_TYPE_PATTERNS = 100;
const WILDCARD = "*";
const PREFIX_SUFFIX = ".*";

export interface CompiledTypePatterns {
  /** The patterns as given, de-duplicated, in first-seen order (what to store and show). */
  readonly patterns: readonly string[];
  /** `*` was listed: every non-operational type. */
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  /** Prefixes of `prefix.*` patterns, each with its trailing dot (`invoice.`). */
  readonly prefixes: readonly string[];
}

export interface TypePatternError {
  /** Index of the offending pattern in the list; -1 for the list as a whole. */
  index: number;
  message: string;
}

export type CompileTypePatternsResult =
  | { ok: true; patterns: CompiledTypePatterns }
  | { ok: false; errors: TypePatternError[] };

/** Never throws for user input: every problem is an error entry. */
export function compileTypePatterns(patterns: unknown): CompileTypePatternsResult {
  if (!Array.isArray(patterns)) return fail(-1, "type patterns must be a list of strings");
  if (patterns.length === 0) return fail(-1, 'list at least one type pattern; "*" matches every type');
  if (patterns.length > MAX_TYPE_PATTERNS)
    return fail(-1, `a subscription has at most ${MAX_TYPE_PATTERNS} type patterns`);
  const errors: TypePatternError[] = [];
  const seen = new Set<string>();
  const exact = new Set<string>();
  const prefixes: string[] = [];
  let all = false;
  patterns.forEach((pattern: unknown, index) => {
    const problem = patternProblem(pattern);
    if (problem !== null) {
      errors.push({ index, message: problem });
      return;
    }
    const p = pattern as string;
    if (seen.has(p)) return;
    seen.add(p);
    if (p === WILDCARD) all = true;
    else if (p.endsWith(PREFIX_SUFFIX)) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, patterns: { patterns: [...seen], all, exact, prefixes } };
}

/** Checks one pattern; null when it is valid. */
export function patternProblem(pattern: unknown): string | null {
  if (typeof pattern !== "string") return "a type pattern must be a string";
  if (pattern === WILDCARD) return null;
  if (pattern === "") return "a type pattern must not be empty";
  if (pattern.length > MAX_EVENT_TYPE_NAME_LENGTH) {
    return `a type pattern has at most ${MAX_EVENT_TYPE_NAME_LENGTH} characters`;
  }
  const name = pattern.endsWith(PREFIX_SUFFIX) ? pattern.slice(0, -PREFIX_SUFFIX.length) : pattern;
  if (name.includes(WILDCARD)) {
    return 'a wildcard may only be the whole pattern ("*") or its last segment ("invoice.*")';
  }
  const valid = validateEventTypeName(name);
  if (!valid.ok) return valid.message;
  return null;
}

/** Allocation-free: a Set lookup, then one startsWith per prefix. */
export function matchesType(compiled: CompiledTypePatterns, type: string): boolean {
  if (compiled.exact.has(type)) return true;
  for (const prefix of compiled.prefixes) {
    // The prefix keeps its dot: `invoice` itself and `invoices.paid` never match `invoice.*`.
    if (type.startsWith(prefix)) return true;
  }
  return compiled.all && !isReservedEventTypeName(type);
}

function fail(index: number, message: string): CompileTypePatternsResult {
  return { ok: false, errors: [{ index, message }] };
}
