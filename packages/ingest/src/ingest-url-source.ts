import { isId } from "@kapsel/core";
import { findIngestSource, findIngestSourceByEndpoint, type IngestSource, type Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import type { RoutingTable } from "@kapsel/routing";
import { loadSourceRoutes } from "./source-routes.ts";

/** What ingest caches per ingest URL: the source, and where its events go. */
export interface IngestTarget {
  source: IngestSource;
  routes: RoutingTable;
}

/** Whether the id in `POST /ingest/:id` can name a source at all: junk is refused before any query. */
export function isIngestUrlId(id: string): boolean {
  return isId("source", id) || isId("endpoint", id);
}

/**
 * The source an ingest URL names: `/ingest/src_...` by the source's id, and, for the URLs
 * endpoints had before sources existed, `/ingest/ep_...` through the source that feeds that
 * endpoint (sources.endpoint_id). One indexed lookup either way.
 */
export function loadIngestUrlSource(pool: Pool, id: string): Promise<IngestSource | null> {
  if (isId("source", id)) return findIngestSource(pool, id);
  if (isId("endpoint", id)) return findIngestSourceByEndpoint(pool, id);
  return Promise.resolve(null);
}

/** The source an ingest URL names and its compiled routing table (two indexed lookups). */
export async function loadIngestTarget(pool: Pool, id: string, logger: Logger): Promise<IngestTarget | null> {
  const source = await loadIngestUrlSource(pool, id);
  if (!source) return null;
  const routes = await loadSourceRoutes(pool, source.tenantId, source.id, logger);
  return routes ? { source, routes } : null;
}
