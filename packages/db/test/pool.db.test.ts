import { createTestDatabase, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/index.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describe("createPool", () => {
  it("survives a checked-out connection dying between two statements (a database restart mid-transaction)", async () => {
    const pool = createPool({ connectionString: db.url, max: 2 });
    const client = await pool.connect();
    await client.query("BEGIN");
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    // Before the fix, the "error" this emits on the idle, checked-out client crashed the process.
    await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.query("SELECT 1")).rejects.toThrow();
    client.release();
    expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
