import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, DEFAULT_MIGRATIONS_DIR, migrate, type Pool, readMigrations } from "@kapsel/db";
import { inject } from "vitest";
import { TEMPLATE_DATABASE } from "./global-setup.ts";
import { findPlaintextSecrets } from "./plaintext-secrets.ts";

export interface TestDatabase {
  url: string;
  pool: Pool;
  /**
   * Drops the database, after scanning it for plaintext secrets (findPlaintextSecrets): any found
   * fails the test file that created it, whatever its tests asserted (secrets at rest, decision 0021).
   */
  drop(): Promise<void>;
}

/** A fresh, migrated database cloned from the run's template; one per test file. */
export function createTestDatabase(): Promise<TestDatabase> {
  return testDatabase(`TEMPLATE ${TEMPLATE_DATABASE}`);
}

/**
 * A database migrated up to, not including, `migration` (a folder name in prisma/migrations): data
 * as an older version stored it. `migrate(pool)` then applies the rest.
 */
export async function createTestDatabaseBefore(migration: string): Promise<TestDatabase> {
  const db = await testDatabase("");
  await migrateWhile(db.pool, (name) => name < migration);
  return db;
}

/**
 * Applies the pending migrations up to and including `migration`, not the later ones: a migration
 * test sees the schema its migration made, whatever later migrations change.
 */
export function migrateThrough(pool: Pool, migration: string): Promise<void> {
  return migrateWhile(pool, (name) => name <= migration);
}

async function migrateWhile(pool: Pool, include: (name: string) => boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "kapsel-migrations-"));
  try {
    for (const file of await readMigrations()) {
      if (!include(file.name)) break;
      await cp(join(DEFAULT_MIGRATIONS_DIR, file.name), join(dir, file.name), { recursive: true });
    }
    const result = await migrate(pool, dir);
    if (result.outcome !== "migrated") throw new Error(result.message);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function testDatabase(from: string): Promise<TestDatabase> {
  const serverUrl = inject("pgUrl");
  const name = `kapsel_test_${randomBytes(6).toString("hex")}`;
  const admin = createPool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name} ${from}`);
  const url = serverUrl.replace(/\/postgres$/, `/${name}`);
  const pool = createPool({ connectionString: url, max: 20 });
  return {
    url,
    pool,
    drop: async () => {
      await pool.end();
      // A connection of its own: the test may have left its pool in any state.
      const scan = createPool({ connectionString: url, max: 1 });
      let findings: string[] = [];
      try {
        findings = await findPlaintextSecrets(scan);
      } finally {
        await scan.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
      if (findings.length > 0) {
        throw new Error(`plaintext secrets in test database ${name}:\n  ${findings.join("\n  ")}`);
      }
    },
  };
}
