import { newId } from "@kapsel/core";
import {
  createTestDatabase,
  type EndpointOptions,
  errorCode,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// POST /ingest/:id resolves its id through sources (decision 0027): a source id, or the id of the
// endpoint a source feeds (the URL endpoints had before sources). Either way the event is stored
// with that source and the type its scheme derives (docs/routing.md).

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

type Scheme = NonNullable<EndpointOptions["sourceScheme"]>;

async function post(
  urlId: string,
  scheme: Scheme,
  secret: string | null,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; eventId: string | null }> {
  const raw = Buffer.from(body);
  const signed = secret === null ? {} : signSourceRequest({ scheme, secret }, raw, ingest.clock.now());
  const res = await fetch(`${ingest.url}/ingest/${urlId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...signed, ...headers },
    body: raw,
  });
  const json = (await res.json()) as { event_id?: string };
  return { status: res.status, eventId: json.event_id ?? null };
}

async function stored(eventId: string): Promise<{ source_id: string; endpoint_id: string; type: string }> {
  const { rows } = await db.pool.query("SELECT source_id, endpoint_id, type FROM events WHERE id = $1", [eventId]);
  return rows[0];
}

describe("ingest through sources", () => {
  it("verifies and stores with the source's id whether the URL names the source or its endpoint", async () => {
    const secret = "gh-secret-sources-url";
    const ep = await insertEndpoint(db.pool, tenantId, { sourceScheme: "github", sourceSecret: secret });
    const headers = { "x-github-event": "push" };
    for (const urlId of [ep.sourceId, ep.id]) {
      const ok = await post(urlId, "github", secret, '{"ref":"main"}', headers);
      expect(ok.status).toBe(202);
      expect(await stored(ok.eventId!)).toEqual({ source_id: ep.sourceId, endpoint_id: ep.id, type: "push" });
      // The source's secret is what verifies, through either URL.
      const forged = await post(urlId, "github", "gh-secret-wrong", '{"ref":"main"}', headers);
      expect(forged.status).toBe(401);
    }
    const { rows } = await db.pool.query(
      "SELECT d.endpoint_id FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.source_id = $1",
      [ep.sourceId],
    );
    expect(rows).toEqual([{ endpoint_id: ep.id }, { endpoint_id: ep.id }]);
  });

  it("answers 404 E1001 for a source id or endpoint id that names nothing, saying 'source'", async () => {
    for (const urlId of [newId("source"), newId("endpoint"), "src_nope"]) {
      const res = await fetch(`${ingest.url}/ingest/${urlId}`, { method: "POST", body: "{}" });
      expect([res.status, await errorCode(res.clone())]).toEqual([404, "E1001"]);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/source/);
    }
  });

  it("refuses a source whose endpoint was disabled, through both URLs", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { status: "disabled" });
    for (const urlId of [ep.sourceId, ep.id]) {
      const res = await fetch(`${ingest.url}/ingest/${urlId}`, { method: "POST", body: "{}" });
      expect([res.status, await errorCode(res)]).toEqual([409, "E1002"]);
    }
  });

  it("deduplicates an idempotency key per source: once across both URLs, separately for another source", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const other = await insertEndpoint(db.pool, tenantId);
    const key = { "x-idempotency-key": "order-7" };
    const first = await post(ep.sourceId, "none", null, "{}", key);
    const again = await post(ep.id, "none", null, "{}", key);
    const elsewhere = await post(other.sourceId, "none", null, "{}", key);
    expect([first.status, again.status, elsewhere.status]).toEqual([202, 200, 202]);
    expect(again.eventId).toBe(first.eventId);
    expect(elsewhere.eventId).not.toBe(first.eventId);
    const { rows } = await db.pool.query(
      "SELECT source_id, event_id FROM idempotency_keys WHERE key = 'order-7' ORDER BY source_id",
    );
    expect(rows).toEqual(
      [
        { source_id: ep.sourceId, event_id: first.eventId },
        { source_id: other.sourceId, event_id: elsewhere.eventId },
      ].sort((a, b) => a.source_id.localeCompare(b.source_id)),
    );
  });
});

describe("event types derived at ingest", () => {
  const cases: {
    name: string;
    scheme: Scheme;
    secret: string | null;
    options?: EndpointOptions;
    headers?: Record<string, string>;
    body: string;
    type: string;
  }[] = [
    {
      name: "GitHub: header and action",
      scheme: "github",
      secret: "gh-secret-types",
      headers: { "x-github-event": "issues" },
      body: '{"action":"opened","issue":{"number":1}}',
      type: "issues.opened",
    },
    {
      name: "GitHub: header alone when the payload has no action",
      scheme: "github",
      secret: "gh-secret-types",
      headers: { "x-github-event": "push" },
      body: '{"ref":"refs/heads/main"}',
      type: "push",
    },
    {
      name: "Stripe: the payload's type",
      scheme: "stripe",
      secret: "whsec_c3RyaXBlLXR5cGVz",
      body: '{"id":"evt_1","type":"invoice.payment_failed"}',
      type: "invoice.payment_failed",
    },
    {
      name: "Shopify: the topic header",
      scheme: "shopify",
      secret: "shpss_types",
      headers: { "x-shopify-topic": "orders/create" },
      body: '{"id":1}',
      type: "orders.create",
    },
    {
      name: "Standard Webhooks: the payload's type",
      scheme: "standard-webhooks",
      secret: "whsec_c3RhbmRhcmQtd2ViaG9va3MtdHlwZXM=",
      body: '{"type":"user.created","data":{}}',
      type: "user.created",
    },
    {
      name: "generic: the source's type header",
      scheme: "none",
      secret: null,
      options: { typeHeader: "x-event-type", typePointer: "/meta/event" },
      headers: { "X-Event-Type": "build.finished" },
      body: '{"meta":{"event":"ignored.when.header"}}',
      type: "build.finished",
    },
    {
      name: "generic: the source's type pointer",
      scheme: "hmac-sha256",
      secret: "src-secret-hmac-types",
      options: { typePointer: "/meta/event" },
      body: '{"meta":{"event":"deploy.started"}}',
      type: "deploy.started",
    },
    {
      name: "unknown when nothing gives a type",
      scheme: "none",
      secret: null,
      body: '{"type":"not.configured"}',
      type: "unknown",
    },
    {
      name: "unknown for a body that is not JSON",
      scheme: "stripe",
      secret: "whsec_c3RyaXBlLXR5cGVz",
      body: "type=invoice.paid",
      type: "unknown",
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const ep = await insertEndpoint(db.pool, tenantId, {
        sourceScheme: c.scheme,
        sourceSecret: c.secret,
        ...c.options,
      });
      const res = await post(ep.sourceId, c.scheme, c.secret, c.body, c.headers);
      expect(res.status).toBe(202);
      expect((await stored(res.eventId!)).type).toBe(c.type);
    });
  }
});
