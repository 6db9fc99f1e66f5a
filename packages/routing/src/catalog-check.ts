import { type CompiledEventSchema, compileEventSchema, validateEventPayload } from "./event-schema.ts";
import type { EventSchemaError } from "./event-schema-guard.ts";

/** What publishing does with a payload given its type's catalog entry (docs/routing.md, "Publishing"). */
export type CatalogCheck =
  | { outcome: "ok" }
  /** The type is archived: it takes no new events. */
  | { outcome: "archived" }
  /** The payload violates the type's schema: at most 20 errors (paths into the payload), and how many more. */
  | { outcome: "violation"; errors: EventSchemaError[]; omitted: number };

/** A catalog entry as publishing needs it; null: the catalog does not list the type. */
export interface CatalogEntry {
  archived: boolean;
  schema: CompiledEventSchema | null;
}

const OK: CatalogCheck = { outcome: "ok" };

/** Checks a payload against its type's catalog entry. A type the catalog does not list is published as is. */
export function checkCatalogEntry(entry: CatalogEntry | null, payload: unknown): CatalogCheck {
  if (!entry) return OK;
  if (entry.archived) return { outcome: "archived" };
  if (!entry.schema) return OK;
  const result = validateEventPayload(entry.schema, payload);
  return result.ok ? OK : { outcome: "violation", errors: result.errors, omitted: result.omitted };
}

export type CachedSchemaResult =
  | { ok: true; schema: CompiledEventSchema | null }
  /** The stored schema does not compile (saved under older rules). */
  | { ok: false; errors: EventSchemaError[] };

/**
 * Compiled event-type schemas by key (e.g. tenant and type) and version (the row's updated_at):
 * compiling can take up to half a second, so a schema is compiled once per version and process,
 * never per request. Bounded: past `maxEntries` the cache starts over. Pure, no I/O.
 */
export class CompiledSchemaCache {
  private readonly entries = new Map<string, { version: number; result: CachedSchemaResult }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly compile: typeof compileEventSchema = compileEventSchema,
  ) {}

  /** The compiled form of `schemaJson` (null: none), compiled only when the key is new or its version changed. */
  get(key: string, version: number, schemaJson: unknown): CachedSchemaResult {
    const known = this.entries.get(key);
    if (known && known.version === version) return known.result;
    let result: CachedSchemaResult = { ok: true, schema: null };
    if (schemaJson !== null && schemaJson !== undefined) {
      const compiled = this.compile(schemaJson);
      result = compiled.ok ? { ok: true, schema: compiled.schema } : { ok: false, errors: compiled.errors };
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { version, result });
    return result;
  }
}
