import {
  createTestDatabase,
  type EndpointFixture,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allReceived } from "./delivery-tally.ts";
import { graphql, Platform } from "./processes.ts";

// Failing-receivers suite (issue #7): next to a healthy receiver, one times out, one answers 500,
// one 429 with Retry-After, one 410. Each failing one must get its documented policy
// (docs/delivery-policy.md), and the healthy one must not wait behind them (isolation).

const TIMEOUT_MS = 8000;
const RETRY_AFTER_S = 2;
const HEALTHY_EVENTS = 100;

let db: TestDatabase;
let platform: Platform;
const receivers: Record<"healthy" | "timeout" | "error500" | "limited429" | "gone410", Receiver> = {} as never;

beforeAll(async () => {
  db = await createTestDatabase();
  receivers.healthy = await startReceiver();
  receivers.timeout = await startReceiver(() => undefined); // never answers
  receivers.error500 = await startReceiver((_req, res) => res.writeHead(500).end("boom"));
  receivers.limited429 = await startReceiver((_req, res) =>
    res.writeHead(429, { "retry-after": String(RETRY_AFTER_S) }).end("slow down"),
  );
  receivers.gone410 = await startReceiver((_req, res) => res.writeHead(410).end("gone"));
});
afterAll(async () => {
  await platform?.killAll();
  await Promise.all(Object.values(receivers).map((r) => r.close()));
  await db?.drop();
});

interface AttemptRow {
  event_id: string;
  attempt_number: number;
  started_ms: number;
  duration_ms: number;
  response_status: number | null;
  result: string;
  error_class: string | null;
}

async function attemptsOf(ep: EndpointFixture): Promise<AttemptRow[]> {
  const { rows } = await db.pool.query<AttemptRow>(
    `SELECT event_id, attempt_number, (extract(epoch FROM started_at) * 1000)::float8 AS started_ms, duration_ms,
            response_status, result, error_class
       FROM delivery_attempts WHERE endpoint_id = $1 ORDER BY event_id, attempt_number`,
    [ep.id],
  );
  return rows;
}

async function transitionsOf(ep: EndpointFixture): Promise<{ to_state: string; reason: string }[]> {
  const { rows } = await db.pool.query(
    "SELECT to_state, reason FROM circuit_breaker_transitions WHERE endpoint_id = $1 ORDER BY id",
    [ep.id],
  );
  return rows;
}

