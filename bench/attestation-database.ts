import { createPool, migrate, type Pool } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { createFromTemplate, durabilitySettings, startBenchPostgres } from "./bench-postgres.ts";
import type { Cleanup } from "./cleanup.ts";

// Durable defaults on purpose (fsync, synchronous_commit, full_page_writes stay on): a checkpoint
// is only signed once it is committed, so that is what we measure. Memory and checkpoint spacing
// are raised as a production cluster would, so no timed checkpoint lands inside a measurement.
const SETTINGS = { shared_buffers: "256MB", max_wal_size: "4GB", checkpoint_timeout: "30min" };
const TEMPLATE = "attest_template";

export interface LogDatabase {
  url: string;
  /** Small pool for seeding and committing (the committer uses one connection at a time). */
  pool: Pool;
  tenantId: string;
  apiKey: string;
  endpointId: string;
}

export interface AttestationBenchServer {
  /** A fresh migrated database with one tenant (API key) and one endpoint. */
  database(name: string): Promise<LogDatabase>;
  /** fsync, synchronous_commit and full_page_writes as the server reports them. */
  durability(): Promise<string>;
  /** The postmaster's pid, parent of every backend (for CPU accounting). */
  postmasterPid(): Promise<number | null>;
}

export async function startAttestationBenchServer(
  cleanup: Cleanup,
  parentDir: string,
): Promise<AttestationBenchServer> {
  const { server, postmasterPid } = await startBenchPostgres(cleanup, parentDir, {
    prefix: "kapsel-attestation-bench-",
    settings: SETTINGS,
  });
  const admin = createPool({ connectionString: server.url, max: 1, applicationName: "attestation-bench-admin" });
  cleanup.defer("close admin pool", () => admin.end());

  // Migrate once into a template; every database below is a cheap file-level copy of it.
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  const templatePool = createPool({ connectionString: server.urlFor(TEMPLATE), max: 1 });
  const migrated = await migrate(templatePool).finally(() => templatePool.end());
  if (migrated.outcome !== "migrated") throw new Error(`migration failed: ${migrated.message}`);

  return {
    database: async (name) => {
      await createFromTemplate(admin, name, TEMPLATE);
      const url = server.urlFor(name);
      const pool = createPool({ connectionString: url, max: 2, applicationName: "attestation-bench" });
      cleanup.defer(`close pool of ${name}`, () => pool.end());
      const tenant = await insertTenant(pool, "Attestation benchmark");
      const endpoint = await insertEndpoint(pool, tenant.id, { url: "https://receiver.example/webhooks" });
      return { url, pool, tenantId: tenant.id, apiKey: tenant.apiKey, endpointId: endpoint.id };
    },
    durability: () => durabilitySettings(admin, ["fsync", "synchronous_commit", "full_page_writes"]),
    postmasterPid,
  };
}
