import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, Params, type Queryable, utcText } from "./sql-builder.ts";

/**
 * The event-type catalog (migration 20261203170000_event_types). Every statement names the tenant
 * and runs under row-level security besides. The schema itself is read only by eventTypeSchemas,
 * after the answer's byte budget was charged for it (loaders.ts), never with the rest of the row.
 */

/** An event type as the API shows it, without its schema (`schemaBytes` says how large it is). */
export interface EventTypeModel {
  id: string;
  tenantId: string;
  sortAt: string;
  name: string;
  description: string;
  /** Size of the schema's compact JSON; null when the type has no schema. */
  schemaBytes: number | null;
  origin: "declared" | "observed" | "builtin";
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `t.id, t.tenant_id, t.name, t.description, t.schema_bytes, t.origin, t.first_seen_at, t.last_seen_at,
  t.archived_at, t.created_at, t.updated_at, ${utcText("t.created_at")} AS sort_at`;

interface Row {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  schema_bytes: number | null;
  origin: "declared" | "observed" | "builtin";
  first_seen_at: Date | null;
  last_seen_at: Date | null;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
  sort_at: string;
}

const toModel = (r: Row): EventTypeModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  sortAt: r.sort_at,
  name: r.name,
  description: r.description,
  schemaBytes: r.schema_bytes,
  origin: r.origin,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface EventTypePageQuery extends PageArgs {
  includeArchived: boolean;
  namePrefix: string | null;
}

/**
 * The tenant's types, newest first. Served by event_types_tenant_created_idx; the archived and
 * prefix conditions filter the tenant's rows (a catalog holds hundreds of types, not millions).
 */
export async function listEventTypes(
  db: Queryable,
  tenantId: string,
  query: EventTypePageQuery,
): Promise<Page<EventTypeModel>> {
  const params = new Params();
  const where = [`t.tenant_id = ${params.add(tenantId)}`];
  if (!query.includeArchived) where.push("t.archived_at IS NULL");
  if (query.namePrefix !== null) where.push(`starts_with(t.name, ${params.add(query.namePrefix)})`);
  const keyset = afterCursor(params, "t.created_at", "t.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM event_types t WHERE ${where.join(" AND ")}${keyset}
      ORDER BY t.created_at DESC, t.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(rows.map(toModel), query.first);
}

/** The tenant's types with these ids (the DataLoader's batch). */
export async function eventTypesByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, EventTypeModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_event_types_by_ids",
    text: `SELECT ${COLUMNS} FROM event_types t WHERE t.tenant_id = $1 AND t.id = ANY($2)`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toModel(r)]));
}

/** The tenant's type of this name. Served by event_types_tenant_name_key. */
export async function eventTypeByName(db: Queryable, tenantId: string, name: string): Promise<EventTypeModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_event_type_by_name",
    text: `SELECT ${COLUMNS} FROM event_types t WHERE t.tenant_id = $1 AND t.name = $2`,
    values: [tenantId, name],
  });
  return rows[0] ? toModel(rows[0]) : null;
}

/** The schemas of these types (those that have one); read once their bytes were charged. */
export async function eventTypeSchemas(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, unknown>> {
  const { rows } = await db.query<{ id: string; schema: unknown }>({
    name: "gql_event_type_schemas",
    text: "SELECT id, schema FROM event_types WHERE tenant_id = $1 AND id = ANY($2) AND schema IS NOT NULL",
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, r.schema]));
}

/** A schema as stored: the JSON text and its size in bytes (what answers are charged for it). */
export interface StoredSchema {
  json: string;
  bytes: number;
}

export function storedSchema(schema: unknown): StoredSchema {
  const json = JSON.stringify(schema);
  return { json, bytes: Buffer.byteLength(json, "utf8") };
}

/**
 * Declares a type. `exists` when the tenant already has a type of this name (declared, observed
 * or archived): the unique index decides, so two concurrent creations cannot both succeed.
 */
export async function insertEventType(
  db: Queryable,
  row: { id: string; tenantId: string; name: string; description: string; schema: StoredSchema | null; now: Date },
): Promise<{ outcome: "created"; eventType: EventTypeModel } | { outcome: "exists" }> {
  const { rows } = await db.query<Row>({
    name: "gql_insert_event_type",
    text: `INSERT INTO event_types AS t (id, tenant_id, name, description, schema, schema_bytes, origin, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'declared', $7, $7)
           ON CONFLICT (tenant_id, name) DO NOTHING
           RETURNING ${COLUMNS}`,
    values: [
      row.id,
      row.tenantId,
      row.name,
      row.description,
      row.schema?.json ?? null,
      row.schema?.bytes ?? null,
      row.now,
    ],
  });
  return rows[0] ? { outcome: "created", eventType: toModel(rows[0]) } : { outcome: "exists" };
}

export interface EventTypeChanges {
  /** Absent: unchanged. */
  description?: string;
  /** Absent: unchanged; null: the schema is removed. */
  schema?: StoredSchema | null;
}

/** Changes a type's description and/or schema; null when the tenant has no type with this id. */
export async function updateEventType(
  db: Queryable,
  tenantId: string,
  id: string,
  changes: EventTypeChanges,
  now: Date,
): Promise<EventTypeModel | null> {
  const schemaGiven = changes.schema !== undefined;
  const { rows } = await db.query<Row>({
    name: "gql_update_event_type",
    text: `UPDATE event_types t
              SET description = coalesce($3, t.description),
                  schema = CASE WHEN $4 THEN $5::jsonb ELSE t.schema END,
                  schema_bytes = CASE WHEN $4 THEN $6::integer ELSE t.schema_bytes END,
                  updated_at = $7
            WHERE t.tenant_id = $1 AND t.id = $2
        RETURNING ${COLUMNS}`,
    values: [
      tenantId,
      id,
      changes.description ?? null,
      schemaGiven,
      changes.schema?.json ?? null,
      changes.schema?.bytes ?? null,
      now,
    ],
  });
  return rows[0] ? toModel(rows[0]) : null;
}

/**
 * Archives (keeping the first archived_at) or unarchives a type; updated_at moves only when the
 * state changes. Null when the tenant has no type with this id.
 */
export async function setEventTypeArchived(
  db: Queryable,
  tenantId: string,
  id: string,
  archived: boolean,
  now: Date,
): Promise<EventTypeModel | null> {
  const { rows } = await db.query<Row>({
    name: "gql_set_event_type_archived",
    text: `UPDATE event_types t
              SET archived_at = CASE WHEN $3 THEN coalesce(t.archived_at, $4) ELSE NULL END,
                  updated_at = CASE WHEN (t.archived_at IS NULL) = $3 THEN $4 ELSE t.updated_at END
            WHERE t.tenant_id = $1 AND t.id = $2
        RETURNING ${COLUMNS}`,
    values: [tenantId, id, archived, now],
  });
  return rows[0] ? toModel(rows[0]) : null;
}
