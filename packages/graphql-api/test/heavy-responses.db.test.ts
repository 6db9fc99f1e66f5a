import { newId } from "@kapsel/core";
import { insertEndpoint, insertEvents, insertTenant, waitFor } from "@kapsel/test-support";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HeavyResponseSlots } from "../src/index.ts";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";
import { ManualTimer } from "./manual-timer.ts";
import { type Tap, tapPool } from "./tapped-pool.ts";

// At most N heavy answers (more than API_HEAVY_RESPONSE_BYTES of payloads and response bodies) are
// in the works at once per API process. The test holds real requests open in the middle of their
// payload read (tapPool holds the statement), and fires the waiting request's timer itself.

const MiB = 1024 * 1024;
const CONCURRENCY = 2;

let api: GraphQLHarness;
let tap: Tap;
const timer = new ManualTimer();
const slots = new HeavyResponseSlots(CONCURRENCY, 1000, timer);
let key: string;
let tenantId: string;
let endpointId: string;
let heavyId: string;
let lightId: string;

beforeAll(async () => {
  api = await startGraphQL((db) => {
    tap = tapPool(db.pool);
    return { readPool: tap.pool, heavyResponseSlots: slots }; // heavy past the default 1 MiB
  });
  const tenant = await insertTenant(api.db.pool);
  key = tenant.apiKey;
  tenantId = tenant.id;
  const endpoint = await insertEndpoint(api.db.pool, tenant.id);
  endpointId = endpoint.id;
  [heavyId, lightId] = (await insertEvents(api.db.pool, endpoint, 2, new Date())) as [string, string];
  await api.db.pool.query(
    `UPDATE events SET payload = convert_to(repeat('x', $2), 'UTF8'), payload_size = $2,
                       payload_sha256 = sha256(convert_to(repeat('x', $2), 'UTF8'))
      WHERE id = $1`,
    [heavyId, 2 * MiB],
  );
});
afterAll(async () => {
  // Requests still held by a failed test would keep the server from closing.
  tap.hold = null;
  tap.releaseHeld();
  await api.close();
});

const PAYLOAD = "query($id: ID!) { event(id: $id) { id payload } }";
const ask = (id: string) => api.gql(PAYLOAD, { key, variables: { id } });
const readsOf = (id: string) =>
  tap.statements.filter((s) => s.sql === "gql_event_payloads" && (s.values[1] as string[]).includes(id)).length;

const busy = {
  message: expect.stringContaining(`already preparing ${CONCURRENCY} large answers`),
  extensions: { code: "TOO_MANY_LARGE_RESPONSES", kapselCode: "E3201", retryAfterSeconds: 1, concurrency: CONCURRENCY },
};

describe("heavy answers in the works at once", () => {
  it("holds N at once: the next waits, then is refused with a retry hint unread; light answers pass", async () => {
    tap.hold = ({ sql, values }) => sql === "gql_event_payloads" && (values[1] as string[]).includes(heavyId);
    const first = ask(heavyId);
    const second = ask(heavyId);
    await waitFor(() => tap.held === CONCURRENCY); // both in the middle of reading their payload
    expect(slots.inUse).toBe(CONCURRENCY);

    const third = ask(heavyId);
    await waitFor(() => slots.queued === 1);
    expect(await ask(lightId)).toMatchObject({ body: { data: { event: { id: lightId, payload: '{"n":1}' } } } });
    timer.fireAll(); // its wait runs out
    const refused = await third;
    expect(refused.status).toBe(200);
    expect(refused.body.data).toEqual({ event: { id: heavyId, payload: null } });
    expect(refused.body.errors).toEqual([expect.objectContaining({ ...busy, path: ["event", "payload"] })]);

    // A fourth waits too, and gets a slot as soon as one of the first two is answered.
    const fourth = ask(heavyId);
    await waitFor(() => slots.queued === 1);
    tap.hold = null;
    tap.releaseHeld();
    for (const answer of await Promise.all([first, second, fourth])) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.event.payload).toHaveLength(2 * MiB);
    }
    expect(readsOf(heavyId)).toBe(3); // never for the refused one
    await waitFor(() => slots.inUse === 0);
    expect(timer.pending.size).toBe(0);
  });

  it("counts subscription updates too, each holding its slot only until it is sent", async () => {
    const client = createClient({
      url: api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: true,
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary result shapes
    const results: any[] = [];
    const checks = api.queries.length;
    client.subscribe(
      {
        query: "subscription($id: ID!) { eventAttempts(eventId: $id) { attemptNumber event { payload } } }",
        variables: { id: heavyId },
      },
      { next: (result) => results.push(result), error: () => undefined, complete: () => undefined },
    );
    try {
      // Registered with the live updates before its ownership check reads the event.
      await waitFor(() =>
        api.queries.slice(checks).some((sql) => sql.includes("FROM events e LEFT JOIN deliveries d")),
      );
      const attempt = (n: number) =>
        api.db.pool.query(
          `INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                          started_at, duration_ms, request_url, request_headers, result)
           SELECT $1, $2, d.id, $3, $4, $5, 'test', now(), 5, 'https://example.com/', '{}', 'retryable_failure'
             FROM deliveries d WHERE d.event_id = $2`,
          [newId("attempt"), heavyId, tenantId, endpointId, n],
        );

      // Every slot taken: the update waits, then goes out without its payload.
      const held = await Promise.all([slots.acquire(), slots.acquire()]);
      await attempt(1);
      await waitFor(() => slots.queued === 1);
      timer.fireAll();
      await waitFor(() => results.length === 1);
      expect(results[0]).toMatchObject({
        data: { eventAttempts: { attemptNumber: 1, event: { payload: null } } },
        errors: [{ ...busy, path: ["eventAttempts", "event", "payload"] }],
      });
      for (const release of held) release();

      // More updates than slots: each gives its slot back once built.
      for (let n = 2; n <= 2 + CONCURRENCY; n++) {
        await attempt(n);
        await waitFor(() => results.length === n);
        expect(results[n - 1].errors).toBeUndefined();
        expect(results[n - 1].data.eventAttempts.event.payload).toHaveLength(2 * MiB);
        expect(slots.inUse).toBe(0);
      }
    } finally {
      await client.dispose();
    }
  });
});
