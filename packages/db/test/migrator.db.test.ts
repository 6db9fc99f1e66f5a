import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, DEFAULT_MIGRATIONS_DIR, migrate, type Pool, pendingMigrations, readMigrations } from "@kapsel/db";
import { createTestDatabase, type TestDatabase } from "@kapsel/test-support";
import { describe, expect, inject, it } from "vitest";

/** An empty database (not cloned from the migrated template). */
async function emptyDatabase(): Promise<{ pool: Pool; drop: () => Promise<void> }> {
  const serverUrl = inject("pgUrl");
  const name = `kapsel_empty_${Math.random().toString(36).slice(2, 10)}`;
  const admin = createPool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const pool = createPool({ connectionString: serverUrl.replace(/\/postgres$/, `/${name}`), max: 10 });
  return {
    pool,
    drop: async () => {
      await pool.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kapsel-migrations-"));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("migrator", () => {
  it("applies every migration in order and records it like Prisma does", async () => {
    const db = await emptyDatabase();
    try {
      const files = await readMigrations();
      expect(files.length).toBeGreaterThan(0);
      const result = await migrate(db.pool);
      expect(result).toEqual({ outcome: "migrated", applied: files.map((f) => f.name), unknownInDatabase: [] });
      const { rows } = await db.pool.query(
        `SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      for (const [i, row] of rows.entries()) {
        expect(row.checksum).toBe(files[i]?.checksum);
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
        expect(row.rolled_back_at).toBeNull();
      }
      expect(await pendingMigrations(db.pool)).toEqual([]);
      // A second run applies nothing.
      expect(await migrate(db.pool)).toEqual({ outcome: "migrated", applied: [], unknownInDatabase: [] });
    } finally {
      await db.drop();
    }
  });

  it("lets exactly one of many concurrent starters apply each migration (advisory lock)", async () => {
    const db = await emptyDatabase();
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => migrate(db.pool)));
      const applied = results.flatMap((r) => (r.outcome === "migrated" ? r.applied : []));
      const files = await readMigrations();
      expect(applied.sort()).toEqual(files.map((f) => f.name).sort());
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(rows[0].n).toBe(files.length);
    } finally {
      await db.drop();
    }
  });

  it("refuses to start when an applied migration's file has changed", async () => {
    const db = await emptyDatabase();
    try {
      const dir = await copyMigrations();
      expect((await migrate(db.pool, dir)).outcome).toBe("migrated");
      const first = (await readMigrations(dir))[0]!;
      await writeFile(join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited after the fact\n`);
      const result = await migrate(db.pool, dir);
      expect(result.outcome).toBe("checksum_mismatch");
      if (result.outcome === "checksum_mismatch") {
        expect(result.migration).toBe(first.name);
        expect(result.message).toContain("must never be edited");
      }
    } finally {
      await db.drop();
    }
  });

  it("rolls back a failing migration completely and records nothing", async () => {
    const db = await emptyDatabase();
    try {
      const dir = await copyMigrations();
      await cp(join(dir, (await readMigrations(dir))[0]!.name), join(dir, "29990101000000_broken"), {
        recursive: true,
      });
      await writeFile(
        join(dir, "29990101000000_broken", "migration.sql"),
        "CREATE TABLE half_done (id int);\nSELECT no_such_function();\n",
      );
      await expect(migrate(db.pool, dir)).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
      const { rows } = await db.pool.query(
        `SELECT to_regclass('half_done') AS t, (SELECT count(*)::int FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken') AS n`,
      );
      expect(rows[0]).toEqual({ t: null, n: 0 });
      expect(await pendingMigrations(db.pool, dir)).toEqual(["29990101000000_broken"]);
    } finally {
      await db.drop();
    }
  });

  it("reports migrations the database has that the files do not", async () => {
    const db: TestDatabase = await createTestDatabase();
    try {
      await db.pool.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES (gen_random_uuid(), repeat('0', 64), '29990101000000_from_the_future', now(), 1)`,
      );
      const result = await migrate(db.pool);
      expect(result).toEqual({
        outcome: "migrated",
        applied: [],
        unknownInDatabase: ["29990101000000_from_the_future"],
      });
    } finally {
      await db.drop();
    }
  });
});
