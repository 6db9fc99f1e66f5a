import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { type EmbeddedPostgres, type Pool, startEmbeddedPostgres } from "@kapsel/db";
import { freePort } from "@kapsel/test-support";
import type { Cleanup } from "./cleanup.ts";

export interface BenchPostgres {
  server: EmbeddedPostgres;
  /** The server log (stderr of the postmaster). */
  logFile: string;
  /** The postmaster's pid, parent (and process group) of every backend: for CPU accounting. */
  postmasterPid(): Promise<number | null>;
}

/**
 * A fresh PostgreSQL cluster in a temp folder (`<prefix>XXXXXX` under `parentDir`) on a free port,
 * stopped and removed by `cleanup`. Every benchmark runs against its own, so runs never share
 * state with a developer's database or with each other.
 */
export async function startBenchPostgres(
  cleanup: Cleanup,
  parentDir: string,
  options: { prefix: string; settings: Record<string, string> },
): Promise<BenchPostgres> {
  const root = await mkdtemp(join(parentDir, options.prefix));
  cleanup.defer("remove temp dir", () => rm(root, { recursive: true, force: true }));
  await chmod(root, 0o755); // as root, PostgreSQL runs as the `postgres` OS user and must enter it
  const dataDir = join(root, "data");
  const logFile = join(root, "postgres.log");
  const server = await startEmbeddedPostgres({
    dataDir,
    logFile,
    port: await freePort(),
    password: "kapsel-bench",
    settings: options.settings,
  });
  cleanup.defer("stop PostgreSQL", () => server.stop());
  return {
    server,
    logFile,
    postmasterPid: async () => {
      const text = await readFile(join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
      const pid = Number(text.split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    },
  };
}

/** A template can still show a backend that is exiting after its pool closed: retry briefly. */
export async function createFromTemplate(admin: Pool, name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (error) {
      if (attempt >= 50 || !String(error).includes("being accessed by other users")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The durability settings as the server reports them, e.g. "fsync=on synchronous_commit=on". */
export async function durabilitySettings(pool: Pool, names: readonly string[]): Promise<string> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY name",
    [names],
  );
  return rows.map((r) => `${r.name}=${r.setting}`).join(" ");
}
