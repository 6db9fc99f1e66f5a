import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSignerKey, leafHash, rootFromLeafHashes } from "@kapsel/attestation";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApiProcess } from "./api-process.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

const VERIFY_BIN = fileURLToPath(new URL("../packages/verify-cli/bin/kapsel-verify.mjs", import.meta.url));

let db: TestDatabase;
let receiver: Receiver;
let dir: string;
const workers: WorkerProcess[] = [];
const signing = generateSignerKey("kapsel.e2e/log");

beforeAll(async () => {
  receiver = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), "kapsel-receipts-"));
});
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => (w.child.exitCode === null ? w.crash() : undefined)));
  await db.drop();
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    INGEST_ENABLED: "false",
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    DELIVERY_POLL_MS: "200",
    ATTEST_SIGNING_KEY: signing.signerKey,
    ATTEST_CHECK_MS: "50",
    ATTEST_MAX_DELAY_MS: "100",
    ...extra,
  };
}

const count = async (sql: string): Promise<number> => (await db.pool.query(sql)).rows[0].n;

function verify(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFY_BIN, ...args], (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

describe("attestation through the running platform", () => {
  it("a receipt fetched from the API verifies with kapsel-verify, and fails when any field is changed", async () => {
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url });
    await insertEvents(db.pool, ep, 7, new Date());
    workers.push(await startWorkerProcess(workerEnv()));
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM merkle_leaves")) === 7);
    const api = await startApiProcess(db.url);
    try {
      const { rows } = await db.pool.query("SELECT id FROM delivery_attempts ORDER BY started_at LIMIT 1");
      const attemptId = rows[0].id as string;
      const unauthenticated = await fetch(`${api.url}/attestation/receipts/${attemptId}`);
      expect(unauthenticated.status).toBe(401);
      const res = await fetch(`${api.url}/attestation/receipts/${attemptId}`, {
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      });
      expect(res.status).toBe(200);
      const receipt = (await res.json()) as Record<string, unknown>;
      const keys = (await (await fetch(`${api.url}/attestation/keys`)).json()) as { keys: { verifier_key: string }[] };
      expect(keys.keys.map((k) => k.verifier_key)).toEqual([signing.verifierKey]);

      const file = join(dir, "receipt.json");
      await writeFile(file, JSON.stringify(receipt));
      const good = await verify([file, "--key", signing.verifierKey]);
      expect(good.code).toBe(0);
      expect(good.stdout).toContain(`VERIFIED: attempt ${attemptId}`);

      const tampered: Record<string, (r: Record<string, unknown>) => void> = {
        leaf: (r) => {
          r.leaf = String(r.leaf).replace('"status":200', '"status":201');
        },
        leaf_index: (r) => {
          r.leaf_index = Number(r.leaf_index) + 1;
        },
        tree_size: (r) => {
          r.tree_size = Number(r.tree_size) + 1;
        },
        checkpoint_signature: (r) => {
          const note = String(r.checkpoint);
          const i = note.lastIndexOf(" ") + 5;
          r.checkpoint = `${note.slice(0, i)}${note[i] === "A" ? "B" : "A"}${note.slice(i + 1)}`;
        },
        checkpoint_body: (r) => {
          r.checkpoint = String(r.checkpoint).replace("\n7\n", "\n8\n");
        },
      };
      for (const [what, change] of Object.entries(tampered)) {
        const copy = structuredClone(receipt);
        change(copy);
        const path = join(dir, `tampered-${what}.json`);
        await writeFile(path, JSON.stringify(copy));
        const result = await verify([path, "--key", signing.verifierKey]);
        expect({ what, code: result.code }).toEqual({ what, code: 1 });
        expect(result.stdout).toContain("FAILED");
      }
    } finally {
      await api.stop();
    }
  });

  it("killing the committer mid-commit loses no leaf and leaves no gap or duplicate index", async () => {
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url, maxInFlight: 64 });
    await insertEvents(db.pool, ep, 2000, new Date());
    // Small batches so that commits are frequent and a kill lands inside one.
    const env = workerEnv({ ATTEST_BATCH_LEAVES: "20", ATTEST_MAX_LEAVES_PER_COMMIT: "20", ATTEST_CHECK_MS: "10" });
    const first = await startWorkerProcess(env);
    workers.push(first);
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM signed_tree_heads")) >= 10);
    await first.crash();
    const second = await startWorkerProcess(env);
    workers.push(second);
    await waitFor(
      async () =>
        (await count("SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'")) === 0 &&
        (await count("SELECT count(*)::int AS n FROM pending_leaves")) === 0,
      120_000,
    );
    await second.stop();

    const attempts = await count("SELECT count(*)::int AS n FROM delivery_attempts");
    const { rows } = await db.pool.query("SELECT leaf_index, leaf FROM merkle_leaves ORDER BY leaf_index");
    expect(rows.length).toBe(attempts); // every attempt has exactly one leaf (attempt_id is unique)
    expect(rows.every((r, i) => r.leaf_index === i)).toBe(true); // no gap, no duplicate
    const head = (
      await db.pool.query("SELECT tree_size, root_hash FROM signed_tree_heads ORDER BY tree_size DESC LIMIT 1")
    ).rows[0];
    expect(head.tree_size).toBe(attempts);
    const root = rootFromLeafHashes(rows.map((r) => leafHash(new Uint8Array(r.leaf))));
    expect(Buffer.from(root).equals(head.root_hash)).toBe(true);
    console.log(`committer killed mid-run: ${attempts} attempts, ${rows.length} leaves, 0 gaps`);
  });
});
