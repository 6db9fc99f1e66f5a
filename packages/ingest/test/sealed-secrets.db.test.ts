import { createKeyring, generateMasterKey, isSealed } from "@kapsel/secrets";
import {
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
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Source secrets are stored sealed (packages/secrets); ingest opens them to verify, and refuses
// (E3006, nothing stored) what it cannot open rather than verify with anything else.

let db: TestDatabase;
let ingest: IngestHarness;
let tenantId: string;
const SECRET = "gh-secret-sealed-at-rest";

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool);
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

function post(endpointId: string, secret = SECRET) {
  const body = Buffer.from(JSON.stringify({ hello: "sealed" }));
  const headers = signSourceRequest({ scheme: "github", secret }, body, ingest.clock.now());
  return fetch(`${ingest.url}/ingest/${endpointId}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });
}

async function storedSourceSecret(endpointId: string): Promise<string> {
  const { rows } = await db.pool.query("SELECT secret AS source_secret FROM sources WHERE endpoint_id = $1", [
    endpointId,
  ]);
  return rows[0].source_secret;
}

describe("ingest with sealed source secrets", () => {
  it("verifies against the opened secret; the stored value is sealed", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: SECRET });
    expect(isSealed(await storedSourceSecret(ep.id))).toBe(true);
    expect((await post(ep.id)).status).toBe(202);
    const wrong = await post(ep.id, "not-the-secret");
    expect([wrong.status, await errorCode(wrong)]).toEqual([401, "E1005"]);
  });

  it("refuses with E3006 and stores nothing when the sealed value was altered", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: SECRET });
    const sealed = await storedSourceSecret(ep.id);
    const i = sealed.length - 5;
    const tampered = sealed.slice(0, i) + (sealed[i] === "x" ? "y" : "x") + sealed.slice(i + 1);
    await db.pool.query("UPDATE sources SET secret = $2 WHERE endpoint_id = $1", [ep.id, tampered]);
    const res = await post(ep.id);
    expect([res.status, await errorCode(res)]).toEqual([503, "E3006"]);
    expect(res.headers.get("retry-after")).toBe("30");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("refuses with E3006 a secret sealed under a master key this process does not hold", async () => {
    const other = createKeyring(generateMasterKey());
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: SECRET });
    await db.pool.query("UPDATE sources SET secret = $2 WHERE endpoint_id = $1", [ep.id, other.seal(SECRET)]);
    const res = await post(ep.id);
    expect([res.status, await errorCode(res)]).toEqual([503, "E3006"]);
    expect(await countEvents(db.pool, ep.id)).toBe(0);
    // The database refuses plaintext in a secret column (constraint sources_secrets_sealed).
    await expect(
      db.pool.query("UPDATE sources SET secret = $2 WHERE endpoint_id = $1", [ep.id, SECRET]),
    ).rejects.toMatchObject({ code: "23514" });
    expect(testSecrets.open(testSecrets.seal(SECRET))).toBe(SECRET);
  });
});
