import {
  generateSignerKey,
  leafHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromLeafHashes,
  verifyConsistency,
  verifyReceipt,
} from "@kapsel/attestation";
import {
  buildConsistencyProof,
  buildReceipt,
  commitBatch,
  type LogSigner,
  loadLogSigner,
} from "@kapsel/attestation-log";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let receiver: Receiver;
let tenantId: string;
let otherTenantId: string;
let logSigner: LogSigner;
let verifierKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  tenantId = (await insertTenant(db.pool)).id;
  otherTenantId = (await insertTenant(db.pool, "Other")).id;
  const key = generateSignerKey("kapsel.test/log");
  const loaded = loadLogSigner(key.signerKey);
  if (!loaded.ok) throw new Error(loaded.problem);
  logSigner = loaded.logSigner;
  verifierKey = key.verifierKey;
  await db.pool.query("INSERT INTO attestation_keys (key_id, name, verifier_key) VALUES ($1, $2, $3)", [
    logSigner.keyId,
    logSigner.origin,
    verifierKey,
  ]);
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

/** Delivers `count` events for real, so that their attempts queue leaves. */
async function deliverEvents(count: number): Promise<string[]> {
  const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url, maxInFlight: 50 });
  const ids = await insertEvents(db.pool, ep, count, new Date());
  const delivery = startDelivery(db.pool);
  await delivery.until(async () => {
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND status = 'delivered'",
      [ids],
    );
    return rows[0].n === count;
  });
  await delivery.stop();
  const { rows } = await db.pool.query("SELECT id FROM delivery_attempts WHERE event_id = ANY($1)", [ids]);
  return rows.map((r) => r.id);
}

async function allLeafHashes(): Promise<Uint8Array[]> {
  const { rows } = await db.pool.query("SELECT leaf FROM merkle_leaves ORDER BY leaf_index");
  return rows.map((r) => leafHash(new Uint8Array(r.leaf)));
}

