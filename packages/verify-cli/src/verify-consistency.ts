/**
 * The consistency check of two signed checkpoints, reported check by check like receipts: both
 * notes open with a trusted key and hold checkpoints, they are of one log, the old one is not
 * larger, the proof document is for these sizes, and the RFC 9162 proof links the two roots.
 * A check whose inputs are missing because an earlier one failed is skipped (not a pass).
 */
import { type Checkpoint, type NoteSignature, openNote, parseCheckpoint, verifyConsistency } from "@kapsel/attestation";
import type { CheckStatus } from "./display.ts";
import { type ProofFile, parseProofFile } from "./proof-file.ts";

export type ConsistencyCheckName =
  | "old_checkpoint"
  | "new_checkpoint"
  | "same_origin"
  | "size_order"
  | "proof_format"
  | "proof_sizes"
  | "consistency";

export interface ConsistencyCheck {
  name: ConsistencyCheckName;
  status: CheckStatus;
  /** Why it failed or was skipped; absent on a pass. */
  reason?: string;
}

export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  signedBy: NoteSignature[];
}

export interface ConsistencyVerification {
  ok: boolean;
  checks: ConsistencyCheck[];
  old?: SignedCheckpoint;
  new?: SignedCheckpoint;
  proof?: ProofFile;
}

export interface ConsistencyInput {
  oldNote: string;
  newNote: string;
  /** The parsed proof.json document. */
  proof: unknown;
  /** Trusted verifier keys; at least one is needed to open a note. */
  trustedKeys: readonly string[];
}

function openCheckpoint(note: string, keys: readonly string[]) {
  const opened = openNote(note, keys);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.body);
  if (!parsed.ok) return { ok: false as const, reason: `the note is not a checkpoint: ${parsed.reason}` };
  return { ok: true as const, signed: { checkpoint: parsed.checkpoint, signedBy: opened.verified } };
}

export function checkConsistency(input: ConsistencyInput): ConsistencyVerification {
  const checks: ConsistencyCheck[] = [];
  const result: ConsistencyVerification = { ok: false, checks };
  const pass = (name: ConsistencyCheckName) => checks.push({ name, status: "pass" });
  const fail = (name: ConsistencyCheckName, reason: string) => checks.push({ name, status: "fail", reason });
  const skip = (name: ConsistencyCheckName, reason: string) => checks.push({ name, status: "skip", reason });

  const oldOpened = openCheckpoint(input.oldNote, input.trustedKeys);
  if (oldOpened.ok) {
    result.old = oldOpened.signed;
    pass("old_checkpoint");
  } else fail("old_checkpoint", oldOpened.reason);
  const newOpened = openCheckpoint(input.newNote, input.trustedKeys);
  if (newOpened.ok) {
    result.new = newOpened.signed;
    pass("new_checkpoint");
  } else fail("new_checkpoint", newOpened.reason);

  const a = result.old?.checkpoint;
  const b = result.new?.checkpoint;
  const unopened = "a checkpoint could not be opened";
  if (a && b) {
    if (a.origin === b.origin) pass("same_origin");
    else
      fail(
        "same_origin",
        `the checkpoints are of different logs: ${JSON.stringify(a.origin)} and ${JSON.stringify(b.origin)}`,
      );
    if (a.treeSize <= b.treeSize) pass("size_order");
    else
      fail("size_order", `the old checkpoint (${a.treeSize} leaves) is larger than the new one (${b.treeSize} leaves)`);
  } else {
    skip("same_origin", unopened);
    skip("size_order", unopened);
  }

  const parsed = parseProofFile(input.proof);
  if (parsed.ok) {
    result.proof = parsed.file;
    pass("proof_format");
  } else fail("proof_format", parsed.reason);

  if (a && b && parsed.ok) {
    const { from, to } = parsed.file;
    if (from === a.treeSize && to === b.treeSize) pass("proof_sizes");
    else
      fail(
        "proof_sizes",
        `the proof is from ${from} to ${to}, the checkpoints are for ${a.treeSize} and ${b.treeSize} leaves`,
      );
    const verdict = verifyConsistency({
      size1: a.treeSize,
      size2: b.treeSize,
      root1: a.rootHash,
      root2: b.rootHash,
      proof: parsed.file.proof,
    });
    if (verdict.ok) pass("consistency");
    else fail("consistency", verdict.reason);
  } else {
    const why = a && b ? "proof.json is malformed" : unopened;
    skip("proof_sizes", why);
    skip("consistency", why);
  }

  result.ok = checks.every((c) => c.status === "pass");
  return result;
}
