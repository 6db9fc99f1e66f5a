import { ManualClock } from "@kapsel/core";
import { insertTenant, type Receiver, startReceiver } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Delivered, deliverEvents, type GraphQLHarness, startGraphQL } from "./harness.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
let api: GraphQLHarness;
let receiver: Receiver;
let key: string;
let delivered: Delivered;

beforeAll(async () => {
  api = await startGraphQL({ clock: new ManualClock(NOW) });
  let calls = 0;
  receiver = await startReceiver((_req, res) => res.writeHead(++calls === 1 ? 500 : 200).end());
  const tenant = await insertTenant(api.db.pool);
  key = tenant.apiKey;
  delivered = await deliverEvents(api.db.pool, tenant.id, receiver.url, 3); // 1 failed, 2 succeeded
  // Place the three attempts in known hours of the window that ends at NOW.
  const { rows } = await api.db.pool.query<{ id: string }>(
    "SELECT id FROM delivery_attempts WHERE id = ANY($1) ORDER BY result, id",
    [delivered.attemptIds],
  );
  const at = [NOW - 30 * 60_000, NOW - 90 * 60_000, NOW - 23.5 * HOUR, NOW - 25 * HOUR];
  for (const [i, row] of rows.entries()) {
    await api.db.pool.query("UPDATE delivery_attempts SET started_at = $2 WHERE id = $1", [row.id, new Date(at[i]!)]);
  }
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

describe("EndpointStats.hourly", () => {
  it("gives one bucket per hour of the window, oldest first, empty hours included", async () => {
    const { body } = await api.gql(
      `query($id: ID!) { endpoint(id: $id) { stats(windowHours: 24) { total
         hourly { start total succeeded failed successRate p95LatencyMs } } } }`,
      { key, variables: { id: delivered.endpoint.id } },
    );
    expect(body.errors).toBeUndefined();
    const { total, hourly } = body.data.endpoint.stats;
    expect(hourly).toHaveLength(24);
    expect(hourly[0].start).toBe(new Date(NOW - 24 * HOUR).toISOString());
    expect(hourly[23].start).toBe(new Date(NOW - HOUR).toISOString());
    const busy = hourly.flatMap((b: { total: number }, i: number) => (b.total > 0 ? [i] : []));
    expect(busy).toEqual([0, 22, 23]);
    // The buckets add up to the window's totals.
    expect(hourly.reduce((n: number, b: { total: number }) => n + b.total, 0)).toBe(total);
    expect(hourly.reduce((n: number, b: { failed: number }) => n + b.failed, 0)).toBe(1);
    expect(hourly[5]).toMatchObject({ total: 0, succeeded: 0, failed: 0, successRate: null, p95LatencyMs: null });
    for (const i of busy) expect(hourly[i].p95LatencyMs).toBeGreaterThanOrEqual(0);
  });
});