describe("attestation committer", () => {
  it("commits pending leaves with a signed checkpoint whose root matches the leaves", async () => {
    const attempts = await deliverEvents(37);
    const first = await commitBatch(db.pool, logSigner, 10, Date.now());
    expect(first).toMatchObject({ outcome: "committed", treeSize: 10, leaves: 10, firstIndex: 0 });
    expect(first.outcome === "committed" && first.committed.length).toBe(10);
    let result = first;
    while (result.outcome === "committed") result = await commitBatch(db.pool, logSigner, 10, Date.now());
    expect(result).toEqual({ outcome: "nothing_pending" });

    const { rows: leaves } = await db.pool.query(
      "SELECT leaf_index, attempt_id FROM merkle_leaves ORDER BY leaf_index",
    );
    expect(leaves.map((l) => l.leaf_index)).toEqual([...Array(37).keys()]); // no gap, no duplicate
    expect(leaves.map((l) => l.attempt_id).sort()).toEqual([...attempts].sort());
    expect((await db.pool.query("SELECT count(*)::int AS n FROM pending_leaves")).rows[0].n).toBe(0);

    const { rows: heads } = await db.pool.query(
      "SELECT tree_size, root_hash, checkpoint FROM signed_tree_heads ORDER BY tree_size",
    );
    expect(heads.map((h) => h.tree_size)).toEqual([10, 20, 30, 37]);
    const latest = heads.at(-1)!;
    // The stored root is the RFC 9162 root of all leaves, recomputed here from scratch.
    expect(Buffer.from(rootFromLeafHashes(await allLeafHashes())).equals(latest.root_hash)).toBe(true);
    const key = parseVerifierKey(verifierKey);
    if (!key.ok) throw new Error(key.reason);
    const opened = openNote(latest.checkpoint, [key.key]);
    expect(opened.ok).toBe(true);
    const checkpoint = parseCheckpoint(opened.ok ? opened.body : "");
    expect(checkpoint.ok && checkpoint.checkpoint.treeSize).toBe(37);
  });

  it("serves receipts that verify offline, only to the attempt's tenant", async () => {
    const [attemptId] = await deliverEvents(5);
    expect(await buildReceipt(db.pool, tenantId, attemptId!)).toEqual({ outcome: "pending" });
    await commitBatch(db.pool, logSigner, 1000, Date.now());
    const built = await buildReceipt(db.pool, tenantId, attemptId!);
    expect(built.outcome).toBe("receipt");
    if (built.outcome !== "receipt") return;
    const verdict = await verifyReceipt(built.receipt, { trustedKeys: [verifierKey] });
    expect(verdict.ok).toBe(true);
    // Another tenant's caller learns nothing, exactly as for an unknown id.
    expect(await buildReceipt(db.pool, otherTenantId, attemptId!)).toEqual({ outcome: "not_found" });
    expect(await buildReceipt(db.pool, tenantId, "att_01M84CC7QAW9Y7TVMT6XEJS9PB")).toEqual({ outcome: "not_found" });
    // Rewriting history in the attempts table changes nothing the receipt proves: the committed
    // leaf still says what happened, and the altered row no longer matches it.
    await db.pool.query(
      "UPDATE delivery_attempts SET response_status = 500, result = 'permanent_failure' WHERE id = $1",
      [attemptId],
    );
    const again = await buildReceipt(db.pool, tenantId, attemptId!);
    if (again.outcome !== "receipt") throw new Error(again.outcome);
    expect(again.receipt.leaf).toBe(built.receipt.leaf);
    expect(JSON.parse(again.receipt.leaf).outcome).toEqual({ status: 200, error_class: null, result: "success" });
    expect((await verifyReceipt(again.receipt, { trustedKeys: [verifierKey] })).ok).toBe(true);
    // A receipt whose leaf was altered fails.
    const tampered = { ...built.receipt, leaf: built.receipt.leaf.replace('"attempt_number":1', '"attempt_number":2') };
    expect((await verifyReceipt(tampered, { trustedKeys: [verifierKey] })).ok).toBe(false);
  });

  it("proves every signed tree head consistent with every later one", async () => {
    const { rows } = await db.pool.query("SELECT tree_size, root_hash FROM signed_tree_heads ORDER BY tree_size");
    for (const [i, older] of rows.entries()) {
      for (const newer of rows.slice(i)) {
        const built = await buildConsistencyProof(db.pool, older.tree_size, newer.tree_size);
        expect(built.outcome).toBe("proof");
        if (built.outcome !== "proof") continue;
        const verdict = verifyConsistency({
          size1: older.tree_size,
          size2: newer.tree_size,
          root1: new Uint8Array(older.root_hash),
          root2: new Uint8Array(newer.root_hash),
          proof: built.proof,
        });
        expect(verdict.ok).toBe(true);
      }
    }
    expect(await buildConsistencyProof(db.pool, 0, 5)).toEqual({ outcome: "invalid", reason: "need 1 <= from <= to" });
    expect((await buildConsistencyProof(db.pool, 1, 1_000_000)).outcome).toBe("invalid");
  });

  it("lets one committer at a time commit, and a failed commit leaves nothing behind", async () => {
    await deliverEvents(20);
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM merkle_leaves")).rows[0].n;
    // A signer that fails after the leaves and nodes were written: the whole batch must vanish.
    const failing: LogSigner = {
      ...logSigner,
      signer: { ...logSigner.signer, sign: async () => Promise.reject(new Error("HSM unavailable")) },
    };
    await expect(commitBatch(db.pool, failing, 1000, Date.now())).rejects.toThrow("HSM unavailable");
    expect((await db.pool.query("SELECT count(*)::int AS n FROM merkle_leaves")).rows[0].n).toBe(before);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM pending_leaves")).rows[0].n).toBe(20);

    const results = await Promise.all([1, 2, 3].map(() => commitBatch(db.pool, logSigner, 1000, Date.now())));
    expect(results.filter((r) => r.outcome === "committed")).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT leaf_index FROM merkle_leaves ORDER BY leaf_index");
    expect(rows.map((r) => r.leaf_index)).toEqual([...Array(before + 20).keys()]);
  });
});
