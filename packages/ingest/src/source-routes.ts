import { findSourceRoutes, type Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { compileRoutingTable, type RoutingTable } from "@kapsel/routing";

/**
 * The compiled routing table of one source's events (inbound or publish), read by one statement
 * with the tenant's routing_version; null when the tenant is gone.
 */
export async function loadSourceRoutes(
  pool: Pool,
  tenantId: string,
  sourceId: string,
  logger: Logger,
): Promise<RoutingTable | null> {
  const stored = await findSourceRoutes(pool, tenantId, sourceId);
  if (!stored) return null;
  const { table, invalid } = compileRoutingTable(stored);
  for (const bad of invalid) {
    // Saved under older rules: it routes nothing until it is fixed (the errors name fields, not payload data).
    logger.error({ subscriptionId: bad.id, errors: bad.errors }, "stored subscription does not compile; skipped");
  }
  return table;
}
