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
        : `${name}: ${issue.message} (got ${JSON.stringify(given)})`;
    }),
  };
}

/** The message a process prints before exiting on bad configuration. */
export function formatConfigProblems(problems: readonly string[]): string {
  return `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee docs/configuration.md.`;
}
