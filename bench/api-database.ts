import { createPool, migrate, type Pool } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { durabilitySettings, startBenchPostgres } from "./bench-postgres.ts";
import type { Cleanup } from "./cleanup.ts";

// Durable defaults (fsync, synchronous_commit stay on); memory and checkpoint spacing raised as a
// production cluster would. The log line prefix carries application and database names so the
// SQL count phase can tell the API's statements from the bench's own (see api-sql-count.ts).
const SETTINGS = {
  shared_buffers: "256MB",
  max_wal_size: "4GB",
  checkpoint_timeout: "30min",
  log_line_prefix: "%m [%p] app=%a db=%d ",
};

export interface SeedTenant {
  id: string;
  apiKey: string;
  endpointIds: string[];
}

export interface ApiBenchDatabase {
  url: string;
  /** Small pool for seeding and the count phase (application_name kapsel-api-bench). */
  pool: Pool;
  /** The server log (stderr of the postmaster), where log_statement output goes. */
  logFile: string;
  measured: SeedTenant;
  other: SeedTenant;
  postmasterPid(): Promise<number | null>;
  durability(): Promise<string>;
}

/** A fresh migrated cluster in a temp folder with two tenants, their endpoints and breakers. */
export async function startApiBenchDatabase(
  cleanup: Cleanup,
  parentDir: string,
  endpoints: number,
): Promise<ApiBenchDatabase> {
  const { server, logFile, postmasterPid } = await startBenchPostgres(cleanup, parentDir, {
    prefix: "kapsel-api-bench-",
    settings: SETTINGS,
  });
  const admin = createPool({ connectionString: server.url, max: 1 });
  await admin.query("CREATE DATABASE kapsel_api_bench");
  await admin.end();

  const url = server.urlFor("kapsel_api_bench");
  const pool = createPool({ connectionString: url, max: 2, applicationName: "kapsel-api-bench" });
  cleanup.defer("close bench pool", () => pool.end());
  const migrated = await migrate(pool);
  if (migrated.outcome !== "migrated") throw new Error(`migration failed: ${migrated.message}`);

  const measured = await seedTenant(pool, "API benchmark tenant", endpoints, "a");
  const other = await seedTenant(pool, "Other tenant", 5, "b");
  await seedBreakers(pool);
  return {
    url,
    pool,
    logFile,
    measured,
    other,
    postmasterPid,
    durability: () => durabilitySettings(pool, ["fsync", "synchronous_commit"]),
  };
}

async function seedTenant(pool: Pool, name: string, endpoints: number, host: string): Promise<SeedTenant> {
  const tenant = await insertTenant(pool, name);
  const endpointIds: string[] = [];
  for (let i = 0; i < endpoints; i++) {
    // A few endpoints paused or disabled, as in any real account; they still list and have history.
    const status = i % 10 === 8 ? "paused" : i % 10 === 9 ? "disabled" : "active";
    const url = `https://${host}${i}.receiver.example/webhooks/${i}`;
    endpointIds.push((await insertEndpoint(pool, tenant.id, { url, status })).id);
  }
  return { id: tenant.id, apiKey: tenant.apiKey, endpointIds };
}

/**
 * One breaker row per endpoint, as the delivery worker leaves them: most closed with a running
 * window, some open or half-open, each non-closed one with the transitions that led there.
 */
async function seedBreakers(pool: Pool): Promise<void> {
  await pool.query(`
    WITH ep AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM endpoints)
    INSERT INTO circuit_breakers (endpoint_id, state, window_started_at, window_successes, window_failures,
                                  opened_at, cooldown_ms, updated_at)
    SELECT id, s, now() - interval '40 s', 50 + (n * 37) % 400, CASE s WHEN 'closed' THEN n % 7 ELSE 60 END,
           CASE WHEN s <> 'closed' THEN now() - interval '20 s' END, 30000, now()
      FROM ep, LATERAL (SELECT (CASE n % 7 WHEN 3 THEN 'open' WHEN 5 THEN 'half_open' ELSE 'closed' END)::breaker_state AS s) st`);
  await pool.query(`
    INSERT INTO circuit_breaker_transitions (endpoint_id, from_state, to_state, reason, at)
    SELECT cb.endpoint_id, t.f::breaker_state, t.t::breaker_state, t.reason, now() - t.ago * interval '1 s'
      FROM circuit_breakers cb
     CROSS JOIN (VALUES ('closed', 'open', 'failure rate 100% over 60 attempts', 3600),
                        ('open', 'half_open', 'cooldown elapsed', 3570),
                        ('half_open', 'closed', 'probe succeeded', 3569),
                        ('closed', 'open', 'failure rate 100% over 60 attempts', 20)) AS t(f, t, reason, ago)
     WHERE cb.state <> 'closed'`);
  await pool.query(
    `INSERT INTO circuit_breaker_transitions (endpoint_id, from_state, to_state, reason, at)
     SELECT endpoint_id, 'open', 'half_open', 'cooldown elapsed', now() - interval '1 s'
       FROM circuit_breakers WHERE state = 'half_open'`,
  );
}
