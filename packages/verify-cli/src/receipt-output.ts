/** Rendering a receipt verification as text (one line per check, then a summary) or JSON. */
import type { AttemptLeaf, AuditLeaf, Checkpoint, ReceiptCheck, ReceiptCheckName } from "@kapsel/attestation";
import type { ReceiptReport } from "./check-receipt.ts";
import { base64, checkLine, displaySafe, failedLine, PINNED_KEYS_NOTE, RECEIPT_KEYS_WARNING } from "./display.ts";
import { keyLabel } from "./keys.ts";

const PASSED: Record<ReceiptCheckName, string> = {
  receipt_format: "the receipt is a well-formed kapsel-receipt/v1 document",
  leaf_decodes: "the leaf is a canonical version 1 record",
  leaf_hash: "the leaf text hashes to leaf_hash",
  inclusion: "the inclusion proof leads from the leaf to the checkpoint's root hash",
  checkpoint_signature: "the checkpoint is validly signed",
  checkpoint_size_matches: "the checkpoint is for the receipt's tree size",
  payload_sha256: "the payload file's SHA-256 equals the leaf's payload_sha256",
};

function passedText(check: ReceiptCheck, report: ReceiptReport): string {
  const { verification, leafIndex } = report;
  const cp = verification.checkpoint;
  if (check.name === "checkpoint_signature" && verification.signedBy) {
    const who = verification.signedBy.map(keyLabel).join(", ");
    const source = verification.keySource === "trusted" ? "a key you pinned with --key" : "a key inside the receipt";
    return `signed by ${displaySafe(who)} (${source})`;
  }
  if (check.name === "leaf_decodes" && verification.leafKind === "audit") {
    return "the leaf is a canonical version 1 audit record";
  }
  if (check.name === "leaf_decodes" && verification.leafKind === "attempt") {
    return "the leaf is a canonical version 1 attempt record";
  }
  if (check.name === "checkpoint_size_matches" && cp) return `the checkpoint is for ${cp.treeSize} leaves`;
  if (check.name === "inclusion" && cp && leafIndex !== null) {
    return `leaf ${leafIndex} is in the tree of ${cp.treeSize} leaves with the checkpoint's root hash`;
  }
  return PASSED[check.name];
}

export function outcomeText(leaf: AttemptLeaf): string {
  const { status, error_class, result } = leaf.outcome;
  const what = [status === null ? undefined : String(status), error_class ?? undefined].filter(Boolean).join(" ");
  return `${what} (${result})`;
}

/** What the verified leaf says: an attempt's delivery, or an audit record's change. */
function verifiedSubject(report: ReceiptReport): string | undefined {
  const { leaf, auditLeaf } = report.verification;
  if (leaf) {
    return (
      `attempt ${leaf.attempt_id} of event ${leaf.event_id} -> ${leaf.url}, attempt ${leaf.attempt_number}, ` +
      `outcome ${outcomeText(leaf)}`
    );
  }
  if (auditLeaf) return auditText(auditLeaf);
  return undefined;
}

export function auditText(leaf: AuditLeaf): string {
  const digest = (value: string | null) => value ?? "none";
  return (
    `audit record ${leaf.audit_id}: ${leaf.operation} on ${leaf.target_id} by ${leaf.actor} at ${leaf.at} ` +
    `(tenant ${leaf.tenant_id}), configuration ${digest(leaf.before_sha256)} -> ${digest(leaf.after_sha256)}, ` +
    `secret ${leaf.secret}`
  );
}

function verifiedLine(subject: string, report: ReceiptReport, checkpoint: Checkpoint): string {
  const signedBy = report.verification.signedBy ?? [];
  return displaySafe(
    `VERIFIED: ${subject}, in log ${checkpoint.origin} at index ${report.leafIndex} of ${checkpoint.treeSize}, ` +
      `signed by key ${signedBy.map(keyLabel).join(", ")}`,
  );
}

export function receiptText(report: ReceiptReport): string {
  const { verification } = report;
  const lines = verification.checks.map((check) =>
    check.status === "pass"
      ? checkLine(check.name, "pass", passedText(check, report))
      : checkLine(check.name, check.status, displaySafe(check.reason)),
  );
  lines.push(verification.keySource === "trusted" ? PINNED_KEYS_NOTE : RECEIPT_KEYS_WARNING);
  const subject = verifiedSubject(report);
  const { checkpoint, signedBy } = verification;
  if (verification.ok && subject && checkpoint && signedBy && report.leafIndex !== null) {
    lines.push(verifiedLine(subject, report, checkpoint));
  } else {
    lines.push(failedLine(verification.checks));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The --json document. `leaf` is the decoded leaf (an attempt, or an audit record with
 * `"kind":"audit"`) whenever it decodes, even if other checks fail; `leafKind` names which.
 */
export function receiptJson(report: ReceiptReport) {
  const { verification } = report;
  const cp = verification.checkpoint;
  return {
    ok: verification.ok,
    checks: verification.checks,
    leafKind: verification.leafKind ?? null,
    leaf: verification.leaf ?? verification.auditLeaf ?? null,
    keySource: verification.keySource,
    leafIndex: report.leafIndex,
    checkpoint: cp ? { origin: cp.origin, treeSize: cp.treeSize, rootHash: base64(cp.rootHash) } : null,
    signedBy: (verification.signedBy ?? []).map(keyLabel),
  };
}
