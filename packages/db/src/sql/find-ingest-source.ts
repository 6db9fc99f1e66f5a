import type { Pool } from "../pool.ts";

/**
 * What ingest needs to know about the source a URL names: who owns it, how to verify and type what
 * is posted, and the endpoint it feeds (whose status decides whether it accepts) until
 * subscriptions exist.
 */
export interface IngestSource {
  id: string;
  tenantId: string;
  /** The endpoint the source feeds directly (sources.endpoint_id). */
  endpointId: string;
  /** The endpoint's status: a disabled (or deleted) endpoint's source accepts nothing. */
  status: "active" | "paused" | "disabled";
  scheme: "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";
  /** Sealed (packages/secrets). */
  secret: string | null;
  /** The secret replaced by a rotation with a grace period (sealed); ingest also accepts it until it expires. */
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  header: string | null;
  encoding: "hex" | "base64" | null;
  prefix: string | null;
  toleranceSeconds: number;
  /** Generic schemes: the request header that carries the event type (lower-case). */
  typeHeader: string | null;
  /** Generic schemes: the JSON pointer to the event type in the body. */
  typePointer: string | null;
  /** The tenant's ingest rate limit (tokens per second); null: unlimited (decision 0015). */
  ingestRatePerSecond: number | null;
  /** How many tokens the tenant's bucket holds; null: the ingest processes' default (a second of the rate). */
  ingestRateBurst: number | null;
}

const SELECT = `
SELECT s.id, s.tenant_id, s.endpoint_id, e.status, s.scheme, s.secret, s.previous_secret, s.previous_secret_expires_at,
       s.header, s.encoding, s.prefix, s.tolerance_seconds, s.type_header, s.type_pointer,
       t.ingest_rate_per_second, t.ingest_rate_burst
  FROM sources s
  JOIN endpoints e ON e.id = s.endpoint_id
  JOIN tenants t ON t.id = s.tenant_id`;

// POST /ingest/src_...: served by the sources primary key (and the endpoints and tenants primary keys).
const BY_SOURCE_ID = `${SELECT}\n WHERE s.id = $1`;
// POST /ingest/ep_... (the URL endpoints had before sources): served by sources' endpoint_id UNIQUE index.
const BY_ENDPOINT_ID = `${SELECT}\n WHERE s.endpoint_id = $1`;

interface Row {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  status: IngestSource["status"];
  scheme: IngestSource["scheme"];
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  header: string | null;
  encoding: IngestSource["encoding"];
  prefix: string | null;
  tolerance_seconds: number;
  type_header: string | null;
  type_pointer: string | null;
  ingest_rate_per_second: number | null;
  ingest_rate_burst: number | null;
}

/** The source with this id; null when there is none (or it feeds no endpoint yet). */
export function findIngestSource(pool: Pool, sourceId: string): Promise<IngestSource | null> {
  return find(pool, "find_ingest_source", BY_SOURCE_ID, sourceId);
}

/** The source that feeds this endpoint (the endpoint's own ingest URL); null when there is none. */
export function findIngestSourceByEndpoint(pool: Pool, endpointId: string): Promise<IngestSource | null> {
  return find(pool, "find_ingest_source_by_endpoint", BY_ENDPOINT_ID, endpointId);
}

async function find(pool: Pool, name: string, text: string, id: string): Promise<IngestSource | null> {
  const { rows } = await pool.query<Row>({ name, text, values: [id] });
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    endpointId: row.endpoint_id,
    status: row.status,
    scheme: row.scheme,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    header: row.header,
    encoding: row.encoding,
    prefix: row.prefix,
    toleranceSeconds: row.tolerance_seconds,
    typeHeader: row.type_header,
    typePointer: row.type_pointer,
    ingestRatePerSecond: row.ingest_rate_per_second,
    ingestRateBurst: row.ingest_rate_burst,
  };
}
