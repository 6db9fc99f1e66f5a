import { generateApiKey, newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { testSecrets } from "./secrets.ts";

/** The outbound (Standard Webhooks) secret test endpoints sign with, unless told otherwise. */
export const TEST_SIGNING_SECRET = "whsec_dGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=";

export interface EndpointFixture {
  id: string;
  tenantId: string;
  /** The endpoint's inbound source (`src_...`, the endpoint id's time and randomness, as the migration made them). */
  sourceId: string;
  /** Its subscription to that source (every type, no filter), as createEndpoint makes it. */
  subscriptionId: string;
}

/** The id of the source migration 20261203180000_sources made for an endpoint (and insertEndpoint makes). */
export function sourceIdOf(endpointId: string): string {
  return `src_${endpointId.slice(3)}`;
}

/** The id of the subscription to its own source that every endpoint starts with (migration 20261203190000, createEndpoint). */
export function subscriptionIdOf(endpointId: string): string {
  return `sub_${endpointId.slice(3)}`;
}

export async function insertTenant(pool: Pool, name = "Test tenant"): Promise<{ id: string; apiKey: string }> {
  const id = newId("tenant");
  const key = generateApiKey();
  await pool.query("INSERT INTO tenants (id, name) VALUES ($1, $2)", [id, name]);
  await pool.query("INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) VALUES ($1, $2, 'test', $3, $4)", [
    newId("apiKey"),
    id,
    key.prefix,
    key.hash,
  ]);
  return { id, apiKey: key.key };
}

export interface EndpointOptions {
  url?: string;
  maxAttempts?: number;
  maxInFlight?: number;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  /** Plaintext; stored sealed under the test master key, like every secret. */
  signingSecret?: string;
  status?: "active" | "paused" | "disabled";
  sourceScheme?: "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";
  /** Plaintext; stored sealed under the test master key. */
  sourceSecret?: string | null;
  sourceHeader?: string | null;
  sourceEncoding?: "hex" | "base64" | null;
  sourcePrefix?: string | null;
  sourceToleranceSeconds?: number;
  typeHeader?: string | null;
  typePointer?: string | null;
}

/** An endpoint and the inbound source that feeds it (as createEndpoint makes them), in one statement. */
export async function insertEndpoint(
  pool: Pool,
  tenantId: string,
  options: EndpointOptions = {},
): Promise<EndpointFixture> {
  const id = newId("endpoint");
  const sourceId = sourceIdOf(id);
  await pool.query(
    `WITH endpoint AS (
       INSERT INTO endpoints (id, tenant_id, url, status, signing_secret, max_attempts, max_in_flight, connect_timeout_ms,
                              response_timeout_ms)
       VALUES ($1, $2, $3, $4, $11, $12, $13, $14, $15)
       RETURNING id
     )
     , source AS (
       INSERT INTO sources (id, tenant_id, endpoint_id, scheme, secret, header, encoding, prefix, tolerance_seconds,
                            type_header, type_pointer)
       SELECT $16, $2, id, $5, $6, $7, $8, $9, $10, $17, $18 FROM endpoint
       RETURNING id, endpoint_id
     )
     INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns)
     SELECT $19, $2, endpoint_id, ARRAY[id], ARRAY['*'] FROM source`,
    [
      id,
      tenantId,
      options.url ?? "http://127.0.0.1:9/webhook",
      options.status ?? "active",
      options.sourceScheme ?? "none",
      options.sourceSecret == null ? null : testSecrets.seal(options.sourceSecret),
      options.sourceHeader ?? null,
      options.sourceEncoding ?? null,
      options.sourcePrefix ?? null,
      options.sourceToleranceSeconds ?? 300,
      testSecrets.seal(options.signingSecret ?? TEST_SIGNING_SECRET),
      options.maxAttempts ?? 346,
      options.maxInFlight ?? 10,
      options.connectTimeoutMs ?? 2000,
      options.responseTimeoutMs ?? 5000,
      sourceId,
      options.typeHeader ?? null,
      options.typePointer ?? null,
      subscriptionIdOf(id),
    ],
  );
  return { id, tenantId, sourceId, subscriptionId: subscriptionIdOf(id) };
}

/**
 * Inserts `count` pending events for an endpoint, each with its delivery due at `dueAt` (bypassing
 * ingest, for volume), in one statement as ingest does. Returns the event ids.
 */
export async function insertEvents(
  pool: Pool,
  endpoint: Pick<EndpointFixture, "id" | "tenantId">,
  count: number,
  dueAt: Date,
  payload: (i: number) => string = (i) => JSON.stringify({ n: i }),
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId("event", dueAt.getTime()));
  const deliveryIds = ids.map(() => newId("delivery", dueAt.getTime()));
  const bodies = ids.map((_, i) => Buffer.from(payload(i)));
  await pool.query(
    `WITH inserted AS (
       INSERT INTO events (id, tenant_id, endpoint_id, source_id, type, payload, payload_sha256, payload_size, content_type,
                           received_at)
       SELECT id, $2, $3, $7, 'test.fixture', body, sha256(body), length(body), 'application/json', $4
         FROM unnest($1::text[], $5::bytea[]) AS t(id, body)
       RETURNING id
     )
     INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
     SELECT d.delivery_id, $2, d.id, $3, 'pending', $4, $4, $4
       FROM unnest($1::text[], $6::text[]) AS d(id, delivery_id)`,
    [ids, endpoint.tenantId, endpoint.id, dueAt, bodies, deliveryIds, sourceIdOf(endpoint.id)],
  );
  return ids;
}

/** The delivery state of an event (its one delivery until routing fans out), as tests read it. */
export interface DeliveryState {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: "received" | "pending" | "delivering" | "delivered" | "failed";
  attempts: number;
  retry_base: number;
  next_attempt_at: Date | null;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  delivered_at: Date | null;
  failed_at: Date | null;
}

/** The delivery states of these events, in the order of `eventIds` (missing events are left out). */
export async function deliveryStates(pool: Pool, eventIds: readonly string[]): Promise<DeliveryState[]> {
  const { rows } = await pool.query<DeliveryState>(
    `SELECT d.id, d.event_id, d.endpoint_id, d.status::text AS status, d.attempts, d.retry_base, d.next_attempt_at,
            d.lease_owner, d.lease_expires_at, d.last_error, d.delivered_at, d.failed_at
       FROM unnest($1::text[]) WITH ORDINALITY AS k(event_id, n)
       JOIN deliveries d ON d.event_id = k.event_id
      ORDER BY k.n`,
    [eventIds],
  );
  return rows;
}

/** The delivery state of one event; throws when it has none. */
export async function deliveryState(pool: Pool, eventId: string): Promise<DeliveryState> {
  const [state] = await deliveryStates(pool, [eventId]);
  if (!state) throw new Error(`no delivery for ${eventId}`);
  return state;
}

/** How many events are stored for `endpointId`: what ingest tests compare with the 2xx answers they got. */
export async function countEvents(pool: Pool, endpointId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE endpoint_id = $1", [
    endpointId,
  ]);
  return rows[0]!.n;
}
