import { newId } from "@kapsel/core";
import { createPool, migrate, type Pool } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { startBenchPostgres } from "./bench-postgres.ts";
import type { Cleanup } from "./cleanup.ts";

export interface FanoutSource {
  fanOut: number;
  /** The source the case posts to (`/ingest/src_...`). */
  sourceId: string;
  endpointIds: string[];
}

export interface FanoutDatabase {
  url: string;
  pool: Pool;
  /** One source per case, feeding that many endpoints of its own. */
  sources: FanoutSource[];
  postmasterPid(): Promise<number | null>;
}

// Durable defaults (fsync, synchronous_commit, full_page_writes on), as in the other benchmarks.
const SETTINGS = { shared_buffers: "256MB", max_wal_size: "4GB", checkpoint_timeout: "30min", max_connections: "200" };

/**
 * A fresh cluster, migrated, with one tenant and, per case, a source whose events go to `fanOut`
 * endpoints: the first endpoint's own source and subscription, plus one subscription (every type,
 * no filter) per further endpoint. Every endpoint posts to the benchmark's receiver.
 */
export async function startFanoutDatabase(
  cleanup: Cleanup,
  parentDir: string,
  fanOuts: readonly number[],
  receiverUrl: string,
): Promise<FanoutDatabase> {
  const { server, postmasterPid } = await startBenchPostgres(cleanup, parentDir, {
    prefix: "kapsel-fanout-bench-",
    settings: SETTINGS,
  });
  const url = server.urlFor("kapsel_fanout");
  const admin = createPool({ connectionString: server.url, max: 1 });
  await admin.query("CREATE DATABASE kapsel_fanout");
  await admin.end();
  const pool = createPool({ connectionString: url, max: 2, applicationName: "kapsel-fanout-bench" });
  cleanup.defer("close bench pool", () => pool.end());
  const migrated = await migrate(pool);
  if (migrated.outcome !== "migrated") throw new Error(`migration failed: ${migrated.message}`);

  const tenant = await insertTenant(pool, "Benchmark tenant");
  const sources: FanoutSource[] = [];
  for (const fanOut of fanOuts) {
    const endpoints = [];
    for (let i = 0; i < fanOut; i++) {
      endpoints.push(
        await insertEndpoint(pool, tenant.id, { url: receiverUrl, sourceScheme: "none", maxInFlight: 64 }),
      );
    }
    const [first, ...rest] = endpoints;
    await pool.query(
      `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns)
       SELECT s.id, $1, s.endpoint_id, ARRAY[$2::text], '{*}' FROM unnest($3::text[], $4::text[]) AS s(id, endpoint_id)`,
      [tenant.id, first!.sourceId, rest.map(() => newId("subscription")), rest.map((e) => e.id)],
    );
    sources.push({ fanOut, sourceId: first!.sourceId, endpointIds: endpoints.map((e) => e.id) });
  }
  await pool.query("ANALYZE");
  return { url, pool, sources, postmasterPid };
}
