/**
 * The console's own check on top of verifyReceipt's: the receipt proves the record the panel was
 * opened for (an attempt, `att_…`, or an audit record, `aud_…`), not some other leaf of the log.
 */
import type { ReceiptVerification } from "@kapsel/attestation";

export type RecordKind = "attempt" | "audit";
export type MatchCheckName = "attempt_matches" | "audit_matches";

/** Audit record ids start with `aud_` (packages/core ids); everything else is an attempt's. */
export function expectedKind(recordId: string): RecordKind {
  return recordId.startsWith("aud_") ? "audit" : "attempt";
}

export function matchCheckName(kind: RecordKind): MatchCheckName {
  return kind === "audit" ? "audit_matches" : "attempt_matches";
}

/** The decoded leaf's kind and id, when it decodes. */
export function provenRecord(result: ReceiptVerification): { kind: RecordKind; id: string } | null {
  if (result.leaf) return { kind: "attempt", id: result.leaf.attempt_id };
  if (result.auditLeaf) return { kind: "audit", id: result.auditLeaf.audit_id };
  return null;
}

const NOUN: Record<RecordKind, string> = { attempt: "attempt", audit: "audit record" };

/** Null when the receipt proves `recordId`; otherwise why not. */
export function mismatch(proven: { kind: RecordKind; id: string }, recordId: string): string | null {
  const wanted = expectedKind(recordId);
  if (proven.kind === wanted && proven.id === recordId) return null;
  return `the receipt is for ${NOUN[proven.kind]} ${proven.id}, not ${NOUN[wanted]} ${recordId}`;
}
