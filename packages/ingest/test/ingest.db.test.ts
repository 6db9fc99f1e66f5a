import { createHash } from "node:crypto";
import { request } from "node:http";
import {
  countEvents,
  createTestDatabase,
  deliveryState,
  errorCode,
  type IngestAnswer,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
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

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${ingest.url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as IngestAnswer };
}

describe("POST /ingest/:endpoint_id", () => {
  it("commits the event and answers 202 with its id", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const body = Buffer.from('{"hello":"world","n":1}');
    const res = await post(`/ingest/${ep.id}`, body, {
      authorization: "Bearer should-not-be-stored",
      "x-custom": "kept",
    });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ event_id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/), status: "accepted" });
    const { rows } = await db.pool.query("SELECT * FROM events WHERE id = $1", [res.json.event_id]);
    const row = rows[0];
    const delivery = await deliveryState(db.pool, res.json.event_id);
    expect(row.tenant_id).toBe(tenantId);
    expect(row.endpoint_id).toBe(ep.id);
    // Its delivery, to the endpoint it came in through, is due at once.
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^dlv_[0-9A-Z]{26}$/),
      endpoint_id: ep.id,
      status: "pending",
      attempts: 0,
    });
    expect(Buffer.compare(row.payload, body)).toBe(0);
    expect(row.payload_sha256.toString("hex")).toBe(createHash("sha256").update(body).digest("hex"));
    expect(row.payload_size).toBe(body.length);
    expect(row.content_type).toBe("application/json");
    expect(row.headers["x-custom"]).toBe("kept");
    expect(row.headers.authorization).toBeUndefined();
    expect(row.received_at.getTime()).toBe(ingest.clock.now());
    expect(delivery.next_attempt_at?.getTime()).toBe(ingest.clock.now());
    // Written by the same transaction (the group commit's one statement).
    const { rows: versions } = await db.pool.query(
      "SELECT e.xmin::text AS event, d.xmin::text AS delivery FROM events e JOIN deliveries d ON d.event_id = e.id WHERE e.id = $1",
      [res.json.event_id],
    );
    expect(versions[0].delivery).toBe(versions[0].event);
  });

  it("keeps the raw bytes of a non-JSON, non-UTF-8 body exactly", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const body = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x0a, 0x5c, 0x22]);
    const res = await post(`/ingest/${ep.id}`, body, { "content-type": "application/octet-stream" });
    expect(res.status).toBe(202);
    const { rows } = await db.pool.query("SELECT payload FROM events WHERE id = $1", [res.json.event_id]);
    expect(Buffer.compare(rows[0].payload, body)).toBe(0);
  });

  it("accepts an empty body", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const res = await post(`/ingest/${ep.id}`, "");
    expect(res.status).toBe(202);
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });

  it("answers 404 E1001 for an unknown or malformed endpoint id and stores nothing", async () => {
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n;
    for (const id of [
      "ep_01M84CC7QAW9Y7TVMT6XEJS9PB",
      "nope",
      "ep_'; DROP TABLE events; --",
      "%E2%82%AC",
      "%E2%82",
      "%",
    ]) {
      const res = await post(`/ingest/${id}`, "{}");
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("E1001");
    }
    expect((await db.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(before);
  });

  it("answers 409 E1002 for a disabled endpoint and holds events for a paused one", async () => {
    const disabled = await insertEndpoint(db.pool, tenantId, { status: "disabled" });
    const res = await post(`/ingest/${disabled.id}`, "{}");
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("E1002");
    expect(await countEvents(db.pool, disabled.id)).toBe(0);

    const paused = await insertEndpoint(db.pool, tenantId, { status: "paused" });
    const held = await post(`/ingest/${paused.id}`, "{}");
    expect(held.status).toBe(202);
    expect(await countEvents(db.pool, paused.id)).toBe(1);
  });

  it("refuses at commit time an endpoint disabled after ingest cached it", async () => {
    const cached = await startIngest(db.pool, { endpointCacheMs: 60_000 });
    try {
      const ep = await insertEndpoint(db.pool, tenantId);
      expect((await fetch(`${cached.url}/ingest/${ep.id}`, { method: "POST", body: "{}" })).status).toBe(202);
      await db.pool.query("UPDATE endpoints SET status = 'disabled' WHERE id = $1", [ep.id]);
      const res = await fetch(`${cached.url}/ingest/${ep.id}`, { method: "POST", body: "{}" });
      expect(res.status).toBe(409);
      expect(await errorCode(res)).toBe("E1002");
      expect(await countEvents(db.pool, ep.id)).toBe(1);
    } finally {
      await cached.close();
    }
  });

  it("answers 405 E1008 to other methods and 404 E1009 to other paths", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const get = await fetch(`${ingest.url}/ingest/${ep.id}`);
    expect(get.status).toBe(405);
    expect(await errorCode(get)).toBe("E1008");
    const other = await fetch(`${ingest.url}/somewhere`, { method: "POST", body: "{}" });
    expect(other.status).toBe(404);
    expect(await errorCode(other)).toBe("E1009");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("rejects an invalid X-Idempotency-Key with 400 E1010", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const res = await post(`/ingest/${ep.id}`, "{}", { "x-idempotency-key": "x".repeat(256) });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("E1010");
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });
});

describe("malformed HTTP", () => {
  it("answers unparseable requests with 400 E1007 in the documented JSON format", async () => {
    const { connect } = await import("node:net");
    const port = Number(new URL(ingest.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.write("POST /ingest/x HTTP/1.1\r\nHost: a\r\nContent-Length: nope\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (c) => (text += c));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(reply.startsWith("HTTP/1.1 400 Bad Request")).toBe(true);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)).error.code).toBe("E1007");
  });
});

describe("body size limit", () => {
  it("answers 413 E1003 from Content-Length alone, before the body is sent", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const port = Number(new URL(ingest.url).port);
    // Declare 50 MiB, send 1 KiB, never finish: the answer must come anyway.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: `/ingest/${ep.id}`,
          headers: { "content-length": 50 * 1024 * 1024 },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
    expect(await countEvents(db.pool, ep.id)).toBe(0);
  });

  it("answers 413 to a chunked body that grows past 10 MiB and stores nothing; 10 MiB exactly is accepted", async () => {
    const ep = await insertEndpoint(db.pool, tenantId);
    const limit = 10 * 1024 * 1024;
    const exact = await post(`/ingest/${ep.id}`, Buffer.alloc(limit, 97), { "content-type": "text/plain" });
    expect(exact.status).toBe(202);

    const port = Number(new URL(ingest.url).port);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: `/ingest/${ep.id}`,
          headers: { "transfer-encoding": "chunked" },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", () => undefined); // the server may close the socket while we still write
      const chunk = Buffer.alloc(1024 * 1024, 98);
      let sent = 0;
      const pump = () => {
        while (sent < 12 && req.write(chunk)) sent++;
        if (sent < 12)
          req.once("drain", () => {
            sent++;
            pump();
          });
        else req.end();
      };
      pump();
      setTimeout(() => reject(new Error("no answer")), 20_000);
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error.code).toBe("E1003");
    expect(await countEvents(db.pool, ep.id)).toBe(1);
  });
});

describe("health and readiness", () => {
  it("GET /health answers 200 and GET /ready 200 on a migrated database", async () => {
    expect((await fetch(`${ingest.url}/health`)).status).toBe(200);
    const ready = await fetch(`${ingest.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });
});
