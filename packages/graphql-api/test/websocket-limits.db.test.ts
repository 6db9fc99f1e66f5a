import { insertEndpoint, insertTenant, waitFor } from "@kapsel/test-support";
import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LIVE_UPDATES_APPLICATION_NAME } from "../src/index.ts";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";
import { acknowledged, type Subscription, wsClients } from "./ws-client.ts";

// Issue #11, finding 7: a revocation missed while the live-updates connection was down still closes
// the key's sockets, and one key cannot hold unbounded sockets or subscriptions.

let h: GraphQLHarness;
let ws: ReturnType<typeof wsClients>;
const BREAKER = `subscription($id: ID!) { circuitBreaker(endpointId: $id) { state } }`;

beforeAll(async () => {
  h = await startGraphQL({ webSocketLimits: { maxSocketsPerKey: 2, maxSubscriptionsPerKey: 3 } });
  ws = wsClients(h.wsUrl);
});
afterEach(() => ws.disposeAll());
afterAll(() => h.close());

describe("WebSocket limits and revocations", () => {
  it("closes a revoked key's socket after the listener reconnects, though the revocation NOTIFY was lost", async () => {
    const tenant = await insertTenant(h.db.pool);
    const endpoint = await insertEndpoint(h.db.pool, tenant.id);
    const client = ws.connect(tenant.apiKey);
    const sub = ws.subscribe(client, BREAKER, { id: endpoint.id });
    await acknowledged(client);
    // One transaction: the listener dies first, so the NOTIFY sent at COMMIT reaches nobody (the
    // listener reconnects after at least 100 ms of backoff).
    const admin = await h.db.pool.connect();
    try {
      await admin.query("BEGIN");
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [
        LIVE_UPDATES_APPLICATION_NAME,
      ]);
      await admin.query("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1", [tenant.id]);
      await admin.query("COMMIT");
    } finally {
      admin.release();
    }
    await waitFor(() => sub.error !== undefined, 15_000);
    expect((sub.error as { code: number }).code).toBe(4403);
  });

  it("closes a key's socket beyond its limit with 4429, and not the ones it had", async () => {
    const tenant = await insertTenant(h.db.pool);
    const [first, second] = [ws.connect(tenant.apiKey), ws.connect(tenant.apiKey)];
    const endpoint = await insertEndpoint(h.db.pool, tenant.id);
    const kept = [
      ws.subscribe(first!, BREAKER, { id: endpoint.id }),
      ws.subscribe(second!, BREAKER, { id: endpoint.id }),
    ];
    await Promise.all([acknowledged(first!), acknowledged(second!)]);
    const third = ws.connect(tenant.apiKey);
    const refused = ws.subscribe(third, BREAKER, { id: endpoint.id });
    await waitFor(() => refused.error !== undefined);
    expect((refused.error as { code: number }).code).toBe(4429);
    expect(kept.map((sub) => sub.error)).toEqual([undefined, undefined]);
    // Another key of another tenant is not affected by this key's count.
    const other = await insertTenant(h.db.pool);
    const otherClient = ws.connect(other.apiKey);
    ws.subscribe(otherClient, BREAKER, { id: (await insertEndpoint(h.db.pool, other.id)).id });
    await acknowledged(otherClient);
  });

  it("refuses a key's subscription beyond its limit with TOO_MANY_SUBSCRIPTIONS and counts a closed socket's as ended", async () => {
    const tenant = await insertTenant(h.db.pool);
    const endpoint = await insertEndpoint(h.db.pool, tenant.id);
    const subscribeThree = (client: Client) => [0, 1, 2].map(() => ws.subscribe(client, BREAKER, { id: endpoint.id }));
    // The holder keeps one of the key's two sockets and one of its three subscriptions.
    const holder = ws.connect(tenant.apiKey);
    ws.subscribe(holder, BREAKER, { id: endpoint.id });
    await acknowledged(holder);
    const first = ws.connect(tenant.apiKey);
    const firstSubs = subscribeThree(first);
    // One socket handles its messages in order: when the third is refused, the first two ran.
    await waitFor(() => firstSubs[2]!.error !== undefined);
    expect(firstSubs[2]!.error).toMatchObject([
      { extensions: { code: "TOO_MANY_SUBSCRIPTIONS", kapselCode: "E4013" } },
    ]);
    expect(firstSubs.slice(0, 2).map((sub) => sub.error)).toEqual([undefined, undefined]);

    await first.dispose();
    // The server has handled that close once another socket fits beside the holder again.
    let second: Client | null = null;
    let secondSubs: Subscription[] = [];
    await waitFor(async () => {
      const candidate = ws.connect(tenant.apiKey);
      const subs = subscribeThree(candidate);
      const accepted = await Promise.race([
        acknowledged(candidate).then(() => true),
        waitFor(() => subs[0]!.error !== undefined).then(() => false),
      ]);
      if (accepted) [second, secondSubs] = [candidate, subs];
      return accepted;
    });
    expect(second).not.toBeNull();
    // Had the closed socket's two kept counting, all three would be refused.
    await waitFor(() => secondSubs[2]!.error !== undefined);
    expect(secondSubs.slice(0, 2).map((sub) => sub.error)).toEqual([undefined, undefined]);
  });
});
