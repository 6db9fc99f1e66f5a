import type { Pool } from "@kapsel/db";
import { percentile, type ReceiverClient, sleep } from "./delivery-measure.ts";
import type { FanoutSource } from "./fanout-database.ts";

export interface CaseResult {
  fanOut: number;
  /** "inline" or "routing stage": where this fan-out is routed (ROUTING_INLINE_MAX). */
  routing: string;
  events: number;
  deliveries: number;
  /** From the first ingest request until the receiver got the last delivery. */
  seconds: number;
  deliveriesPerS: number;
  ingestP50Ms: number;
  ingestP99Ms: number;
  ingestMaxMs: number;
  /** Receiver requests beyond one per (event, endpoint): retries after a failure, or duplicates. */
  extraRequests: number;
}

const POLL_MS = 50;
const STALL_MS = 60_000;

/**
 * One case: `events` POSTs to the source (closed loop over `connections`), each answer's latency
 * taken on the client, while the worker routes and delivers; it ends when the receiver has one
 * request per event and endpoint. Ingest and delivery overlap, as in production.
 */
export async function runCase(
  ingestBase: string,
  pool: Pool,
  receiver: ReceiverClient,
  source: FanoutSource,
  events: number,
  connections: number,
  body: string,
  routing: string,
): Promise<CaseResult> {
  await receiver.reset();
  const expected = events * source.fanOut;
  const url = `${ingestBase}/ingest/${source.sourceId}`;
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const connection = async () => {
    while (next < events) {
      next++;
      latencies.push(await post(url, body));
    }
  };
  const sending = Promise.all(Array.from({ length: connections }, connection));
  let received = 0;
  let progressAt = performance.now();
  let sent = false;
  void sending.then(() => {
    sent = true;
  });
  while (!sent || received < expected) {
    await sleep(POLL_MS);
    const now = (await receiver.stats()).requests;
    if (now > received) progressAt = performance.now();
    else if (performance.now() - progressAt > STALL_MS) {
      throw new Error(`fan-out 1 -> ${source.fanOut}: no delivery for ${STALL_MS / 1000} s, ${now}/${expected}`);
    }
    received = now;
  }
  await sending;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const stats = await receiver.stats();
  await waitForRecorded(pool, source);
  return {
    fanOut: source.fanOut,
    routing,
    events,
    deliveries: expected,
    seconds,
    deliveriesPerS: expected / seconds,
    ingestP50Ms: percentile(latencies, 50),
    ingestP99Ms: percentile(latencies, 99),
    ingestMaxMs: latencies.at(-1) ?? Number.NaN,
    extraRequests: stats.requests - expected,
  };
}

async function post(url: string, body: string): Promise<number> {
  const at = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  await res.arrayBuffer();
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
  return performance.now() - at;
}

/** Lets the last attempts be recorded, so the next case starts with an empty queue. */
async function waitForRecorded(pool: Pool, source: FanoutSource): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM deliveries WHERE status IN ('pending', 'delivering') AND endpoint_id = ANY($1))
             + (SELECT count(*) FROM routing_backlog))::int AS n`,
      [source.endpointIds],
    );
    if ((rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return;
    await sleep(POLL_MS);
  }
}
