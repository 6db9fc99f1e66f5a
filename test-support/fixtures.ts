import { generateApiKey, newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { testSecrets } from "./secrets.ts";

/** The outbound (Standard Webhooks) secret test endpoints sign with, unless told otherwise. */
export const TEST_SIGNING_SECRET = "whsec_dGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=";

export interface EndpointFixture {
  id: string;
  tenantId: string;
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
}

export async function insertEndpoint(
  pool: Pool,
  tenantId: string,
  options: EndpointOptions = {},
): Promise<EndpointFixture> {
  const id = newId("endpoint");
  await pool.query(
    `INSERT INTO endpoints (id, tenant_id, url, status, source_scheme, source_secret, source_header, source_encoding,
                            source_prefix, source_tolerance_seconds, signing_secret, max_attempts, max_in_flight,
                            connect_timeout_ms, response_timeout_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
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
    ],
  );
  return { id, tenantId };
}

/** Inserts `count` pending events for an endpoint, due at `dueAt` (bypassing ingest, for volume). */
export async function insertEvents(
  pool: Pool,
  endpoint: EndpointFixture,
  count: number,
  dueAt: Date,
  payload: (i: number) => string = (i) => JSON.stringify({ n: i }),
): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId("event", dueAt.getTime()));
  const bodies = ids.map((_, i) => Buffer.from(payload(i)));
  await pool.query(
    `INSERT INTO events (id, tenant_id, endpoint_id, status, payload, payload_sha256, payload_size, content_type,
                         received_at, next_attempt_at)
     SELECT id, $2, $3, 'pending', body, sha256(body), length(body), 'application/json', $4, $4
       FROM unnest($1::text[], $5::bytea[]) AS t(id, body)`,
    [ids, endpoint.tenantId, endpoint.id, dueAt, bodies],
  );
  return ids;
}

/** How many events are stored for `endpointId`: what ingest tests compare with the 2xx answers they got. */
export async function countEvents(pool: Pool, endpointId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE endpoint_id = $1", [
    endpointId,
  ]);
  return rows[0]!.n;
}
