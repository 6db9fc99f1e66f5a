import { request } from "node:http";
import {
  countEvents,
  createTestDatabase,
  errorCode,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Issue #11, finding 4: what a request may cost before it is verified. Unverified requests must not
// spend the tenant's rate, slow uploads must not hold memory that other tenants need, and an
// address that keeps failing verification is turned away before its body is read.

let db: TestDatabase;
const MiB = 1024 * 1024;
const SOURCE = { scheme: "github", secret: "gh-admission-secret" } as const;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** An upload that declares `declared` bytes, sends `sent`, then stalls until closed. */
interface SlowUpload {
  answer: Promise<{ status: number; code: string }>;
  close(): void;
}

function slowUpload(url: string, declared: number, sent: number): SlowUpload {
  const req = request(url, { method: "POST", headers: { "content-length": String(declared) } });
  const answer = new Promise<{ status: number; code: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, code: JSON.parse(text).error?.code ?? "" }));
    });
    req.on("error", reject);
  });
  answer.catch(() => undefined); // closed by the test at the end
  req.write(Buffer.alloc(sent, 7));
  return { answer, close: () => req.destroy() };
}

function signedPost(url: string, body: string): Promise<Response> {
  const headers = signSourceRequest(SOURCE, Buffer.from(body), Date.now());
  return fetch(url, { method: "POST", body, headers });
}

async function limitedTenant(ratePerSecond: number, burst: number): Promise<string> {
  const { id } = await insertTenant(db.pool);
  await db.pool.query("UPDATE tenants SET ingest_rate_per_second = $2, ingest_rate_burst = $3 WHERE id = $1", [
    id,
    ratePerSecond,
    burst,
  ]);
  return id;
}

describe("admission before authentication", () => {
  let ingest: IngestHarness | null = null;
  afterAll(async () => ingest?.close());

  it("30 slow 10 MiB uploads to one tenant fill only that tenant's share: another tenant's ingest still succeeds", async () => {
    ingest = await startIngest(db.pool, {
      maxQueuedBytes: 16 * MiB,
      tenantMaxQueuedBytes: 4 * MiB,
      minUploadRate: null, // the stalls below must hold their bytes for as long as the test needs
    });
    const flooded = await insertEndpoint(db.pool, (await insertTenant(db.pool)).id);
    const other = await insertEndpoint(db.pool, (await insertTenant(db.pool)).id);
    const uploads = Array.from({ length: 30 }, () => slowUpload(`${ingest!.url}/ingest/${flooded.id}`, 10 * MiB, MiB));
    try {
      const answered: { status: number; code: string }[] = [];
      for (const upload of uploads)
        upload.answer.then(
          (a) => answered.push(a),
          () => undefined,
        );
      // Without a tenant share the process budget (16 MiB) fills after 16 uploads and 14 are refused.
      await waitFor(() => answered.length >= 14, 30_000);
      const res = await fetch(`${ingest.url}/ingest/${other.id}`, { method: "POST", body: Buffer.alloc(MiB, 1) });
      expect(res.status).toBe(202);
      expect(await countEvents(db.pool, other.id)).toBe(1);
      expect(answered.every((a) => a.status === 429 && a.code === "E1014")).toBe(true);
    } finally {
      for (const upload of uploads) upload.close();
      await ingest.close();
      ingest = null;
    }
  });

  it("answers a sender below the minimum upload rate 408 E1012 and releases what it held", async () => {
    ingest = await startIngest(db.pool, {
      tenantMaxQueuedBytes: 2 * MiB,
      minUploadRate: { bytesPerSecond: MiB, graceMs: 200 },
    });
    const endpoint = await insertEndpoint(db.pool, (await insertTenant(db.pool)).id);
    const url = `${ingest.url}/ingest/${endpoint.id}`;
    const slow = slowUpload(url, 2 * MiB, MiB); // below 1 MiB/s on average from the check after 1 s
    try {
      expect(await slow.answer).toEqual({ status: 408, code: "E1012" });
      // 1.5 MiB more fits the tenant's 2 MiB share only because the slow sender's bytes were released.
      const res = await fetch(url, { method: "POST", body: Buffer.alloc(1.5 * MiB, 1) });
      expect(res.status).toBe(202);
    } finally {
      slow.close();
      await ingest.close();
      ingest = null;
    }
  });

  it("charges a limited tenant's rate only for verified requests: junk on its URL leaves its tokens", async () => {
    ingest = await startIngest(db.pool, { unverified: { maxFailures: 0, windowMs: 1 } });
    const tenantId = await limitedTenant(1, 3);
    const endpoint = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: SOURCE.secret });
    const url = `${ingest.url}/ingest/${endpoint.id}`;
    try {
      for (let i = 0; i < 10; i++) {
        const junk = await fetch(url, {
          method: "POST",
          body: `{"junk":${i}}`,
          headers: { "x-hub-signature-256": "sha256=00" },
        });
        expect(junk.status).toBe(401);
      }
      // The harness's clock stands still: no token is refilled, so all three come from the burst.
      const verified = await Promise.all([0, 1, 2].map((i) => signedPost(url, `{"n":${i}}`)));
      expect(verified.map((res) => res.status)).toEqual([202, 202, 202]);
      const fourth = await signedPost(url, '{"n":3}');
      expect(fourth.status).toBe(429);
      expect(await errorCode(fourth)).toBe("E1011");
    } finally {
      await ingest.close();
      ingest = null;
    }
  });

  it("refuses an address whose requests keep failing verification 429 E1013 until its window ends", async () => {
    ingest = await startIngest(db.pool, { unverified: { maxFailures: 3, windowMs: 10_000 } });
    const endpoint = await insertEndpoint(db.pool, (await insertTenant(db.pool)).id, {
      sourceScheme: "github",
      sourceSecret: SOURCE.secret,
    });
    const url = `${ingest.url}/ingest/${endpoint.id}`;
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(url, { method: "POST", body: "junk" })).status).toBe(401);
      const blocked = await signedPost(url, '{"n":1}');
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get("retry-after")).toBe("10");
      expect(await errorCode(blocked)).toBe("E1013");
      ingest.clock.advance(10_000);
      expect((await signedPost(url, '{"n":1}')).status).toBe(202);
      expect(await countEvents(db.pool, endpoint.id)).toBe(1);
    } finally {
      await ingest.close();
      ingest = null;
    }
  });
});
