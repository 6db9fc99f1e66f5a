// transactionPool (src/audit/transaction-pool.ts): code written against a pool runs inside one
// open transaction, a nested withTransaction becoming a savepoint.
import { withTransaction } from "@kapsel/db";
import { createTestDatabase, type TestDatabase } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transactionPool } from "../src/audit/transaction-pool.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("CREATE TABLE tx_probe (n integer)");
});
afterAll(() => db.drop());

const values = async () => (await db.pool.query("SELECT n FROM tx_probe ORDER BY n")).rows.map((r) => r.n);

describe("transactionPool", () => {
  it("runs pool queries and nested transactions on the one connection, committed only with the outer one", async () => {
    await db.pool.query("TRUNCATE tx_probe");
    await expect(
      withTransaction(db.pool, async (client) => {
        const pool = transactionPool(client);
        await pool.query("INSERT INTO tx_probe VALUES (1)");
        await withTransaction(pool, (nested) => nested.query("INSERT INTO tx_probe VALUES (2)"));
        expect(await values()).toEqual([]); // nothing visible outside before the outer COMMIT
        throw new Error("outer fails");
      }),
    ).rejects.toThrow("outer fails");
    expect(await values()).toEqual([]);
  });

  it("a failed nested transaction rolls back to its savepoint and the outer one goes on", async () => {
    await db.pool.query("TRUNCATE tx_probe");
    await withTransaction(db.pool, async (client) => {
      const pool = transactionPool(client);
      await pool.query("INSERT INTO tx_probe VALUES (1)");
      await expect(
        withTransaction(pool, async (nested) => {
          await nested.query("INSERT INTO tx_probe VALUES (2)");
          await nested.query("SELECT no_such_column FROM tx_probe");
        }),
      ).rejects.toMatchObject({ code: "42703" });
      await withTransaction(pool, (nested) => nested.query("INSERT INTO tx_probe VALUES (3)"));
    });
    expect(await values()).toEqual([1, 3]);
  });
});
