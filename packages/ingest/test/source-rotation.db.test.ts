import { createKeyring, generateMasterKey } from "@kapsel/secrets";
import {
  type CapturedLogs,
  capturingLogger,
  countEvents,
  createTestDatabase,
  errorCode,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
  testSecrets,
} from "@kapsel/test-support";
import { generateWebhookSecret, signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A source secret rotation with a grace period (rotateEndpointSecret kind SOURCE, graceHours):
// until the previous secret expires on the ingest clock, a request signed with either the new or
// the old secret is accepted; afterwards only the new one.

const HOUR = 3_600_000;
let db: TestDatabase;
let ingest: IngestHarness;
let logs: CapturedLogs;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  logs = capturingLogger("debug");
  ingest = await startIngest(db.pool, { logger: logs.logger });
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

/**
 * The state rotateEndpointSecret(kind: SOURCE) leaves (packages/graphql-api, rotateSourceSecret):
 * the same statement shape, so the marker and the endpoints_rotate_source_secret trigger move the
 * current sealed secret into previous_source_secret.
 */
async function rotate(endpointId: string, secret: string, graceMs: number): Promise<void> {
  await db.pool.query(
    `UPDATE endpoints
        SET previous_source_secret = CASE WHEN $3::bigint > 0 THEN 'kapsel:current-source-secret' END,
            previous_source_secret_expires_at =
              CASE WHEN $3::bigint > 0 THEN $4::timestamptz + $3::bigint * interval '1 millisecond' END,
            source_secret = $2
      WHERE id = $1`,
    [endpointId, testSecrets.seal(secret), graceMs, new Date(ingest.clock.now())],
  );
}

function post(endpointId: string, secret: string, signedAtMs = ingest.clock.now()) {
  const body = Buffer.from(JSON.stringify({ hello: "rotation" }));
  const headers = signSourceRequest({ scheme: "standard-webhooks", secret }, body, signedAtMs);
  return fetch(`${ingest.url}/ingest/${endpointId}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });
}

async function newEndpoint() {
  const secret = generateWebhookSecret();
  const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "standard-webhooks", sourceSecret: secret });
  return { id: ep.id, secret };
}

const usedPrevious = (endpointId: string) =>
  logs.lines.filter((l) => l.endpointId === endpointId && String(l.msg).includes("previous source secret"));

describe("source secret rotation with a grace period", () => {
  it("accepts the old and the new secret until the old one expires, then only the new one", async () => {
    const ep = await newEndpoint();
    const next = generateWebhookSecret();
    await rotate(ep.id, next, HOUR);

    const old = await post(ep.id, ep.secret);
    expect(old.status).toBe(202);
    const fresh = await post(ep.id, next);
    expect(fresh.status).toBe(202);
    expect(await countEvents(db.pool, ep.id)).toBe(2);
    // Logged (at debug) only for the request the previous secret verified.
    expect(usedPrevious(ep.id)).toHaveLength(1);
    expect(usedPrevious(ep.id)[0]).toMatchObject({ level: 20 });
    expect(logs.text()).not.toContain(ep.secret);

    ingest.clock.advance(HOUR + 1000);
    const expired = await post(ep.id, ep.secret);
    expect([expired.status, await errorCode(expired)]).toEqual([401, "E1005"]);
    expect(await countEvents(db.pool, ep.id)).toBe(2);
    expect((await post(ep.id, next)).status).toBe(202);
    expect(await countEvents(db.pool, ep.id)).toBe(3);
  });

  it("with graceHours 0 refuses the old secret at once", async () => {
    const ep = await newEndpoint();
    const next = generateWebhookSecret();
    await rotate(ep.id, next, 0);
    const old = await post(ep.id, ep.secret);
    expect([old.status, await errorCode(old)]).toEqual([401, "E1005"]);
    expect(await countEvents(db.pool, ep.id)).toBe(0);
    expect((await post(ep.id, next)).status).toBe(202);
  });

  it("a second rotation supersedes the first: the secret before the previous one stops at once", async () => {
    const ep = await newEndpoint();
    const second = generateWebhookSecret();
    const third = generateWebhookSecret();
    await rotate(ep.id, second, HOUR);
    await rotate(ep.id, third, HOUR);
    const first = await post(ep.id, ep.secret);
    expect([first.status, await errorCode(first)]).toEqual([401, "E1005"]);
    expect((await post(ep.id, second)).status).toBe(202);
    expect((await post(ep.id, third)).status).toBe(202);
  });

  it("keeps the answers for a missing signature and for a stale timestamp signed with the old secret", async () => {
    const ep = await newEndpoint();
    await rotate(ep.id, generateWebhookSecret(), HOUR);
    const unsigned = await fetch(`${ingest.url}/ingest/${ep.id}`, { method: "POST", body: "{}" });
    expect([unsigned.status, await errorCode(unsigned)]).toEqual([401, "E1004"]);
    const stale = await post(ep.id, ep.secret, ingest.clock.now() - 600_000);
    expect([stale.status, await errorCode(stale)]).toEqual([401, "E1006"]);
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("opens the previous secret only when the current one does not verify", async () => {
    const ep = await newEndpoint();
    const next = generateWebhookSecret();
    await rotate(ep.id, next, HOUR);
    // A previous secret this process cannot open: harmless while the current signature is valid.
    const foreign = createKeyring(generateMasterKey()).seal(ep.secret);
    await db.pool.query("UPDATE endpoints SET previous_source_secret = $2 WHERE id = $1", [ep.id, foreign]);
    expect((await post(ep.id, next)).status).toBe(202);
    const old = await post(ep.id, ep.secret);
    expect([old.status, await errorCode(old)]).toEqual([503, "E3006"]);
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });
});
