import { RE2JS } from "re2js";

/**
 * Regular expressions of tenant schemas (`pattern`, `patternProperties`) run in RE2 (the
 * `re2js` port), whose matching time is linear in the input. JavaScript's engine backtracks, and
 * a pattern such as `^(a+)+$` takes exponential time on a short string, which would stall the
 * process for every tenant. RE2 refuses what it cannot run in linear time (backreferences,
 * lookahead), so such a pattern is refused when the schema is saved.
 */

export type SafeRegExpResult =
  | { ok: true; regExp: { test(input: string): boolean; toString(): string } }
  | { ok: false; message: string };

export function compileSafeRegExp(pattern: string): SafeRegExpResult {
  try {
    const re = RE2JS.compile(pattern);
    // Ajv caches compiled patterns under `String(regExp)`: without a toString of its own, every
    // pattern of a schema was "[object Object]" and all of them ran the first one.
    return { ok: true, regExp: { test: (input: string) => re.test(input), toString: () => `/${pattern}/` } };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `the regular expression is refused: it must be RE2 syntax, which matches in linear time (no lookaround or backreferences, repetition counts up to 1000): ${detail}`,
    };
  }
}

/**
 * Ajv's `code.regExp` engine. Ajv passes "u" for its Unicode flag; RE2 always matches by code
 * point. Patterns were checked by `compileSafeRegExp` before Ajv compiles, so this only throws
 * for a bug. `code` names the engine in Ajv's generated source (used by standalone code only).
 */
export const safeRegExpEngine = Object.assign(
  (pattern: string, _flags: string) => {
    const result = compileSafeRegExp(pattern);
    if (!result.ok) throw new Error(result.message);
    return result.regExp;
  },
  { code: "re2js" },
);
