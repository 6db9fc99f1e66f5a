/**
 * Turns a receipt document into the receipt panel's verdict: verified or exactly which check
 * failed, with one row per check. Verification itself is @kapsel/attestation's verifyReceipt,
 * run wherever this module runs (the browser, for the panel). Pure: no React, no I/O.
 */
import {
  type AuditLeaf,
  formatKeyId,
  parseReceipt,
  type ReceiptCheck,
  type ReceiptCheckName,
  verifyReceipt,
} from "@kapsel/attestation";
import {
  expectedKind,
  type MatchCheckName,
  matchCheckName,
  mismatch,
  provenRecord,
  type RecordKind,
} from "./record-match.ts";

/** The console's own check on top of verifyReceipt's: the receipt is about the record asked for. */
export type PanelCheckName = ReceiptCheckName | MatchCheckName;

export interface CheckRow {
  name: PanelCheckName;
  label: string;
  ok: boolean;
  status: "pass" | "fail" | "skip";
  /** What the check means when it passed, or why it did not. */
  detail: string;
}

export interface VerifiedVerdict {
  verdict: "verified";
  headline: "Verified";
  /** What the receipt proves: a delivery attempt or an audit record (docs/receipts.md, section 2a). */
  kind: RecordKind;
  /** For an audit record, what the proven leaf says changed (who, what, when); null for attempts. */
  summary: string | null;
  treeSize: number;
  leafIndex: number;
  keyIds: string[];
  keyNames: string[];
  /** Set when the key was not pinned: the signature then proves self-consistency only. */
  warning: string | null;
  checks: CheckRow[];
}

export interface FailedVerdict {
  verdict: "failed";
  headline: string;
  failedCheck: PanelCheckName;
  warning: string | null;
  checks: CheckRow[];
}

export type ReceiptVerdict = VerifiedVerdict | FailedVerdict;

export const CHECK_LABEL: Record<PanelCheckName, string> = {
  receipt_format: "Receipt format",
  leaf_decodes: "Attempt record",
  leaf_hash: "Leaf hash",
  inclusion: "Inclusion proof",
  checkpoint_signature: "Checkpoint signature",
  checkpoint_size_matches: "Checkpoint size",
  payload_sha256: "Payload hash",
  attempt_matches: "Right attempt",
  audit_matches: "Right audit record",
};

const PASS_DETAIL: Record<PanelCheckName, string> = {
  receipt_format: "The document is a kapsel-receipt/v1 receipt.",
  leaf_decodes: "The leaf is a well-formed attempt record.",
  leaf_hash: "The attempt record hashes to the receipt's leaf hash.",
  inclusion: "The inclusion proof leads from the leaf to the checkpoint's root hash.",
  checkpoint_signature: "The checkpoint is signed by the log's key.",
  checkpoint_size_matches: "The checkpoint covers exactly the receipt's tree size.",
  payload_sha256: "The payload hashes to the leaf's payload_sha256.",
  attempt_matches: "The attempt record is the one of this attempt.",
  audit_matches: "The audit record is the one asked for.",
};

/** Audit receipts: the same checks, about an audit record. */
const AUDIT_LABEL: Partial<Record<PanelCheckName, string>> = { leaf_decodes: "Audit record" };
const AUDIT_PASS_DETAIL: Partial<Record<PanelCheckName, string>> = {
  leaf_decodes: "The leaf is a well-formed audit record.",
  leaf_hash: "The audit record hashes to the receipt's leaf hash.",
};

export const UNPINNED_WARNING =
  "Verifier key not pinned: the signature was checked against the key inside the receipt, which only shows the receipt is self-consistent. Set CONSOLE_LOG_VERIFIER_KEYS.";

function auditSummary(leaf: AuditLeaf): string {
  const secret = leaf.secret === "rotated" ? ", a secret was rotated" : "";
  return `${leaf.operation} on ${leaf.target_id} by ${leaf.actor} at ${leaf.at}${secret}`;
}

function row(check: ReceiptCheck, kind: RecordKind): CheckRow {
  const audit = kind === "audit";
  return {
    name: check.name,
    label: (audit ? AUDIT_LABEL[check.name] : undefined) ?? CHECK_LABEL[check.name],
    ok: check.status === "pass",
    status: check.status,
    detail:
      check.status === "pass"
        ? ((audit ? AUDIT_PASS_DETAIL[check.name] : undefined) ?? PASS_DETAIL[check.name])
        : check.reason,
  };
}

/**
 * Verifies `receiptJson` for the record `recordId` (an attempt's or an audit record's receipt)
 * against `pinnedKeys` (the operator's published verifier keys). With no pinned keys, the
 * receipt's own keys are used and the verdict carries a warning.
 */
export function judgeReceipt(receiptJson: string, recordId: string, pinnedKeys: readonly string[]): ReceiptVerdict {
  const pinned = pinnedKeys.length > 0;
  const result = verifyReceipt(receiptJson, pinned ? { trustedKeys: pinnedKeys } : {});
  const warning = pinned ? null : UNPINNED_WARNING;
  const kind = expectedKind(recordId);
  const checks = result.checks.map((check) => row(check, result.leafKind ?? kind));
  const name = matchCheckName(kind);
  const proven = provenRecord(result);
  const problem = proven ? mismatch(proven, recordId) : "the leaf does not decode";
  checks.push({
    name,
    label: CHECK_LABEL[name],
    ok: problem === null,
    status: problem === null ? "pass" : proven ? "fail" : "skip",
    detail: problem ?? PASS_DETAIL[name],
  });

  const firstProblem = checks.find((c) => c.status === "fail") ?? checks.find((c) => !c.ok);
  if (firstProblem === undefined && result.ok && result.checkpoint) {
    const signers = result.signedBy ?? [];
    const parsed = parseReceipt(receiptJson);
    return {
      verdict: "verified",
      headline: "Verified",
      kind,
      summary: result.auditLeaf ? auditSummary(result.auditLeaf) : null,
      treeSize: result.checkpoint.treeSize,
      leafIndex: parsed.ok ? parsed.receipt.leaf_index : -1,
      keyIds: signers.map((s) => formatKeyId(s.keyId)),
      keyNames: signers.map((s) => s.name),
      warning,
      checks,
    };
  }
  const failed = firstProblem ?? checks[0]!;
  return {
    verdict: "failed",
    headline: `Failed: ${failed.label} (${failed.name})`,
    failedCheck: failed.name,
    warning,
    checks,
  };
}
