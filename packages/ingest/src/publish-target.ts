import { findPublishSource, type Pool, type PublishSource } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import type { RoutingTable } from "@kapsel/routing";
import { loadSourceRoutes } from "./source-routes.ts";

/** What POST /publish caches per tenant: its publish source, rate limit, and where its events go. */
export interface PublishTarget {
  source: PublishSource;
  routes: RoutingTable;
}

/** The tenant's publish source and its compiled routing table (two indexed lookups), like loadIngestTarget. */
export async function loadPublishTarget(pool: Pool, tenantId: string, logger: Logger): Promise<PublishTarget | null> {
  const source = await findPublishSource(pool, tenantId);
  if (!source) return null;
  const routes = await loadSourceRoutes(pool, tenantId, source.id, logger);
  return routes ? { source, routes } : null;
}
