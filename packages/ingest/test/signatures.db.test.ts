import {
  countEvents,
  createTestDatabase,
  type IngestAnswer,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { type SourceVerification, signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let db: TestDatabase;
let ingest: IngestHarness;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool);
  tenantId = (await insertTenant(db.pool)).id;
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

const schemes: { name: string; config: SourceVerification; timestamped: boolean }[] = [
  {
    name: "standard-webhooks",
    config: { scheme: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    timestamped: true,
  },
  { name: "github", config: { scheme: "github", secret: "gh-secret" }, timestamped: false },
  { name: "stripe", config: { scheme: "stripe", secret: "whsec_stripe_test" }, timestamped: true },
  { name: "shopify", config: { scheme: "shopify", secret: "shpss_secret" }, timestamped: false },
  {
    name: "hmac-sha256 hex",
    config: { scheme: "hmac-sha256", secret: "generic", header: "x-my-signature", encoding: "hex", prefix: "sha256=" },
    timestamped: false,
  },
  {
    name: "hmac-sha256 base64",
    config: { scheme: "hmac-sha256", secret: "generic", header: "x-sig", encoding: "base64" },
    timestamped: false,
  },
];

async function endpointFor(config: SourceVerification) {
  return insertEndpoint(db.pool, tenantId, {
    sourceScheme: config.scheme,
    sourceSecret: config.secret,
    sourceHeader: config.header ?? null,
    sourceEncoding: config.encoding ?? null,
    sourcePrefix: config.prefix ?? null,
  });
}

async function send(endpointId: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${ingest.url}/ingest/${endpointId}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: res.status, json: (await res.json()) as IngestAnswer };
}

describe.each(schemes)("source verification: $name", ({ config }) => {
  const body = '{"id":"evt_src_1","type":"invoice.paid","amount":4200}';

  it("accepts a correctly signed request", async () => {
    const ep = await endpointFor(config);
    const res = await send(ep.id, body, signSourceRequest(config, Buffer.from(body), ingest.clock.now()));
    expect(res.status).toBe(202);
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });

  it("rejects a tampered body with 401 E1005 and stores nothing", async () => {
    const ep = await endpointFor(config);
    const headers = signSourceRequest(config, Buffer.from(body), ingest.clock.now());
    const res = await send(ep.id, body.replace("4200", "4201"), headers);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("E1005");
    expect(res.json.error.message).not.toContain(config.secret!);
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("rejects a request signed with another secret with 401 E1005", async () => {
    const ep = await endpointFor(config);
    const other = {
      ...config,
      secret: config.scheme === "standard-webhooks" ? "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==" : "not-the-secret",
    };
    const res = await send(ep.id, body, signSourceRequest(other, Buffer.from(body), ingest.clock.now()));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("E1005");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("rejects an unsigned request with 401 E1004", async () => {
    const ep = await endpointFor(config);
    const res = await send(ep.id, body, {});
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("E1004");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });
});

describe.each(schemes.filter((s) => s.timestamped))("timestamp tolerance: $name", ({ config }) => {
  const body = '{"id":"evt_src_2"}';

  it("rejects a signature older than the tolerance with 401 E1006", async () => {
    const ep = await endpointFor(config);
    const signedAt = ingest.clock.now() - 301_000;
    const res = await send(ep.id, body, signSourceRequest(config, Buffer.from(body), signedAt));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("E1006");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
    // Inside the tolerance the same kind of request is fine.
    const fresh = await send(ep.id, body, signSourceRequest(config, Buffer.from(body), ingest.clock.now() - 299_000));
    expect(fresh.status).toBe(202);
  });
});
