/**
 * Turns a receipt document into the receipt panel's verdict: verified or exactly which check
 * failed, with one row per check. Verification itself is @kapsel/attestation's verifyReceipt,
 * run wherever this module runs (the browser, for the panel). Pure: no React, no I/O.
 */
import {
  formatKeyId,
  parseReceipt,
  type ReceiptCheck,
  type ReceiptCheckName,
  verifyReceipt,
} from "@kapsel/attestation";

/** The console's own check on top of verifyReceipt's: the receipt is about the attempt asked for. */
export type PanelCheckName = ReceiptCheckName | "attempt_matches";

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
};

export const UNPINNED_WARNING =
  "Verifier key not pinned: the signature was checked against the key inside the receipt, which only shows the receipt is self-consistent. Set CONSOLE_LOG_VERIFIER_KEYS.";

function row(check: ReceiptCheck): CheckRow {
  return {
    name: check.name,
    label: CHECK_LABEL[check.name],
    ok: check.status === "pass",
    status: check.status,
    detail: check.status === "pass" ? PASS_DETAIL[check.name] : check.reason,
  };
}

/**
 * Verifies `receiptJson` for the attempt `attemptId` against `pinnedKeys` (the operator's
 * published verifier keys). With no pinned keys, the receipt's own keys are used and the
 * verdict carries a warning.
 */
export function judgeReceipt(receiptJson: string, attemptId: string, pinnedKeys: readonly string[]): ReceiptVerdict {
  const pinned = pinnedKeys.length > 0;
  const result = verifyReceipt(receiptJson, pinned ? { trustedKeys: pinnedKeys } : {});
  const warning = pinned ? null : UNPINNED_WARNING;
  const checks = result.checks.map(row);
  if (result.leaf) {
    const matches = result.leaf.attempt_id === attemptId;
    checks.push({
      name: "attempt_matches",
      label: CHECK_LABEL.attempt_matches,
      ok: matches,
      status: matches ? "pass" : "fail",
      detail: matches
        ? PASS_DETAIL.attempt_matches
        : `the receipt is for attempt ${result.leaf.attempt_id}, not ${attemptId}`,
    });
  } else {
    checks.push({
      name: "attempt_matches",
      label: CHECK_LABEL.attempt_matches,
      ok: false,
      status: "skip",
      detail: "the leaf does not decode",
    });
  }

  const firstProblem = checks.find((c) => c.status === "fail") ?? checks.find((c) => !c.ok);
  if (firstProblem === undefined && result.ok && result.checkpoint) {
    const signers = result.signedBy ?? [];
    const parsed = parseReceipt(receiptJson);
    return {
      verdict: "verified",
      headline: "Verified",
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
