// Subscriptions written with plain SQL as the tables' owner (no audit record, no API): fixtures for
// the subscription tests, the audit cases and the isolation suite.
import { newId } from "@kapsel/core";
import type { Pool } from "@kapsel/db";

export interface SubscriptionFixture {
  /** null (default): every source. */
  sourceIds?: string[] | null;
  typePatterns?: string[];
  filter?: unknown;
  description?: string;
  createdAt?: Date;
}

/** Inserts one subscription of the tenant to `endpointId` and returns its id. */
export async function insertSubscription(
  pool: Pool,
  tenantId: string,
  endpointId: string,
  fixture: SubscriptionFixture = {},
): Promise<string> {
  const id = newId("subscription");
  await pool.query(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, description, source_ids, type_patterns, filter, created_at,
                                updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)`,
    [
      id,
      tenantId,
      endpointId,
      fixture.description ?? "",
      fixture.sourceIds ?? null,
      fixture.typePatterns ?? ["*"],
      fixture.filter == null ? null : JSON.stringify(fixture.filter),
      fixture.createdAt ?? new Date(),
    ],
  );
  return id;
}
