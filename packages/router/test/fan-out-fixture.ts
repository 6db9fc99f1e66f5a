import { newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { type EndpointOptions, insertEndpoint, insertTenant } from "@kapsel/test-support";

export interface FanOut {
  tenantId: string;
  /** The source events are posted to (the first endpoint's own source). */
  sourceId: string;
  /** Every endpoint fed by the source, the first included. */
  endpointIds: string[];
  /** The subscription of each endpoint in endpointIds, by endpoint id. */
  subscriptionOf: Map<string, string>;
}

/**
 * A tenant whose first endpoint's source fans out to `count` endpoints in all: the first through its
 * own subscription, the others through one subscription each to that source (every type).
 */
export async function fanOut(pool: Pool, count: number, options: EndpointOptions = {}): Promise<FanOut> {
  const tenant = await insertTenant(pool);
  const first = await insertEndpoint(pool, tenant.id, { typePointer: "/type", ...options });
  const subscriptionOf = new Map([[first.id, first.subscriptionId]]);
  for (let i = 1; i < count; i++) {
    const ep = await insertEndpoint(pool, tenant.id, options);
    subscriptionOf.set(ep.id, await subscribe(pool, tenant.id, ep.id, [first.sourceId]));
  }
  return { tenantId: tenant.id, sourceId: first.sourceId, endpointIds: [...subscriptionOf.keys()], subscriptionOf };
}

export async function subscribe(
  pool: Pool,
  tenantId: string,
  endpointId: string,
  sourceIds: string[] | null,
  options: { types?: string[]; filter?: unknown } = {},
): Promise<string> {
  const id = newId("subscription");
  await pool.query(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns, filter)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, tenantId, endpointId, sourceIds, options.types ?? ["*"], options.filter ?? null],
  );
  return id;
}

/** POSTs one JSON event to an ingest URL and returns its id (202 expected). */
export async function post(ingestUrl: string, urlId: string, body: unknown): Promise<string> {
  const res = await fetch(`${ingestUrl}/ingest/${urlId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { event_id?: string; code?: string };
  if (res.status !== 202) throw new Error(`ingest answered ${res.status} ${json.code}`);
  return json.event_id!;
}

export async function deliveriesOf(
  pool: Pool,
  eventId: string,
): Promise<{ endpoint_id: string; subscription_id: string }[]> {
  const { rows } = await pool.query(
    "SELECT endpoint_id, subscription_id FROM deliveries WHERE event_id = $1 ORDER BY endpoint_id",
    [eventId],
  );
  return rows;
}

export async function backlogOf(pool: Pool, eventIds: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ event_id: string }>(
    "SELECT event_id FROM routing_backlog WHERE event_id = ANY($1) ORDER BY event_id",
    [eventIds],
  );
  return rows.map((r) => r.event_id);
}

/** What routing by `subscriptionOf` gives: one delivery per endpoint, sorted like deliveriesOf. */
export function expected(
  subscriptionOf: ReadonlyMap<string, string>,
): { endpoint_id: string; subscription_id: string }[] {
  return [...subscriptionOf]
    .map(([endpoint_id, subscription_id]) => ({ endpoint_id, subscription_id }))
    .sort((a, b) => (a.endpoint_id < b.endpoint_id ? -1 : 1));
}
