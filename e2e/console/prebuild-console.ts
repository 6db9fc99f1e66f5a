import { ensureConsoleBuild } from "../../apps/launcher/src/console-build.ts";

/**
 * Vitest global setup of the e2e project: builds the console once before the tests, so each
 * `npm start` they run finds it built and its banner wait does not include a `next build`.
 */
export default async function prebuildConsole(): Promise<void> {
  const build = await ensureConsoleBuild({ print: (line) => console.log(line) });
  if (build.outcome === "failed") throw new Error(`next build failed (exit ${build.exitCode}):\n${build.output}`);
}