async function eventsOf(ep: EndpointFixture): Promise<{ id: string; status: string; attempts: number }[]> {
  return (
    await db.pool.query("SELECT event_id AS id, status, attempts FROM deliveries WHERE endpoint_id = $1", [ep.id])
  ).rows;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe("reliability: failing receivers", () => {
  it("timeout, 500, 429 and 410 receivers each follow their policy; the healthy one is not held up", async () => {
    const tenant = await insertTenant(db.pool);
    const endpoint = (url: string, maxInFlight: number) =>
      insertEndpoint(db.pool, tenant.id, { url, maxInFlight, connectTimeoutMs: 1000, responseTimeoutMs: TIMEOUT_MS });
    const healthy = await endpoint(receivers.healthy.url, 20);
    // Fewer calls than the breaker's minimumCalls (10) per wave where a retry must be seen.
    const timeout = await endpoint(receivers.timeout.url, 8);
    const error500 = await endpoint(receivers.error500.url, 10);
    const limited429 = await endpoint(receivers.limited429.url, 3);
    const gone410 = await endpoint(receivers.gone410.url, 1);
    await insertEvents(db.pool, timeout, 8, new Date());
    await insertEvents(db.pool, error500, 12, new Date());
    await insertEvents(db.pool, limited429, 3, new Date());
    await insertEvents(db.pool, gone410, 4, new Date());

    platform = new Platform(db.url);
    await Promise.all([platform.startDelivery(), platform.startApi()]);
    // 500: the breaker opens on the failure rate. It is read as soon as it has opened, while its
    // cooldown (30 s) runs: later, probes may legitimately have moved it to HALF_OPEN and back.
    await waitFor(async () => (await transitionsOf(error500)).length > 0, 30_000, 50);
    const e500WhenOpened = await graphql(
      platform.api!.url,
      tenant.apiKey,
      "query($id: ID!) { endpoint(id: $id) { status circuitBreaker { state } } }",
      { id: error500.id },
    );
    // Every failing receiver is being hit, and the timeout receiver holds 8 requests open...
    await waitFor(
      () =>
        receivers.timeout.requests.length >= 8 &&
        receivers.error500.requests.length >= 10 &&
        receivers.limited429.requests.length >= 3 &&
        receivers.gone410.requests.length >= 1,
      30_000,
    );
    // ...when the healthy endpoint's events arrive.
    const insertedAt = Date.now();
    const healthyIds = await insertEvents(db.pool, healthy, HEALTHY_EVENTS, new Date(insertedAt));
    await waitFor(() => allReceived(receivers.healthy, healthyIds), 60_000);
    const timeoutAttemptsWhenHealthyDone = (await attemptsOf(timeout)).length;
    const latencies = receivers.healthy.requests.map((r) => r.at - insertedAt).sort((a, b) => a - b);

    // 429: every event retried, never sooner than Retry-After after the previous answer.
    await waitFor(async () => (await eventsOf(limited429)).every((e) => e.attempts >= 2), 30_000, 100);
    // Timeout: the first wave times out, and every event is tried again after its backoff.
    await waitFor(async () => (await eventsOf(timeout)).every((e) => e.attempts >= 2), 3 * TIMEOUT_MS + 20_000, 100);

    const a429 = await attemptsOf(limited429);
    const retryGaps = a429
      .filter((a) => a.attempt_number >= 2)
      .map((a) => {
        const previous = a429.find((p) => p.event_id === a.event_id && p.attempt_number === a.attempt_number - 1)!;
        return a.started_ms - (previous.started_ms + previous.duration_ms);
      });
    const aTimeout = await attemptsOf(timeout);
    const eventsTimeout = await eventsOf(timeout);
    const a500 = await attemptsOf(error500);
    const a410 = await attemptsOf(gone410);
    const view = await graphql(
      platform.api!.url,
      tenant.apiKey,
      `query($e410: ID!, $healthy: ID!) {
         e410: endpoint(id: $e410) { status disabledReason }
         healthy: endpoint(id: $healthy) { status circuitBreaker { state } } }`,
      { e410: gone410.id, healthy: healthy.id },
    );
    const data = view.body.data as {
      e410: { status: string; disabledReason: string | null };
      healthy: { status: string; circuitBreaker: { state: string } };
    };
    const e500 = e500WhenOpened.body.data?.endpoint as
      | { status: string; circuitBreaker: { state: string } }
      | undefined;
    const transitions500 = await transitionsOf(error500);
    console.log(
      `[reliability:failing-receivers] healthy delivered=${latencies.length}/${HEALTHY_EVENTS} latency_ms min=${percentile(latencies, 0)} p10=${percentile(latencies, 10)} p50=${percentile(latencies, 50)} p95=${percentile(latencies, 95)} max=${percentile(latencies, 100)} (timeout receiver: ${TIMEOUT_MS} ms, its attempts finished meanwhile=${timeoutAttemptsWhenHealthyDone}) ` +
        `timeout: timed_out=${aTimeout.length} retried_events=${eventsTimeout.filter((e) => e.attempts >= 2).length}/${eventsTimeout.length} error_classes=${[...new Set(aTimeout.map((a) => a.error_class))]} ` +
        `500: attempts=${a500.length} breaker_when_opened=${e500?.circuitBreaker.state} transitions=${transitions500.length} ` +
        `429: attempts=${a429.length} min_retry_gap_ms=${Math.min(...retryGaps)} (Retry-After ${RETRY_AFTER_S}s) ` +
        `410: attempts=${a410.length} endpoint=${data.e410.status} reason="${data.e410.disabledReason}"`,
    );

    // Isolation: every healthy deliveries landed while the timed-out requests were still hanging.
    expect(latencies.length).toBe(HEALTHY_EVENTS);
    expect(timeoutAttemptsWhenHealthyDone).toBe(0);
    expect(data.healthy).toEqual({ status: "ACTIVE", circuitBreaker: { state: "CLOSED" } });

    // Timeout: retryable; recorded as a timeout, and every event claimed again (attempt 2), nothing failed.
    expect(aTimeout.length).toBeGreaterThanOrEqual(8);
    expect(aTimeout.every((a) => a.result === "retryable_failure" && a.error_class === "timeout")).toBe(true);
    expect(eventsTimeout.every((e) => e.attempts >= 2 && (e.status === "pending" || e.status === "delivering"))).toBe(
      true,
    );

    // 500: retryable; the breaker opened on the failure rate and holds the events back (none failed).
    // Once its cooldown elapsed, probes may have gone out: each failed and reopened it, none closed it.
    expect(a500.every((a) => a.response_status === 500 && a.result === "retryable_failure")).toBe(true);
    expect(e500).toEqual({ status: "ACTIVE", circuitBreaker: { state: "OPEN" } });
    expect(transitions500[0]).toEqual({ to_state: "open", reason: "failure_threshold" });
    expect(
      transitions500
        .slice(1)
        .filter((t) => !["half_open cooldown_elapsed", "open probe_failed"].includes(`${t.to_state} ${t.reason}`)),
    ).toEqual([]);
    expect((await eventsOf(error500)).filter((e) => e.status !== "pending" && e.status !== "delivering")).toEqual([]);

    // 429: retryable, and Retry-After is a floor for the next attempt.
    expect(a429.every((a) => a.response_status === 429 && a.result === "retryable_failure")).toBe(true);
    expect(retryGaps.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...retryGaps)).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 5); // ms rounding of the record

    // 410: permanent, the event failed, the endpoint disabled with a reason; its other events wait unclaimed.
    expect(a410).toHaveLength(1);
    expect(a410[0]).toMatchObject({ response_status: 410, result: "permanent_failure" });
    expect(data.e410.status).toBe("DISABLED");
    expect(data.e410.disabledReason).toMatch(/^gone: /);
    const events410 = await eventsOf(gone410);
    expect(events410.filter((e) => e.status === "failed")).toHaveLength(1);
    expect(events410.filter((e) => e.status === "pending" && e.attempts === 0)).toHaveLength(3);
    expect(receivers.gone410.requests).toHaveLength(1);
  });
});
