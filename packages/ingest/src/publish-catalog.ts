import type { Clock } from "@kapsel/core";
import { findCatalogType, type Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import {
  type CompiledEventSchema,
  compileEventSchema,
  type EventSchemaError,
  validateEventPayload,
} from "@kapsel/routing";
import { SourceCache } from "./source-cache.ts";

export type CatalogCheck =
  | { outcome: "ok" }
  /** E1019 */
  | { outcome: "archived" }
  /** E1018: at most 20 errors (paths into the payload), and how many more there were. */
  | { outcome: "violation"; errors: EventSchemaError[]; omitted: number };

interface Entry {
  archived: boolean;
  schema: CompiledEventSchema | null;
}

const OK: CatalogCheck = { outcome: "ok" };

/**
 * The tenant's event-type catalog as publishing sees it: whether a type is archived and the
 * compiled JSON Schema its payloads must satisfy. Catalog rows are cached like sources (hits and
 * misses, `ttlMs`), and compiled schemas are kept by (tenant, type) until the row's updated_at
 * changes: compiling a schema can take up to half a second, so it happens once per schema version
 * per process, never per request, even with `ttlMs` = 0. A type the catalog does not list is
 * published as is.
 */
export class PublishCatalog {
  private readonly rows: SourceCache<Entry>;
  private readonly compiled = new Map<string, { updatedAt: number; schema: CompiledEventSchema | null }>();

  constructor(
    pool: Pool,
    ttlMs: number,
    clock: Clock,
    private readonly logger: Logger,
    private readonly maxCompiled = 10_000,
    private readonly compileSchema: typeof compileEventSchema = compileEventSchema,
  ) {
    this.rows = new SourceCache<Entry>(
      async (key) => {
        const [tenantId, type] = splitKey(key);
        const row = await findCatalogType(pool, tenantId, type);
        if (!row) return null;
        return { archived: row.archived, schema: this.compile(key, row.schema, row.updatedAt.getTime()) };
      },
      ttlMs,
      clock,
    );
  }

  async check(tenantId: string, type: string, payload: unknown): Promise<CatalogCheck> {
    const entry = await this.rows.get(`${tenantId}\n${type}`);
    if (!entry) return OK;
    if (entry.archived) return { outcome: "archived" };
    if (!entry.schema) return OK;
    const result = validateEventPayload(entry.schema, payload);
    return result.ok ? OK : { outcome: "violation", errors: result.errors, omitted: result.omitted };
  }

  private compile(key: string, schemaJson: unknown, updatedAt: number): CompiledEventSchema | null {
    const known = this.compiled.get(key);
    if (known && known.updatedAt === updatedAt) return known.schema;
    let schema: CompiledEventSchema | null = null;
    if (schemaJson !== null) {
      const result = this.compileSchema(schemaJson);
      if (result.ok) schema = result.schema;
      else {
        // Saved under older rules: payloads of the type are not validated until the schema is fixed.
        const [tenantId, type] = splitKey(key);
        this.logger.error(
          { tenantId, type, errors: result.errors },
          "stored event type schema does not compile; not validated",
        );
      }
    }
    if (this.compiled.size >= this.maxCompiled) this.compiled.clear();
    this.compiled.set(key, { updatedAt, schema });
    return schema;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf("\n");
  return [key.slice(0, at), key.slice(at + 1)];
}
