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
    // "end" follows that "error" (pg emits it once the socket closed), so waiting for it (without
    // listening for "error", which would hide the crash) makes sure the error was emitted.
    const ended = new Promise<void>((resolve, reject) => {
      client.once("end", () => resolve());
      setTimeout(
        () => reject(new Error("no 'end' within 10 s (an unhandled 'error' stops pg before it)")),
        10_000,
      ).unref();
    });
    await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await ended;
    await expect(client.query("SELECT 1")).rejects.toThrow();
    client.release();
    expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
