import { createPool, migrate, type Pool } from "@kapsel/db";
import { makeWorkerUtils } from "graphile-worker";
import { createFromTemplate, startBenchPostgres } from "./bench-postgres.ts";
import type { Cleanup } from "./cleanup.ts";
import { PG_STATS_SETTINGS } from "./delivery-pg-stats.ts";

export interface RunDatabase {
  name: string;
  url: string;
  /** A small pool for set-up and progress polling by the benchmark itself. */
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export interface DeliveryBenchServer {
  /** Fresh database copied from the migrated Kapsel schema. */
  kapselDatabase(name: string): Promise<RunDatabase>;
  /** Fresh database copied from the migrated graphile-worker schema. */
  graphileDatabase(name: string): Promise<RunDatabase>;
  /** The postmaster's pid, parent of every backend (for CPU accounting). */
  postmasterPid(): Promise<number | null>;
}

// Durable defaults on purpose (fsync, synchronous_commit, full_page_writes stay on): an attempt
// is recorded when it is committed, so that is what we measure. Only memory and checkpoint spacing
// are raised, as a production cluster would, so no checkpoint lands inside a run.
const SETTINGS = {
  shared_buffers: "256MB",
  max_wal_size: "4GB",
  checkpoint_timeout: "30min",
  max_connections: "300",
};
const KAPSEL_TEMPLATE = "kapsel_template";
const GRAPHILE_TEMPLATE = "graphile_template";

/**
 * One PostgreSQL server in a temp folder with two migrated template databases. Every run gets a
 * fresh copy, so no run pays for the dead rows and bloated indexes of the one before it, and both
 * systems share the same server, disk and settings.
 */
export async function startDeliveryBenchServer(
  cleanup: Cleanup,
  parentDir: string,
  pgStats: boolean,
): Promise<DeliveryBenchServer> {
  const { server, postmasterPid } = await startBenchPostgres(cleanup, parentDir, {
    prefix: "kapsel-delivery-bench-",
    settings: pgStats ? { ...SETTINGS, ...PG_STATS_SETTINGS } : SETTINGS,
  });
  const admin = createPool({ connectionString: server.url, max: 1, applicationName: "delivery-bench-admin" });
  cleanup.defer("close admin pool", () => admin.end());

  await admin.query(`CREATE DATABASE ${KAPSEL_TEMPLATE}`);
  const kapselPool = createPool({ connectionString: server.urlFor(KAPSEL_TEMPLATE), max: 1 });
  const migrated = await migrate(kapselPool).finally(() => kapselPool.end());
  if (migrated.outcome !== "migrated") throw new Error(`migration failed: ${migrated.message}`);

  await admin.query(`CREATE DATABASE ${GRAPHILE_TEMPLATE}`);
  const utils = await makeWorkerUtils({ connectionString: server.urlFor(GRAPHILE_TEMPLATE) });
  await utils.migrate().finally(() => utils.release());

  const copy = async (name: string, template: string): Promise<RunDatabase> => {
    await createFromTemplate(admin, name, template);
    const url = server.urlFor(name);
    const pool = createPool({ connectionString: url, max: 2, applicationName: "delivery-bench" });
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    };
    cleanup.defer(`drop database ${name}`, drop);
    return { name, url, pool, drop };
  };

  return {
    kapselDatabase: (name) => copy(name, KAPSEL_TEMPLATE),
    graphileDatabase: (name) => copy(name, GRAPHILE_TEMPLATE),
    postmasterPid,
  };
}
