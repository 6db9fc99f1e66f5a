import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type EmbeddedPostgres, migrate, startEmbeddedPostgres } from "@kapsel/db";
import { freePort } from "@kapsel/test-support";

const PASSWORD = "kapsel-reliability";
const DATABASE = "kapsel";

export interface PrivatePostgres {
  /** URL of the migrated `kapsel` database; stays valid across restarts (same port). */
  readonly url: string;
  /** Fast shutdown: every client is disconnected, as in a database restart. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  /** Stops the server (if running) and deletes its files. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of this test's own (temp folder, free port), so it can be stopped and started
 * mid-run without touching the server every other test file shares.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = await mkdtemp(join(tmpdir(), "kapsel-reliability-pg-"));
  await chmod(root, 0o755); // the server runs as the `postgres` OS user when we are root
  const options = {
    dataDir: join(root, "data"),
    port: await freePort(),
    password: PASSWORD,
    settings: { fsync: "off", full_page_writes: "off", max_connections: "200" },
  };
  let server: EmbeddedPostgres | null = await startEmbeddedPostgres(options);
  const admin = createPool({ connectionString: server.url, max: 1 });
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const url = server.urlFor(DATABASE);
  const pool = createPool({ connectionString: url, max: 1 });
  const migrated = await migrate(pool);
  await pool.end();
  if (migrated.outcome !== "migrated") throw new Error(migrated.message);

  return {
    url,
    stop: async () => {
      await server?.stop();
      server = null;
    },
    start: async () => {
      if (!server) server = await startEmbeddedPostgres(options);
    },
    destroy: async () => {
      await server?.stop();
      server = null;
      await rm(root, { recursive: true, force: true });
    },
  };
}
