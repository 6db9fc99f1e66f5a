import { commitBatch, type LogSigner } from "@kapsel/attestation-log";
import { ManualClock } from "@kapsel/core";
import {
  createTestDatabase,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogStateCache } from "../src/loaders/log-state-cache.ts";
import { observedPool } from "../src/observed-pool.ts";
import { deliverEvents, registerLogSigner } from "./harness.ts";

let db: TestDatabase;
let receiver: Receiver;
let signer: LogSigner;
const sql: string[] = [];
const reads = (table: string) => sql.filter((s) => s.includes(table)).length;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  const tenant = await insertTenant(db.pool);
  await deliverEvents(db.pool, tenant.id, receiver.url, 2); // two attempts: leaves 0 and 1
  signer = await registerLogSigner(db.pool);
  await commitBatch(db.pool, signer, 1, Date.now()); // a checkpoint of 1 leaf
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

describe("LogStateCache", () => {
  it("reuses the latest checkpoint briefly, and reads again for a leaf it does not cover", async () => {
    const pool = observedPool(db.pool, (s) => sql.push(s));
    const clock = new ManualClock();
    const cache = new LogStateCache(clock, 1_000);

    expect((await cache.latestHead(pool, 0))?.treeSize).toBe(1);
    expect((await cache.latestHead(pool, 0))?.treeSize).toBe(1);
    expect(reads("signed_tree_heads")).toBe(1);

    await commitBatch(db.pool, signer, 1, Date.now()); // now 2 leaves
    // Leaf 0 is covered by the cached checkpoint: a valid receipt, no read.
    expect((await cache.latestHead(pool, 0))?.treeSize).toBe(1);
    expect(reads("signed_tree_heads")).toBe(1);
    // Leaf 1 is not: read at once rather than answer "pending".
    expect((await cache.latestHead(pool, 1))?.treeSize).toBe(2);
    expect(reads("signed_tree_heads")).toBe(2);

    clock.advance(1_000);
    expect((await cache.latestHead(pool, 0))?.treeSize).toBe(2);
    expect(reads("signed_tree_heads")).toBe(3);
  });

  it("keeps verifier keys by id and lists them again only for an unknown id", async () => {
    const pool = observedPool(db.pool, (s) => sql.push(s));
    const cache = new LogStateCache(new ManualClock());
    const before = reads("attestation_keys");

    expect(await cache.verifierKey(pool, signer.keyId)).toBe(signer.verifierKey);
    expect(await cache.verifierKey(pool, signer.keyId)).toBe(signer.verifierKey);
    expect(reads("attestation_keys") - before).toBe(1);
    expect(await cache.verifierKey(pool, "00000000")).toBeNull();
    expect(reads("attestation_keys") - before).toBe(2);
  });
});
