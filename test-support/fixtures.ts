import { generateApiKey, newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";

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
  status?: "active" | "paused" | "disabled";
  sourceScheme?: "none" | "standard-webhooks" | "github" | "stripe" | "shopify" | "hmac-sha256";
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
                            source_prefix, source_tolerance_seconds, signing_secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'whsec_dGVzdC1zaWduaW5nLXNlY3JldC0zMi1ieXRlcyE=')`,
    [
      id,
      tenantId,
      options.url ?? "http://127.0.0.1:9/webhook",
      options.status ?? "active",
      options.sourceScheme ?? "none",
      options.sourceSecret ?? null,
      options.sourceHeader ?? null,
      options.sourceEncoding ?? null,
      options.sourcePrefix ?? null,
      options.sourceToleranceSeconds ?? 300,
    ],
  );
  return { id, tenantId };
}
