import { randomBytes } from "node:crypto";
import { createPool, type Pool } from "@kapsel/db";
import { inject } from "vitest";
import { TEMPLATE_DATABASE } from "./global-setup.ts";

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the run's template; one per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("pgUrl");
  const name = `kapsel_test_${randomBytes(6).toString("hex")}`;
  const admin = createPool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  const url = serverUrl.replace(/\/postgres$/, `/${name}`);
  const pool = createPool({ connectionString: url, max: 20 });
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
