import type { Queryable } from "./sql-builder.ts";

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
