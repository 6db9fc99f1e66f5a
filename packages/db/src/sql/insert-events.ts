import type { Pool, PoolClient } from "../pool.ts";

/** One delivery of a new event: to the endpoint of the subscription that matched it. */
export interface NewDelivery {
  /** `dlv_...` */
  id: string;
  endpointId: string;
  /** The subscription that routed it (deliveries.subscription_id). */
  subscriptionId: string;
}

export interface NewEvent {
  id: string;
  tenantId: string;
  /** The source it came from: its idempotency keys are the source's. */
  sourceId: string;
  /** The endpoint whose source it came in through (events.endpoint_id); null for published and system events. */
  endpointId: string | null;
  /** The event type (deriveEventType, packages/routing). */
  type: string;
  payload: Buffer;
  payloadSha256: Buffer;
  contentType: string | null;
  /** JSON text of the stored request headers. */
  headersJson: string;
  idempotencyKey: string | null;
  /** W3C traceparent of the ingest span, when tracing is on (delivery joins that trace). */
  traceContext?: string | null;
  /** The tenant's routing_version the deliveries were matched under (findSourceRoutes). */
  routingVersion: string;
  /** What routing matched (none: the event is stored and routed nowhere); inserted with the event. */
  deliveries: readonly NewDelivery[];
  /**
   * More endpoints matched than ingest routes inline (ROUTING_INLINE_MAX): the event is stored with
   * a routing_backlog row instead, and the router inserts its deliveries (`deliveries` is empty).
   */
  routeLater: boolean;
}

/** How long an idempotency key keeps answering with its first event. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/*
 * One statement, one implicit transaction, any number of events: the group commit's unit. Each
 * event is inserted with the deliveries routing matched for it (due at once), or, when it matched
 * more endpoints than ingest routes inline, with a routing_backlog row for the router (decision
 * 0025): the event row is written once and never updated, the delivery rows carry the state that
 * changes.
 * Routing is exact as of this statement's snapshot (decision 0025): an event whose tenant's
 * routing_version is no longer the one its deliveries were matched under is not inserted and not
 * returned (the caller reloads the subscriptions and submits it again). Every change to
 * subscriptions, and every endpoint disabled or enabled, bumps that version.
 * Keyed events first claim their (source, key) row; an existing row younger than the window
 * wins the conflict, so its event is not inserted (the caller looks up the original). Concurrent
 * statements with the same key serialise on the primary key. Input is sorted by (source, key) so
 * that two batches always take key locks in the same order and cannot deadlock.
 * Served by the tenants and idempotency_keys primary keys; events, deliveries and backlog rows are
 * inserted by primary key. No foreign key is checked per row (migration 20261203260000): the
 * routing_version check is what keeps the source and endpoint ids current.
 */
const SQL = `
WITH input AS MATERIALIZED (
  SELECT t.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[], $11::text[],
                $12::bigint[], $13::text[], $14::text[], $19::boolean[])
      AS t(id, tenant_id, endpoint_id, payload, payload_sha256, content_type, headers, idempotency_key, trace_context,
           routing_version, source_id, type, route_later)
    JOIN tenants tn ON tn.id = t.tenant_id AND tn.routing_version = t.routing_version
),
claimed AS (
  INSERT INTO idempotency_keys AS k (source_id, key, event_id, created_at)
  SELECT source_id, idempotency_key, id, $9
    FROM input
   WHERE idempotency_key IS NOT NULL
   ORDER BY source_id, idempotency_key
  ON CONFLICT (source_id, key) DO UPDATE
     SET event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at
   WHERE k.created_at <= EXCLUDED.created_at - make_interval(secs => $10::double precision / 1000)
  RETURNING event_id
),
inserted AS (
  INSERT INTO events (id, tenant_id, endpoint_id, source_id, type, payload, payload_sha256, payload_size, content_type,
                      headers, idempotency_key, received_at, trace_context)
  SELECT id, tenant_id, endpoint_id, source_id, type, payload, payload_sha256, length(payload), content_type,
         headers::jsonb, idempotency_key, $9, trace_context
    FROM input
   WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM claimed)
  RETURNING id, tenant_id
),
delivered AS (
  INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, subscription_id, status, next_attempt_at, created_at,
                          updated_at)
  SELECT d.id, n.tenant_id, d.event_id, d.endpoint_id, d.subscription_id, 'pending', $9, $9, $9
    FROM unnest($15::text[], $16::text[], $17::text[], $18::text[]) AS d(id, event_id, endpoint_id, subscription_id)
    JOIN inserted n ON n.id = d.event_id
),
backlogged AS (
  INSERT INTO routing_backlog (event_id, tenant_id, created_at)
  SELECT i.id, i.tenant_id, $9
    FROM input i JOIN inserted n ON n.id = i.id
   WHERE i.route_later
)
SELECT i.id, n.id IS NOT NULL AS inserted
  FROM input i LEFT JOIN inserted n ON n.id = i.id`;

export interface InsertedEvents {
  /** Stored, with their deliveries. */
  inserted: Set<string>;
  /** Not stored: their tenant's routing changed after they were matched (reload and submit again). */
  stale: Set<string>;
}

/**
 * Inserts the events and their deliveries in one atomic statement. An event neither inserted nor
 * stale is a duplicate: its key already stands for another event (see findIdempotentEvents).
 * Keys must be unique per source within one call. Given a client, it runs inside the caller's
 * transaction (operational events commit with the transition they report).
 */
export async function insertEvents(
  pool: Pool | PoolClient,
  events: readonly NewEvent[],
  receivedAt: Date,
): Promise<InsertedEvents> {
  const deliveries = events.flatMap((e) => e.deliveries.map((d) => ({ ...d, eventId: e.id })));
  const { rows } = await pool.query<{ id: string; inserted: boolean }>({
    name: "insert_events",
    text: SQL,
    values: [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.endpointId),
      events.map((e) => e.payload),
      events.map((e) => e.payloadSha256),
      events.map((e) => e.contentType),
      events.map((e) => e.headersJson),
      events.map((e) => e.idempotencyKey),
      receivedAt,
      IDEMPOTENCY_WINDOW_MS,
      events.map((e) => e.traceContext ?? null),
      events.map((e) => e.routingVersion),
      events.map((e) => e.sourceId),
      events.map((e) => e.type),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.eventId),
      deliveries.map((d) => d.endpointId),
      deliveries.map((d) => d.subscriptionId),
      events.map((e) => e.routeLater),
    ],
  });
  const inserted = new Set<string>();
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row.id);
    if (row.inserted) inserted.add(row.id);
  }
  const stale = new Set(events.filter((e) => !seen.has(e.id)).map((e) => e.id));
  return { inserted, stale };
}
