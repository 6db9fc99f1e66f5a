import type { z } from "zod";

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

/** Validates environment variables against a schema; every bad setting gets its own line. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): ConfigResult<z.output<S>> {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const name = issue.path.join(".") || "(environment)";
      const given = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
      return given === undefined
        ? `${name}: ${issue.message}`
        : `${name}: ${issue.message} (got ${JSON.stringify(shownValue(name, given))})`;
    }),
  };
}

/** Settings whose whole value is a secret: never echoed. */
const SECRET_NAME = /(KEY|SECRET|PASSWORD|TOKEN)/;

/**
 * What an error line may show of a value: secrets are withheld, and the password in a URL
 * (e.g. postgres://user:password@host) is masked, since these lines go to logs.
 */
function shownValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return "(value not shown)";
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^@/]*@/i, "$1:***@");
}

/** The message a process prints before exiting on bad configuration. */
export function formatConfigProblems(problems: readonly string[]): string {
  return `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee docs/configuration.md.`;
}
