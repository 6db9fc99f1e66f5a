import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { newId } from "@kapsel/core";
import { generateMasterKey, parsePrivateKey, sealedKeyId } from "@kapsel/secrets";
import {
  createTestDatabaseBefore,
  findPlaintextSecrets,
  insertTenant,
  type Receiver,
  startReceiver,
  TEST_SECRETS_KEY,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { signSourceRequest, verifySource } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

// An installation from before secrets were sealed: its plaintext rows are sealed when a worker
// holding the key starts, everything still verifies and signs, and `npm run secrets:rotate`
// moves every value to a new master key, after which the old one is not needed.

const SOURCE_SECRET = "gh-secret-stored-before-sealing";
const SIGNING_SECRET = "whsec_c3RvcmVkLWJlZm9yZS1zZWFsaW5nLXNpZ25pbmctc2VjcmV0";
const CLI = fileURLToPath(new URL("../apps/worker/src/secrets-cli.ts", import.meta.url));

let db: TestDatabase;
let receiver: Receiver;
let endpointId: string;
let worker: WorkerProcess | null = null;

beforeAll(async () => {
  receiver = await startReceiver();
  db = await createTestDatabaseBefore("20261203140000_secrets_at_rest");
  const tenant = await insertTenant(db.pool);
  endpointId = newId("endpoint");
  await db.pool.query(
    `INSERT INTO endpoints (id, tenant_id, url, source_scheme, source_secret, signing_secret)
     VALUES ($1, $2, $3, 'github', $4, $5)`,
    [endpointId, tenant.id, receiver.url, SOURCE_SECRET, SIGNING_SECRET],
  );
});
afterAll(async () => {
  if (worker?.child.exitCode === null) await worker.crash();
  await receiver.close();
  await db.drop();
});

function startWorker(key: string) {
  return startWorkerProcess({
    DATABASE_URL: db.url,
    MIGRATE_ON_START: "true",
    KAPSEL_ROLES: "ingest,deliver",
    INGEST_PORT: "0",
    DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
    DELIVERY_POLL_MS: "100",
    KAPSEL_SECRETS_KEY: key,
  });
}

/** Ingests one event signed with the source secret and waits until the receiver got it; returns whether its signature verifies. */
async function roundTrip(label: string): Promise<boolean> {
  const body = Buffer.from(JSON.stringify({ round: label }));
  const res = await fetch(`http://127.0.0.1:${String(worker?.ready.ingestPort)}/ingest/${endpointId}`, {
    method: "POST",
    headers: { ...signSourceRequest({ scheme: "github", secret: SOURCE_SECRET }, body, Date.now()) },
    body,
  });
  expect(res.status).toBe(202);
  await waitFor(async () => receiver.requests.some((r) => r.body.equals(body)), 30_000);
  const got = receiver.requests.find((r) => r.body.equals(body))!;
  const check = verifySource(
    { scheme: "standard-webhooks", secret: SIGNING_SECRET },
    got.headers,
    got.body,
    Date.now(),
  );
  return check.outcome === "verified";
}

async function storedKeyIds(): Promise<(string | null)[]> {
  // The source secret moved to the endpoint's source (migration 20261203180000_sources).
  const { rows } = await db.pool.query(
    "SELECT s.secret AS source_secret, e.signing_secret FROM endpoints e JOIN sources s ON s.endpoint_id = e.id WHERE e.id = $1",
    [endpointId],
  );
  return [sealedKeyId(rows[0].source_secret), sealedKeyId(rows[0].signing_secret)];
}

describe("secrets at rest across an upgrade and a master key rotation", () => {
  it("seals plaintext rows on first start, verifies and signs, and rotates to a new master key", async () => {
    expect(await findPlaintextSecrets(db.pool)).not.toEqual([]);
    worker = await startWorker(TEST_SECRETS_KEY);
    expect(await findPlaintextSecrets(db.pool)).toEqual([]);
    const testKeyId = parsePrivateKey(TEST_SECRETS_KEY).keyId;
    expect(await storedKeyIds()).toEqual([testKeyId, testKeyId]);
    expect(await roundTrip("after sealing")).toBe(true);
    await worker.stop();

    const newKey = generateMasterKey();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", CLI, "rotate"], {
      env: { ...process.env, DATABASE_URL: db.url, KAPSEL_SECRETS_KEY: `${newKey},${TEST_SECRETS_KEY}` },
    });
    expect(stdout).toContain("Re-wrapped 2 secret(s) of 1 endpoint(s) and 1 source(s)");
    const newKeyId = parsePrivateKey(newKey).keyId;
    expect(await storedKeyIds()).toEqual([newKeyId, newKeyId]);

    // The old key is gone from the worker's configuration: nothing needs it any more.
    worker = await startWorker(newKey);
    expect(await roundTrip("after rotation")).toBe(true);
    await worker.stop();
  });
});
