import type { Pool } from "../pool.ts";

/** What ingest needs to know about an endpoint: who owns it, whether it accepts, how to verify. */
export interface IngestEndpoint {
  id: string;
  tenantId: string;
  status: "active" | "paused" | "disabled";
  sourceScheme: "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";
  sourceSecret: string | null;
  /** The source secret replaced by a rotation with a grace period (sealed); ingest also accepts it until it expires. */
  previousSourceSecret: string | null;
  previousSourceSecretExpiresAt: Date | null;
  sourceHeader: string | null;
  sourceEncoding: "hex" | "base64" | null;
  sourcePrefix: string | null;
  sourceToleranceSeconds: number;
  /** The tenant's ingest rate limit (tokens per second); null: unlimited (decision 0015). */
  ingestRatePerSecond: number | null;
  /** How many tokens the tenant's bucket holds; null: the ingest processes' default (a second of the rate). */
  ingestRateBurst: number | null;
}

// Served by the endpoints and tenants primary keys.
const SQL = `
SELECT e.id, e.tenant_id, e.status, e.source_scheme, e.source_secret, e.previous_source_secret,
       e.previous_source_secret_expires_at, e.source_header, e.source_encoding, e.source_prefix,
       e.source_tolerance_seconds, t.ingest_rate_per_second, t.ingest_rate_burst
  FROM endpoints e
  JOIN tenants t ON t.id = e.tenant_id
 WHERE e.id = $1`;

interface Row {
  id: string;
  tenant_id: string;
  status: IngestEndpoint["status"];
  source_scheme: IngestEndpoint["sourceScheme"];
  source_secret: string | null;
  previous_source_secret: string | null;
  previous_source_secret_expires_at: Date | null;
  source_header: string | null;
  source_encoding: IngestEndpoint["sourceEncoding"];
  source_prefix: string | null;
  source_tolerance_seconds: number;
  ingest_rate_per_second: number | null;
  ingest_rate_burst: number | null;
}

export async function findIngestEndpoint(pool: Pool, id: string): Promise<IngestEndpoint | null> {
  const { rows } = await pool.query<Row>({ name: "find_ingest_endpoint", text: SQL, values: [id] });
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status,
    sourceScheme: row.source_scheme,
    sourceSecret: row.source_secret,
    previousSourceSecret: row.previous_source_secret,
    previousSourceSecretExpiresAt: row.previous_source_secret_expires_at,
    sourceHeader: row.source_header,
    sourceEncoding: row.source_encoding,
    sourcePrefix: row.source_prefix,
    sourceToleranceSeconds: row.source_tolerance_seconds,
    ingestRatePerSecond: row.ingest_rate_per_second,
    ingestRateBurst: row.ingest_rate_burst,
  };
}
