import type { Pool } from "../pool.ts";

/** What ingest needs to know about an endpoint: who owns it, whether it accepts, how to verify. */
export interface IngestEndpoint {
  id: string;
  tenantId: string;
  status: "active" | "paused" | "disabled";
  sourceScheme: "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";
  sourceSecret: string | null;
  sourceHeader: string | null;
  sourceEncoding: "hex" | "base64" | null;
  sourcePrefix: string | null;
  sourceToleranceSeconds: number;
}

// Served by the endpoints primary key.
const SQL = `
SELECT id, tenant_id, status, source_scheme, source_secret, source_header, source_encoding,
       source_prefix, source_tolerance_seconds
  FROM endpoints
 WHERE id = $1`;

interface Row {
  id: string;
  tenant_id: string;
  status: IngestEndpoint["status"];
  source_scheme: IngestEndpoint["sourceScheme"];
  source_secret: string | null;
  source_header: string | null;
  source_encoding: IngestEndpoint["sourceEncoding"];
  source_prefix: string | null;
  source_tolerance_seconds: number;
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
    sourceHeader: row.source_header,
    sourceEncoding: row.source_encoding,
    sourcePrefix: row.source_prefix,
    sourceToleranceSeconds: row.source_tolerance_seconds,
  };
}
