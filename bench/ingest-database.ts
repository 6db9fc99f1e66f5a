import { createPool, migrate, type Pool } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { startBenchPostgres } from "./bench-postgres.ts";
import type { Cleanup } from "./cleanup.ts";

export interface BenchDatabase {
  url: string;
  pool: Pool;
  /** Endpoint with source scheme "none". */
  plainEndpointId: string;
  /** Endpoint with the GitHub scheme (X-Hub-Signature-256). */
  githubEndpointId: string;
  githubSecret: string;
  /** The postmaster's pid, which is also the process group of every backend. */
  postmasterPid(): Promise<number | null>;
}

// Durable defaults on purpose (fsync, synchronous_commit, full_page_writes stay on): a 2xx from
// ingest must mean "committed", so that is what we measure. Only memory and checkpoint spacing
// are raised, as any production cluster would, so a checkpoint does not land inside a 10 s run.
const SETTINGS = { shared_buffers: "256MB", max_wal_size: "2GB", max_connections: "200" };

/** A fresh PostgreSQL cluster in a temp folder, migrated, with one tenant and two endpoints. */
export async function startBenchDatabase(cleanup: Cleanup, parentDir: string): Promise<BenchDatabase> {
  const { server, postmasterPid } = await startBenchPostgres(cleanup, parentDir, {
    prefix: "kapsel-bench-",
    settings: SETTINGS,
  });
  const url = server.urlFor("kapsel_bench");
  const admin = createPool({ connectionString: server.url, max: 1 });
  await admin.query("CREATE DATABASE kapsel_bench");
  await admin.end();

  const pool = createPool({ connectionString: url, max: 2, applicationName: "kapsel-bench" });
  cleanup.defer("close bench pool", () => pool.end());
  const migrated = await migrate(pool);
  if (migrated.outcome !== "migrated") throw new Error(`migration failed: ${migrated.message}`);

  const tenant = await insertTenant(pool, "Benchmark tenant");
  const plain = await insertEndpoint(pool, tenant.id, { sourceScheme: "none" });
  const githubSecret = "bench-github-secret";
  const github = await insertEndpoint(pool, tenant.id, { sourceScheme: "github", sourceSecret: githubSecret });

  return {
    url,
    pool,
    plainEndpointId: plain.id,
    githubEndpointId: github.id,
    githubSecret,
    postmasterPid,
  };
}

export interface CommitStats {
  events: number;
  /** Events of one group commit share `received_at`, so this counts commits (near enough). */
  commits: number;
}

/** Events stored for `endpointId` with received_at in [from, to]. */
export async function commitStats(pool: Pool, endpointId: string, from: Date, to: Date): Promise<CommitStats> {
  const { rows } = await pool.query<{ events: number; commits: number }>(
    `SELECT count(*)::int AS events, count(DISTINCT received_at)::int AS commits
       FROM events WHERE endpoint_id = $1 AND received_at BETWEEN $2 AND $3`,
    [endpointId, from, to],
  );
  return rows[0] ?? { events: 0, commits: 0 };
}

export async function countStoredEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events");
  return rows[0]?.n ?? 0;
}
