import { newId } from "@kapsel/core";
import {
  createTestDatabase,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// POST /publish: a tenant's own application sends events with its API key (docs/routing.md,
// "Publishing"). Published events come from the tenant's publish source and are routed and
// committed exactly like inbound ones.

let db: TestDatabase;
let ingest: IngestHarness;

beforeAll(async () => {
  db = await createTestDatabase();
  ingest = await startIngest(db.pool);
});
afterAll(async () => {
  await ingest.close();
  await db.drop();
});

interface Answer {
  status: number;
  body: {
    event_id?: string;
    status?: string;
    error?: { code: string; message: string; errors?: { path: string; message: string }[]; omitted?: number };
  };
  headers: Headers;
}

async function publish(
  key: string | null,
  body: unknown,
  options: { raw?: string; url?: string; method?: string } = {},
): Promise<Answer> {
  const res = await fetch(`${options.url ?? ingest.url}/publish`, {
    method: options.method ?? "POST",
    headers: { "content-type": "application/json", ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    ...((options.method ?? "POST") === "POST" ? { body: options.raw ?? JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Answer["body"], headers: res.headers };
}

async function publishSourceOf(tenantId: string): Promise<string> {
  const { rows } = await db.pool.query("SELECT id FROM sources WHERE tenant_id = $1 AND kind = 'publish'", [tenantId]);
  return rows[0].id;
}

async function subscribe(tenantId: string, endpointId: string, sourceIds: string[], types: string[]): Promise<string> {
  const id = newId("subscription");
  await db.pool.query(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns) VALUES ($1, $2, $3, $4, $5)`,
    [id, tenantId, endpointId, sourceIds, types],
  );
  return id;
}

async function declareType(tenantId: string, name: string, schema: unknown, archived = false): Promise<string> {
  const id = newId("eventType");
  const json = schema === null ? null : JSON.stringify(schema);
  await db.pool.query(
    `INSERT INTO event_types (id, tenant_id, name, schema, schema_bytes, origin, archived_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, 'declared', CASE WHEN $6 THEN now() END)`,
    [id, tenantId, name, json, json === null ? null : Buffer.byteLength(json), archived],
  );
  return id;
}

describe("POST /publish: authentication", () => {
  it("refuses a missing, malformed, unknown or operator key with 401 E1015 and stores nothing", async () => {
    const tenant = await insertTenant(db.pool);
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n;
    for (const key of [null, "", "not-a-key", `kap_sk_${"x".repeat(32)}`, "operator-key-with-no-tenant"]) {
      const answer = await publish(key, { type: "a.b", payload: {} });
      expect(answer.status, String(key)).toBe(401);
      expect(answer.body.error?.code).toBe("E1015");
    }
    const basic = await fetch(`${ingest.url}/publish`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`x:${tenant.apiKey}`).toString("base64")}` },
      body: JSON.stringify({ type: "a.b", payload: {} }),
    });
    expect(basic.status).toBe(401);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(before);
  });

  it("stops accepting a revoked key within INGEST_API_KEY_CACHE_MS, not before the cached entry expires", async () => {
    const cached = await startIngest(db.pool, { apiKeyCacheMs: 5_000 });
    try {
      const tenant = await insertTenant(db.pool);
      expect((await publish(tenant.apiKey, { type: "a.b", payload: 1 }, { url: cached.url })).status).toBe(202);
      await db.pool.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1", [tenant.id]);
      cached.clock.advance(4_000);
      expect((await publish(tenant.apiKey, { type: "a.b", payload: 2 }, { url: cached.url })).status).toBe(202);
      cached.clock.advance(1_001);
      const refused = await publish(tenant.apiKey, { type: "a.b", payload: 3 }, { url: cached.url });
      expect(refused.status).toBe(401);
      expect(refused.body.error?.code).toBe("E1015");
    } finally {
      await cached.close();
    }
  });

  it("counts failed authentication against the client address like failed signatures (429 E1013)", async () => {
    const strict = await startIngest(db.pool, { unverified: { maxFailures: 3, windowMs: 60_000 } });
    try {
      const tenant = await insertTenant(db.pool);
      const codes = [];
      for (let i = 0; i < 4; i++) {
        codes.push(
          (await publish(`${tenant.apiKey}x`, { type: "a.b", payload: i }, { url: strict.url })).body.error?.code,
        );
      }
      expect(codes).toEqual(["E1015", "E1015", "E1015", "E1013"]);
      // Blocked before the key is looked up: the valid key from that address waits too.
      expect((await publish(tenant.apiKey, { type: "a.b", payload: 1 }, { url: strict.url })).status).toBe(429);
    } finally {
      await strict.close();
    }
  });

  it("answers anything but POST with 405 E1008", async () => {
    const answer = await publish(null, null, { method: "GET" });
    expect(answer.status).toBe(405);
    expect(answer.body.error?.code).toBe("E1008");
  });
});

