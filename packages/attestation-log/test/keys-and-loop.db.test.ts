import { generateSignerKey, openNote, verifyReceipt } from "@kapsel/attestation";
import {
  AttestationCommitter,
  buildReceipt,
  commitBatch,
  type LogSigner,
  loadLogSigner,
} from "@kapsel/attestation-log";
import { ManualClock } from "@kapsel/core";
import { listAttestationKeys, registerSigningKey } from "@kapsel/db";
import { silentLogger } from "@kapsel/logger";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let receiver: Receiver;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

function signer(name: string): { logSigner: LogSigner; verifierKey: string } {
  const key = generateSignerKey(name);
  const loaded = loadLogSigner(key.signerKey);
  if (!loaded.ok) throw new Error(loaded.problem);
  return { logSigner: loaded.logSigner, verifierKey: key.verifierKey };
}

async function deliver(count: number): Promise<string[]> {
  const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
  const ids = await insertEvents(db.pool, ep, count, new Date());
  const delivery = startDelivery(db.pool);
  await delivery.until(async () => {
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM delivery_attempts WHERE event_id = ANY($1)", [
      ids,
    ]);
    return rows[0].n === count;
  });
  await delivery.stop();
  return (await db.pool.query("SELECT id FROM delivery_attempts WHERE event_id = ANY($1)", [ids])).rows.map(
    (r) => r.id,
  );
}

describe("signing keys", () => {
  it("rotate: the new key signs from now on, the old one stays listed (retired) and its checkpoints still verify", async () => {
    const a = signer("kapsel.rotation/log");
    const b = signer("kapsel.rotation/log");
    await registerSigningKey(
      db.pool,
      { keyId: a.logSigner.keyId, name: a.logSigner.origin, verifierKey: a.verifierKey },
      new Date(),
    );
    const [firstAttempt] = await deliver(3);
    await commitBatch(db.pool, a.logSigner, 100, Date.now());
    const oldCheckpoint = (
      await db.pool.query("SELECT checkpoint FROM signed_tree_heads ORDER BY tree_size DESC LIMIT 1")
    ).rows[0].checkpoint;

    await registerSigningKey(
      db.pool,
      { keyId: b.logSigner.keyId, name: b.logSigner.origin, verifierKey: b.verifierKey },
      new Date(),
    );
    await deliver(2);
    await commitBatch(db.pool, b.logSigner, 100, Date.now());

    const keys = await listAttestationKeys(db.pool);
    const byId = new Map(keys.map((k) => [k.keyId, k]));
    expect(byId.get(a.logSigner.keyId)?.retiredAt).toBeInstanceOf(Date);
    expect(byId.get(b.logSigner.keyId)?.retiredAt).toBeNull();
    expect(openNote(oldCheckpoint, [a.verifierKey]).ok).toBe(true);
    expect(openNote(oldCheckpoint, [b.verifierKey]).ok).toBe(false);

    // Receipts prove inclusion in the newest checkpoint, signed by the new key.
    const built = await buildReceipt(db.pool, tenantId, firstAttempt!);
    if (built.outcome !== "receipt") throw new Error(built.outcome);
    expect(built.receipt.verifier_keys).toEqual([b.verifierKey]);
    expect((await verifyReceipt(built.receipt, { trustedKeys: [b.verifierKey] })).ok).toBe(true);
    expect((await verifyReceipt(built.receipt, { trustedKeys: [a.verifierKey] })).ok).toBe(false);
  });
});

describe("AttestationCommitter", () => {
  it("commits when enough leaves wait or the oldest waited too long, and flushes on stop", async () => {
    const { logSigner } = signer("kapsel.loop/log");
    const clock = new ManualClock(Date.now());
    const committer = new AttestationCommitter({
      pool: db.pool,
      logSigner,
      logger: silentLogger(),
      clock,
      batchLeaves: 10,
      maxDelayMs: 60_000,
      checkIntervalMs: 20,
      maxLeavesPerCommit: 1000,
    });
    await committer.start();
    const pending = async () => (await db.pool.query("SELECT count(*)::int AS n FROM pending_leaves")).rows[0].n;
    try {
      await deliver(4); // below the batch size, not overdue: a check that began after it leaves them pending
      const checks = committer.checks;
      await waitFor(() => committer.checks >= checks + 2); // the first may have begun before
      expect(await pending()).toBe(4);
      clock.advance(61_000); // now overdue (the delivery harness's clock started a moment later)
      await waitFor(async () => (await pending()) === 0);
      await deliver(12); // reaches the batch size
      await waitFor(async () => (await pending()) === 0);
      await deliver(3);
    } finally {
      await committer.stop(); // flushes the last 3
    }
    expect(await pending()).toBe(0);
  });
});
