import { type AuditSecretChange, configurationSha256, encodeAuditLeaf } from "@kapsel/attestation";
import { newId } from "@kapsel/core";
import type { Caller } from "../auth/caller.ts";
import { insertAuditRecord } from "../sql/audit-records.ts";
import type { Queryable } from "../sql/sql-builder.ts";

export interface AuditChange {
  caller: Caller;
  /** The GraphQL mutation's name. */
  operation: string;
  /** The tenant the target belongs to. */
  tenantId: string;
  targetId: string;
  /** Secret-free configurations (see configurations.ts); null where the target does not exist. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  secret: AuditSecretChange;
  at: Date;
}

/** `operator` for the operator key, else the id of the tenant API key that made the change. */
export function actorOf(caller: Caller): string {
  return caller.role === "operator" ? "operator" : caller.apiKeyId;
}

/**
 * THE recording function: one audit record and its pending leaf (docs/receipts.md section 2a),
 * written with `db`, which must be the transaction that made the change, so both commit or
 * neither does. The committer appends the leaf to the log like an attempt's. Returns the record id.
 */
export async function recordAudit(db: Queryable, change: AuditChange): Promise<string> {
  const record = {
    id: newId("audit", change.at.getTime()),
    tenantId: change.tenantId,
    actor: actorOf(change.caller),
    operation: change.operation,
    targetId: change.targetId,
    at: change.at,
    beforeSha256: change.before === null ? null : configurationSha256(change.before),
    afterSha256: change.after === null ? null : configurationSha256(change.after),
    secret: change.secret,
  };
  const leaf = encodeAuditLeaf({
    audit_id: record.id,
    tenant_id: record.tenantId,
    actor: record.actor,
    operation: record.operation,
    target_id: record.targetId,
    at: record.at.toISOString(),
    before_sha256: record.beforeSha256,
    after_sha256: record.afterSha256,
    secret: record.secret,
  });
  await insertAuditRecord(db, record, leaf);
  return record.id;
}
