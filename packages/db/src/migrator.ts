import { randomUUID } from "node:crypto";
import { type MigrationFile, readMigrations } from "./migrations-on-disk.ts";
import type { Pool, PoolClient } from "./pool.ts";

/** Any fixed 64-bit number works; it only has to be the same in every Kapsel process. */
const MIGRATION_LOCK_KEY = 7_411_201_001;

// Same shape as the table `prisma migrate deploy` creates, so either tool can take over.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type MigrateResult =
  | { outcome: "migrated"; applied: string[]; unknownInDatabase: string[] }
  | { outcome: "checksum_mismatch"; migration: string; message: string }
  | { outcome: "failed_earlier"; migration: string; message: string };

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies pending migrations in name order, each in its own transaction, recorded in
 * `_prisma_migrations`. A session advisory lock makes concurrent starters wait for each other, so
 * exactly one applies each migration. An applied migration whose file has changed is refused:
 * the database would no longer be what the files describe.
 */
export async function migrate(pool: Pool, migrationsDir?: string): Promise<MigrateResult> {
  const files = await readMigrations(migrationsDir);
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await appliedMigrations(client);
      const problem = checkApplied(files, applied);
      if (problem) return problem;
      const done: string[] = [];
      for (const file of files) {
        if (applied.has(file.name)) continue;
        await applyOne(client, file);
        done.push(file.name);
      }
      const known = new Set(files.map((file) => file.name));
      return {
        outcome: "migrated",
        applied: done,
        unknownInDatabase: [...applied.keys()].filter((n) => !known.has(n)),
      };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** Names of migrations on disk that the database has not applied (for readiness checks). */
export async function pendingMigrations(pool: Pool, migrationsDir?: string): Promise<string[]> {
  const files = await readMigrations(migrationsDir);
  const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('\"_prisma_migrations\"') AS t");
  if (!exists.rows[0]?.t) return files.map((file) => file.name);
  const { rows } = await pool.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((row) => row.migration_name));
  return files.filter((file) => !applied.has(file.name)).map((file) => file.name);
}

async function appliedMigrations(client: PoolClient): Promise<Map<string, AppliedRow>> {
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return new Map(rows.map((row) => [row.migration_name, row]));
}

function checkApplied(files: MigrationFile[], applied: Map<string, AppliedRow>): MigrateResult | null {
  for (const file of files) {
    const row = applied.get(file.name);
    if (!row) continue;
    if (row.finished_at === null) {
      return {
        outcome: "failed_earlier",
        migration: file.name,
        message: `Migration ${file.name} started earlier but never finished; inspect the database, then mark it rolled back in _prisma_migrations.`,
      };
    }
    if (row.checksum !== file.checksum) {
      return {
        outcome: "checksum_mismatch",
        migration: file.name,
        message: `Migration ${file.name} was applied with checksum ${row.checksum} but the file now has ${file.checksum}. Applied migrations must never be edited: restore the file and add a new migration instead.`,
      };
    }
  }
  return null;
}

async function applyOne(client: PoolClient, file: MigrationFile): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(file.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), file.checksum, file.name],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw new Error(`Migration ${file.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
  }
}
