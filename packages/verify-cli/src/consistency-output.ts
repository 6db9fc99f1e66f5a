/** Rendering a consistency check as text (one line per check, then a summary) or JSON. */
import { base64, checkLine, displaySafe, failedLine, PINNED_KEYS_NOTE } from "./display.ts";
import { keyLabel } from "./keys.ts";
import type { ConsistencyCheck, ConsistencyVerification, SignedCheckpoint } from "./verify-consistency.ts";

function describeCheckpoint(signed: SignedCheckpoint): string {
  const { origin, treeSize } = signed.checkpoint;
  return `log ${origin} at ${treeSize} leaves, signed by ${signed.signedBy.map(keyLabel).join(", ")}`;
}

function passedText(check: ConsistencyCheck, v: ConsistencyVerification): string {
  switch (check.name) {
    case "old_checkpoint":
      return v.old ? describeCheckpoint(v.old) : "signed";
    case "new_checkpoint":
      return v.new ? describeCheckpoint(v.new) : "signed";
    case "same_origin":
      return "both checkpoints are of the same log";
    case "size_order":
      return "the old checkpoint is not larger than the new one";
    case "proof_format":
      return `a proof of ${v.proof?.proof.length ?? 0} hashes`;
    case "proof_sizes":
      return "the proof is for the sizes of the two checkpoints";
    case "consistency":
      return "the proof links the old root hash to the new one (RFC 9162 section 2.1.4.2)";
  }
}

export function consistencyText(v: ConsistencyVerification): string {
  const lines = v.checks.map((check) =>
    checkLine(
      check.name,
      check.status,
      displaySafe(check.status === "pass" ? passedText(check, v) : (check.reason ?? "")),
    ),
  );
  lines.push(PINNED_KEYS_NOTE);
  if (v.ok && v.old && v.new) {
    const keys = [...new Set([...v.old.signedBy, ...v.new.signedBy].map(keyLabel))].join(", ");
    lines.push(
      displaySafe(
        `VERIFIED: log ${v.old.checkpoint.origin} at ${v.new.checkpoint.treeSize} leaves extends its checkpoint at ` +
          `${v.old.checkpoint.treeSize} leaves without rewriting it, signed by key ${keys}`,
      ),
    );
  } else {
    lines.push(failedLine(v.checks));
  }
  return `${lines.join("\n")}\n`;
}

function checkpointJson(signed: SignedCheckpoint | undefined) {
  if (!signed) return null;
  const { origin, treeSize, rootHash } = signed.checkpoint;
  return { origin, treeSize, rootHash: base64(rootHash), signedBy: signed.signedBy.map(keyLabel) };
}

export function consistencyJson(v: ConsistencyVerification) {
  return {
    ok: v.ok,
    checks: v.checks,
    old: checkpointJson(v.old),
    new: checkpointJson(v.new),
    keySource: "trusted" as const,
  };
}
