import { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "@kapsel/db";
import type { Component, Run, RunExit } from "./supervisor.ts";

/**
 * The embedded PostgreSQL under supervision. Every run uses the same port, data folder and
 * password, so a restarted server recovers from its WAL and the apps reconnect to the URL they
 * already have; the leftovers of a killed server are cleared by startEmbeddedPostgres itself.
 */
export function embeddedPostgresComponent(options: EmbeddedPostgresOptions): Component<EmbeddedPostgres> {
  return { name: "PostgreSQL", start: () => startPostgresRun(options) };
}

function startPostgresRun(options: EmbeddedPostgresOptions): Run<EmbeddedPostgres> {
  const server = startEmbeddedPostgres(options);
  let pid: number | undefined;
  const exited: Promise<RunExit> = server.then(
    (started) => {
      pid = started.pid;
      return started.exited;
    },
    // No server ran (it failed during start-up): for the supervisor that is an exit like any other.
    (error: unknown) => ({ code: null, signal: null, error: error instanceof Error ? error.message : String(error) }),
  );
  return {
    get pid() {
      return pid;
    },
    ready: server,
    exited,
    stop: async () => {
      const started = await server.catch(() => null);
      await started?.stop();
    },
  };
}