describe("POST /publish: the body", () => {
  it("refuses what is not a strict publish body with 400 E1016, and kapsel.* types with 400 E1017", async () => {
    const tenant = await insertTenant(db.pool);
    const cases: [string, string][] = [
      ["not json", "E1016"],
      ["[1]", "E1016"],
      [JSON.stringify({ payload: {} }), "E1016"],
      [JSON.stringify({ type: "bad name", payload: {} }), "E1016"],
      [JSON.stringify({ type: "a.b" }), "E1016"],
      [JSON.stringify({ type: "a.b", payload: {}, idempotency_key: "" }), "E1016"],
      [JSON.stringify({ type: "a.b", payload: {}, idempotencyKey: "k" }), "E1016"],
      [JSON.stringify({ type: "kapsel.endpoint.disabled", payload: {} }), "E1017"],
      [JSON.stringify({ type: "Kapsel.test", payload: {} }), "E1017"],
    ];
    for (const [raw, code] of cases) {
      const answer = await publish(tenant.apiKey, null, { raw });
      expect(answer.body.error?.code, raw).toBe(code);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).not.toContain("bad name");
    }
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = $1", [tenant.id])).rows[0].n,
    ).toBe(0);
  });

  it("refuses a body over the size limit with 413 E1003", async () => {
    const small = await startIngest(db.pool, { maxBodyBytes: 100 });
    try {
      const tenant = await insertTenant(db.pool);
      const answer = await publish(tenant.apiKey, { type: "a.b", payload: "x".repeat(200) }, { url: small.url });
      expect(answer.status).toBe(413);
      expect(answer.body.error?.code).toBe("E1003");
    } finally {
      await small.close();
    }
  });
});

describe("POST /publish: storing", () => {
  it("answers 202 after commit and stores the payload's JSON from the publish source, with no endpoint", async () => {
    const tenant = await insertTenant(db.pool);
    const answer = await publish(tenant.apiKey, { type: "invoice.paid", payload: { amount: 12, lines: [1, 2] } });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ event_id: expect.stringMatching(/^evt_/), status: "accepted" });
    const { rows } = await db.pool.query(
      "SELECT tenant_id, endpoint_id, source_id, type, convert_from(payload, 'UTF8') AS payload, content_type FROM events WHERE id = $1",
      [answer.body.event_id],
    );
    expect(rows).toEqual([
      {
        tenant_id: tenant.id,
        endpoint_id: null,
        source_id: await publishSourceOf(tenant.id),
        type: "invoice.paid",
        payload: '{"amount":12,"lines":[1,2]}',
        content_type: "application/json",
      },
    ]);
  });

  it("deduplicates idempotency_key per tenant for 24 h: a repeat answers 200 duplicate with the first id", async () => {
    const a = await insertTenant(db.pool);
    const b = await insertTenant(db.pool);
    const first = await publish(a.apiKey, { type: "a.b", payload: 1, idempotency_key: "order-1" });
    expect(first.status).toBe(202);
    const again = await publish(a.apiKey, { type: "a.b", payload: 2, idempotency_key: "order-1" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ event_id: first.body.event_id, status: "duplicate" });
    // Another tenant's key space is its own; another key is another event.
    expect((await publish(b.apiKey, { type: "a.b", payload: 1, idempotency_key: "order-1" })).status).toBe(202);
    expect((await publish(a.apiKey, { type: "a.b", payload: 1, idempotency_key: "order-2" })).status).toBe(202);
    expect((await publish(a.apiKey, { type: "a.b", payload: 1, idempotency_key: null })).status).toBe(202);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = $1", [a.id]);
    expect(rows[0].n).toBe(3);
  });

  it("spends the tenant's ingest rate limit (429 E1011), and failed authentication spends nothing", async () => {
    const tenant = await insertTenant(db.pool);
    await db.pool.query("UPDATE tenants SET ingest_rate_per_second = 2 WHERE id = $1", [tenant.id]);
    for (let i = 0; i < 3; i++) await publish(`${tenant.apiKey}x`, { type: "a.b", payload: i });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await publish(tenant.apiKey, { type: "a.b", payload: i }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 429, 429]);
    expect(answers[2]!.body.error?.code).toBe("E1011");
    expect(answers[2]!.headers.get("retry-after")).toBe("1");
  });
});

