import { type Page, type PageArgs, toPage } from "../pagination.ts";
import { afterCursor, Params, type Queryable, utcText } from "./sql-builder.ts";

/** One stored audit record, as the audit leaf has it (digests as hex). */
export interface AuditRecordRow {
  id: string;
  tenantId: string;
  actor: string;
  operation: string;
  targetId: string;
  at: Date;
  beforeSha256: string | null;
  afterSha256: string | null;
  secret: "unchanged" | "rotated";
}

/**
 * Writes an audit record and queues its leaf for the committer, in the caller's transaction. Two
 * statements, not one with a CTE: pending_leaves' row-level security policy looks the record up,
 * and a statement does not see rows its own CTEs insert.
 */
export async function insertAuditRecord(db: Queryable, record: AuditRecordRow, leaf: Uint8Array): Promise<void> {
  await db.query({
    name: "gql_insert_audit_record",
    text: `INSERT INTO audit_records (id, tenant_id, actor, operation, target_id, at, before_sha256, after_sha256, secret)
           VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'hex'), decode($8, 'hex'), $9)`,
    values: [
      record.id,
      record.tenantId,
      record.actor,
      record.operation,
      record.targetId,
      record.at,
      record.beforeSha256,
      record.afterSha256,
      record.secret,
    ],
  });
  await db.query({
    name: "gql_insert_audit_leaf",
    text: "INSERT INTO pending_leaves (audit_id, leaf, enqueued_at) VALUES ($1, $2, $3)",
    values: [record.id, Buffer.from(leaf), record.at],
  });
}

/** An audit record as the API shows it: the row, its list sort key, and its leaf once committed. */
export interface AuditRecordModel extends AuditRecordRow {
  sortAt: string;
  leafIndex: number | null;
}

export interface AuditLogQuery extends PageArgs {
  /** The tenant whose records to list; null for the operator (every tenant). */
  tenantId: string | null;
  targetId: string | null;
  atOrAfter: Date | null;
  before: Date | null;
}

interface ListRow {
  id: string;
  tenant_id: string;
  actor: string;
  operation: string;
  target_id: string;
  at: Date;
  before_sha256: string | null;
  after_sha256: string | null;
  secret: "unchanged" | "rotated";
  sort_at: string;
  leaf_index: string | null;
}

/**
 * Audit records newest first (at, then id), filtered by tenant, target and time range. Served by
 * audit_records_tenant_at_idx (a tenant's list), audit_records_target_at_idx (by target) and
 * audit_records_at_idx (the operator's list); each record's leaf by merkle_leaves' unique audit_id.
 */
export async function listAuditRecords(db: Queryable, query: AuditLogQuery): Promise<Page<AuditRecordModel>> {
  const params = new Params();
  const where: string[] = ["true"];
  if (query.tenantId !== null) where.push(`r.tenant_id = ${params.add(query.tenantId)}`);
  if (query.targetId !== null) where.push(`r.target_id = ${params.add(query.targetId)}`);
  if (query.atOrAfter !== null) where.push(`r.at >= ${params.add(query.atOrAfter)}`);
  if (query.before !== null) where.push(`r.at < ${params.add(query.before)}`);
  const keyset = afterCursor(params, "r.at", "r.id", query.after);
  const limit = params.add(query.first + 1);
  const { rows } = await db.query<ListRow>(
    `SELECT r.id, r.tenant_id, r.actor, r.operation, r.target_id, r.at, encode(r.before_sha256, 'hex') AS before_sha256,
            encode(r.after_sha256, 'hex') AS after_sha256, r.secret, ${utcText("r.at")} AS sort_at,
            (SELECT l.leaf_index FROM merkle_leaves l WHERE l.audit_id = r.id) AS leaf_index
       FROM audit_records r WHERE ${where.join(" AND ")}${keyset}
      ORDER BY r.at DESC, r.id DESC LIMIT ${limit}`,
    params.values,
  );
  return toPage(
    rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      actor: r.actor,
      operation: r.operation,
      targetId: r.target_id,
      at: r.at,
      beforeSha256: r.before_sha256,
      afterSha256: r.after_sha256,
      secret: r.secret,
      sortAt: r.sort_at,
      leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
    })),
    query.first,
  );
}

/** The committed leaf of an audit record (the caller has read the record, so it may see it). */
export async function auditLeaf(db: Queryable, auditId: string): Promise<{ leafIndex: number; leaf: Buffer } | null> {
  const { rows } = await db.query<{ leaf_index: string; leaf: Buffer }>({
    name: "gql_audit_leaf",
    text: "SELECT leaf_index, leaf FROM merkle_leaves WHERE audit_id = $1",
    values: [auditId],
  });
  const row = rows[0];
  return row ? { leafIndex: Number(row.leaf_index), leaf: row.leaf } : null;
}
