import type { Clock } from "@kapsel/core";
import { findCatalogType, type Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { type CatalogCheck, type CatalogEntry, CompiledSchemaCache, checkCatalogEntry } from "@kapsel/routing";
import { SourceCache } from "./source-cache.ts";

/**
 * The tenant's event-type catalog as publishing sees it: whether a type is archived and the
 * compiled JSON Schema its payloads must satisfy. Catalog rows are cached like sources (hits and
 * misses, `ttlMs`), and compiled schemas by (tenant, type) until the row's updated_at changes
 * (CompiledSchemaCache): compiling happens once per schema version per process, never per
 * request, even with `ttlMs` = 0.
 */
export class PublishCatalog {
  private readonly rows: SourceCache<CatalogEntry>;

  constructor(
    pool: Pool,
    ttlMs: number,
    clock: Clock,
    private readonly logger: Logger,
    private readonly schemas = new CompiledSchemaCache(),
  ) {
    this.rows = new SourceCache<CatalogEntry>(
      async (key) => {
        const at = key.indexOf("\n");
        const [tenantId, type] = [key.slice(0, at), key.slice(at + 1)];
        const row = await findCatalogType(pool, tenantId, type);
        if (!row) return null;
        const compiled = this.schemas.get(key, row.updatedAt.getTime(), row.schema);
        if (compiled.ok) return { archived: row.archived, schema: compiled.schema };
        // Saved under older rules: payloads of the type are not validated until the schema is fixed.
        this.logger.error({ tenantId, type, errors: compiled.errors }, "stored event type schema does not compile");
        return { archived: row.archived, schema: null };
      },
      ttlMs,
      clock,
    );
  }

  async check(tenantId: string, type: string, payload: unknown): Promise<CatalogCheck> {
    return checkCatalogEntry(await this.rows.get(`${tenantId}\n${type}`), payload);
  }
}