describe("POST /publish: the event-type catalog", () => {
  const schema = {
    type: "object",
    required: ["amount", "currency"],
    properties: { amount: { type: "integer", minimum: 0 }, currency: { type: "string", maxLength: 3 } },
    additionalProperties: false,
  };

  it("refuses a payload that violates its type's schema with 422 E1018 and the paths, echoing no payload data", async () => {
    const tenant = await insertTenant(db.pool);
    await declareType(tenant.id, "invoice.paid", schema);
    const refused = await publish(tenant.apiKey, {
      type: "invoice.paid",
      payload: { amount: -5, secret_field: "s3cr3t-value" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe("E1018");
    const paths = refused.body.error?.errors?.map((e) => e.path).sort();
    expect(paths).toEqual(["/amount", "/currency", "/secret_field"]);
    expect(refused.body.error?.omitted).toBe(0);
    expect(JSON.stringify(refused.body)).not.toContain("s3cr3t-value");
    const accepted = await publish(tenant.apiKey, { type: "invoice.paid", payload: { amount: 5, currency: "EUR" } });
    expect(accepted.status).toBe(202);
    // Types the catalog does not list, and listed types without a schema, take any payload.
    expect((await publish(tenant.apiKey, { type: "invoice.sent", payload: "anything" })).status).toBe(202);
    await declareType(tenant.id, "free.form", null);
    expect((await publish(tenant.apiKey, { type: "free.form", payload: [1] })).status).toBe(202);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM events WHERE tenant_id = $1", [tenant.id]);
    expect(rows[0].n).toBe(3);
  });

  it("applies a changed schema (a new updated_at) and refuses an archived type with 409 E1019", async () => {
    const tenant = await insertTenant(db.pool);
    const id = await declareType(tenant.id, "order.created", { type: "object", required: ["id"] });
    expect((await publish(tenant.apiKey, { type: "order.created", payload: {} })).status).toBe(422);
    await db.pool.query(
      "UPDATE event_types SET schema = '{\"type\":\"object\"}', schema_bytes = 17, updated_at = now() + interval '1 second' WHERE id = $1",
      [id],
    );
    expect((await publish(tenant.apiKey, { type: "order.created", payload: {} })).status).toBe(202);
    await db.pool.query(
      "UPDATE event_types SET archived_at = now(), updated_at = updated_at + interval '1 second' WHERE id = $1",
      [id],
    );
    const archived = await publish(tenant.apiKey, { type: "order.created", payload: {} });
    expect(archived.status).toBe(409);
    expect(archived.body.error?.code).toBe("E1019");
  });
});

describe("POST /publish: routing", () => {
  it("routes by type to exactly the publish source's matching subscriptions, one delivery each", async () => {
    const tenant = await insertTenant(db.pool);
    const publishSource = await publishSourceOf(tenant.id);
    const [a, b, c] = [
      await insertEndpoint(db.pool, tenant.id),
      await insertEndpoint(db.pool, tenant.id),
      await insertEndpoint(db.pool, tenant.id),
    ];
    const subA = await subscribe(tenant.id, a.id, [publishSource], ["invoice.*"]);
    const subB = await subscribe(tenant.id, b.id, [publishSource], ["invoice.paid"]);
    await subscribe(tenant.id, c.id, [publishSource], ["customer.*"]);
    const answer = await publish(tenant.apiKey, { type: "invoice.paid", payload: { amount: 1 } });
    expect(answer.status).toBe(202);
    const { rows } = await db.pool.query(
      "SELECT endpoint_id, subscription_id, status FROM deliveries WHERE event_id = $1 ORDER BY subscription_id",
      [answer.body.event_id],
    );
    expect(rows).toEqual(
      [
        { endpoint_id: a.id, subscription_id: subA, status: "pending" },
        { endpoint_id: b.id, subscription_id: subB, status: "pending" },
      ].sort((x, y) => x.subscription_id.localeCompare(y.subscription_id)),
    );
    // The endpoints' own inbound subscriptions take nothing published.
    const none = await publish(tenant.apiKey, { type: "other.thing", payload: null });
    expect(
      (await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1", [none.body.event_id]))
        .rows[0].n,
    ).toBe(0);
  });

  it("routes with the subscriptions of the commit's moment even when its table is cached", async () => {
    const cached = await startIngest(db.pool, { endpointCacheMs: 60_000 });
    try {
      const tenant = await insertTenant(db.pool);
      const endpoint = await insertEndpoint(db.pool, tenant.id);
      const first = await publish(tenant.apiKey, { type: "a.b", payload: 1 }, { url: cached.url });
      const sub = await subscribe(tenant.id, endpoint.id, [await publishSourceOf(tenant.id)], ["*"]);
      const second = await publish(tenant.apiKey, { type: "a.b", payload: 2 }, { url: cached.url });
      const { rows } = await db.pool.query(
        "SELECT event_id, subscription_id FROM deliveries WHERE event_id = ANY($1)",
        [[first.body.event_id, second.body.event_id]],
      );
      expect(rows).toEqual([{ event_id: second.body.event_id, subscription_id: sub }]);
    } finally {
      await cached.close();
    }
  });
});
