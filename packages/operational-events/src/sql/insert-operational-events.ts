import type { PoolClient } from "@kapsel/db";

/** One operational event as stored: a JSON payload from the tenant's system source, with its deliveries. */
export interface OperationalEventRow {
  /** `evt_...` */
  id: string;
  type: string;
  payload: Buffer;
  payloadSha256: Buffer;
  deliveries: readonly { id: string; endpointId: string; subscriptionId: string }[];
}

/*
 * The shape of insertEvents (@kapsel/db) for one tenant's operational events, run inside the
 * transaction that recorded what they report: the events and their deliveries (due at once) are
 * inserted only while the tenant's routing_version is still the one they were routed under, so the
 * routing is exact as of this statement (decision 0025); otherwise nothing is inserted and the
 * caller routes again. No idempotency key and no endpoint: they come from the system source, and
 * the transaction that records a transition publishes it exactly once. The inserts fire the NOTIFY
 * triggers that wake the workers. Served by the tenants primary key; rows are inserted by primary key.
 */
const SQL = `
WITH current AS (
  SELECT 1 FROM tenants WHERE id = $1 AND routing_version = $2::bigint
),
inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, source_id, type, payload, payload_sha256, payload_size, content_type,
                      headers, received_at)
  SELECT e.id, $1, NULL, $3, e.type, e.payload, e.payload_sha256, length(e.payload), 'application/json', '{}'::jsonb, $4
    FROM unnest($5::text[], $6::text[], $7::bytea[], $8::bytea[]) AS e(id, type, payload, payload_sha256)
   WHERE EXISTS (SELECT 1 FROM current)
  RETURNING id
),
delivered AS (
  INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, subscription_id, status, next_attempt_at, created_at,
                          updated_at)
  SELECT d.id, $1, d.event_id, d.endpoint_id, d.subscription_id, 'pending', $4, $4, $4
    FROM unnest($9::text[], $10::text[], $11::text[], $12::text[]) AS d(id, event_id, endpoint_id, subscription_id)
    JOIN inserted n ON n.id = d.event_id
)
SELECT EXISTS (SELECT 1 FROM current) AS current`;

/** false: the tenant's routing changed since `routingVersion` was read (or the tenant is gone); nothing was stored. */
export async function insertOperationalEvents(
  client: PoolClient,
  input: {
    tenantId: string;
    sourceId: string;
    routingVersion: string;
    events: readonly OperationalEventRow[];
    now: Date;
  },
): Promise<boolean> {
  const deliveries = input.events.flatMap((e) => e.deliveries.map((d) => ({ ...d, eventId: e.id })));
  const { rows } = await client.query<{ current: boolean }>({
    name: "insert_operational_events",
    text: SQL,
    values: [
      input.tenantId,
      input.routingVersion,
      input.sourceId,
      input.now,
      input.events.map((e) => e.id),
      input.events.map((e) => e.type),
      input.events.map((e) => e.payload),
      input.events.map((e) => e.payloadSha256),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.endpointId),
      deliveries.map((d) => d.subscriptionId),
    ],
  });
  return rows[0]?.current === true;
}
