import { findSourceRoutes, type PoolClient } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { compileRoutingTable, type RoutingTable } from "@kapsel/routing";

/** Sources whose compiled tables are kept; past it the cache starts over (tables are cheap to reload). */
const MAX_CACHED_SOURCES = 1_000;

/**
 * Each source's compiled subscriptions, kept with the tenant's routing_version they were read
 * under. An entry is used only while that version is still the tenant's (the router reads the
 * version under a share lock first), so a cached table is never older than the routing it does.
 */
export class RoutingTables {
  private readonly bySource = new Map<string, RoutingTable>();

  constructor(private readonly logger: Logger) {}

  /** The source's table as of `version`; null when the tenant is gone. */
  async get(client: PoolClient, tenantId: string, sourceId: string, version: string): Promise<RoutingTable | null> {
    const cached = this.bySource.get(sourceId);
    if (cached && cached.version === version) return cached;
    const stored = await findSourceRoutes(client, tenantId, sourceId);
    if (!stored) return null;
    const { table, invalid } = compileRoutingTable(stored);
    for (const bad of invalid) {
      // Saved under older rules: it routes nothing until it is fixed (the errors name fields, not payload data).
      this.logger.error(
        { subscriptionId: bad.id, errors: bad.errors },
        "stored subscription does not compile; skipped",
      );
    }
    if (this.bySource.size >= MAX_CACHED_SOURCES) this.bySource.clear();
    this.bySource.set(sourceId, table);
    return table;
  }
}
