import { fullBucket, ManualClock, type TokenBucketState, takeTokens } from "@kapsel/core";
import { createPrismaClient, leaseRateTokens } from "@kapsel/db";
import {
  countEvents,
  createTestDatabase,
  type IngestHarness,
  insertEndpoint,
  insertTenant,
  startIngest,
  type TestDatabase,
} from "@kapsel/test-support";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TenantRateLimiter } from "../src/rate-limiter.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function limitedTenant(ratePerSecond: number): Promise<string> {
  const { id } = await insertTenant(db.pool);
  await db.pool.query("UPDATE tenants SET ingest_rate_per_second = $2 WHERE id = $1", [id, ratePerSecond]);
  return id;
}

describe("the shared token bucket (lease statement)", () => {
  it("runs the same arithmetic as @kapsel/core's token bucket", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const policy = { ratePerSecond: 13, capacity: 20 };
    const start = Date.UTC(2026, 5, 1);
    // Steps of 0-400 ms (and a few backwards: another process's clock behind this one), 1-20 tokens.
    const steps = fc.sample(
      fc.record({ stepMs: fc.integer({ min: -50, max: 400 }), want: fc.integer({ min: 1, max: 20 }) }),
      { numRuns: 80, seed: 15 },
    );
    let reference: TokenBucketState = fullBucket(policy, start);
    let now = start;
    for (const { stepMs, want } of steps) {
      now += stepMs;
      const expected = takeTokens(reference, policy, now, want);
      const leased = await leaseRateTokens(db.pool, { tenantId, ...policy, want, nowMs: now });
      expect(leased?.granted).toBe(expected.granted);
      expect(leased?.tokens).toBeCloseTo(expected.state.tokens, 9);
      reference = expected.state;
    }
  });

  it("creates a full bucket on the first lease, and answers null for a tenant that does not exist", async () => {
    const tenantId = (await insertTenant(db.pool)).id;
    const lease = { tenantId, ratePerSecond: 5, capacity: 10, want: 4, nowMs: Date.now() };
    expect(await leaseRateTokens(db.pool, lease)).toEqual({ granted: 4, tokens: 6 });
    expect(await leaseRateTokens(db.pool, { ...lease, tenantId: "ten_missing" })).toBeNull();
    const { rows } = await db.pool.query("SELECT tokens FROM ingest_rate_buckets WHERE tenant_id = $1", [tenantId]);
    expect(rows).toEqual([{ tokens: 6 }]);
    // prisma/schema.prisma mirrors the table (the schema test compares columns; this reads a row).
    const prisma = createPrismaClient(db.url);
    try {
      const bucket = await prisma.ingestRateBucket.findUniqueOrThrow({
        where: { tenantId },
        include: { tenant: true },
      });
      expect(bucket).toMatchObject({ tenantId, tokens: 6, refilledAt: new Date(lease.nowMs) });
      expect(bucket.tenant.id).toBe(tenantId);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("gives two limiters (two processes) one budget: together at most rate x t + burst, and about that much", async () => {
    const tenantId = await limitedTenant(50);
    const clock = new ManualClock(Date.UTC(2026, 6, 1));
    const processes = [1, 2].map(
      () => new TenantRateLimiter({ lease: (request) => leaseRateTokens(db.pool, request), clock, burstSeconds: 1 }),
    );
    let allowed = 0;
    let limited = 0;
    const stepMs = 50;
    const steps = 200; // 10 s of demand far above the limit: 400 requests/s offered against 50/s
    for (let step = 0; step < steps; step++) {
      const decisions = await Promise.all(
        processes.flatMap((limiter) => Array.from({ length: 10 }, () => limiter.take(tenantId, 50))),
      );
      for (const d of decisions) {
        if (d.outcome === "allowed") allowed++;
        else {
          limited++;
          expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
      }
      clock.advance(stepMs);
    }
    const elapsedSeconds = ((steps - 1) * stepMs) / 1000;
    const budget = 50 + 50 * elapsedSeconds; // burst (capacity 50) + rate x t
    expect(allowed).toBeLessThanOrEqual(budget);
    // Short only by tokens leased and not yet spent (at most one lease of 5 per process) and fractions.
    expect(allowed).toBeGreaterThanOrEqual(budget - 2 * 5 - 2);
    expect(allowed + limited).toBe(steps * 20);
  });
});

describe("POST /ingest under a tenant rate limit", () => {
  let first: IngestHarness;
  let second: IngestHarness;
  const outcomes: string[] = [];
  const metrics = {
    contentType: "text/plain",
    render: async () => "",
    ingestOutcome: (outcome: string) => void outcomes.push(outcome),
  };

  beforeAll(async () => {
    // Two ingest processes' servers over one database; their clocks move together.
    first = await startIngest(db.pool, { metrics });
    second = await startIngest(db.pool, { metrics });
    second.clock.set(first.clock.now());
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const post = (harness: IngestHarness, endpointId: string) =>
    fetch(`${harness.url}/ingest/${endpointId}`, { method: "POST", body: '{"n":1}' }).then(async (res) => ({
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as { event_id?: string; error?: { code: string } },
    }));

  it("answers 429 E1011 with Retry-After past the shared budget, and stores exactly the events it acknowledged", async () => {
    const tenantId = await limitedTenant(5); // capacity 5 (1 s of rate)
    const ep = await insertEndpoint(db.pool, tenantId);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => post(i % 2 ? first : second, ep.id)));
    const accepted = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted.length).toBe(5);
    expect(limited.length).toBe(25);
    expect(limited.every((a) => a.body.error?.code === "E1011" && a.retryAfter === "1")).toBe(true);
    expect(await countEvents(db.pool, ep.id)).toBe(accepted.length);
    expect(outcomes.filter((o) => o === "rejected_E1011").length).toBe(25);

    // A second later the bucket holds another second of rate.
    first.clock.advance(1000);
    second.clock.advance(1000);
    const later = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? first : second, ep.id)));
    expect(later.filter((a) => a.status === 202).length).toBe(5);
    expect(later.filter((a) => a.status === 429).length).toBe(7);
    expect(await countEvents(db.pool, ep.id)).toBe(10);
  });

  it("uses the tenant's own burst when it has one: that many at once, then its rate", async () => {
    const tenantId = await limitedTenant(5);
    await db.pool.query("UPDATE tenants SET ingest_rate_burst = 12 WHERE id = $1", [tenantId]);
    const ep = await insertEndpoint(db.pool, tenantId);
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? first : second, ep.id)));
    expect(burst.filter((a) => a.status === 202).length).toBe(12);
    expect(burst.filter((a) => a.status === 429).length).toBe(8);
    first.clock.advance(1000);
    second.clock.advance(1000);
    const later = await Promise.all(Array.from({ length: 12 }, (_, i) => post(i % 2 ? first : second, ep.id)));
    expect(later.filter((a) => a.status === 202).length).toBe(5); // refilled at 5/s, not back to 12
    expect(await countEvents(db.pool, ep.id)).toBe(17);
  });

  it("leaves tenants without a limit alone, and a changed limit applies at once (no endpoint cache here)", async () => {
    const { id: tenantId } = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenantId);
    const unlimited = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i % 2 ? first : second, ep.id)));
    expect(unlimited.every((a) => a.status === 202)).toBe(true);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM ingest_rate_buckets WHERE tenant_id = $1", [
      tenantId,
    ]);
    expect(rows[0].n).toBe(0); // no bucket, no query

    await db.pool.query("UPDATE tenants SET ingest_rate_per_second = 2 WHERE id = $1", [tenantId]);
    const limitedNow = await Promise.all(Array.from({ length: 6 }, () => post(first, ep.id)));
    expect(limitedNow.filter((a) => a.status === 202).length).toBe(2);
    expect(await countEvents(db.pool, ep.id)).toBe(42);
  });
});
