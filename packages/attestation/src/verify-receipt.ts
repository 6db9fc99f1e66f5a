/**
 * Offline receipt verification, reported check by check so a UI can say exactly what failed.
 * The receipt passes only if every check passes; checks that cannot run because an earlier
 * step failed are reported as "skip", which also counts as not passing.
 */

import type { AuditLeaf } from "./audit-leaf.ts";
import { bytesEqual, fromBase64, toHex, utf8Encode } from "./bytes.ts";
import { type Checkpoint, parseCheckpoint } from "./checkpoint.ts";
import { verifyInclusion } from "./inclusion-proof.ts";
import type { AttemptLeaf } from "./leaf.ts";
import { decodeLogLeaf, type LeafKind } from "./log-leaf.ts";
import { leafHash, sha256Bytes } from "./merkle-hash.ts";
import { parseReceipt } from "./receipt.ts";
import { type NoteSignature, openNote, splitNote } from "./signed-note.ts";

export type ReceiptCheckName =
  | "receipt_format"
  | "leaf_decodes"
  | "leaf_hash"
  | "inclusion"
  | "checkpoint_signature"
  | "checkpoint_size_matches"
  | "payload_sha256";

export type ReceiptCheck =
  | { name: ReceiptCheckName; status: "pass" }
  | { name: ReceiptCheckName; status: "fail" | "skip"; reason: string };

export interface ReceiptVerification {
  ok: boolean;
  checks: ReceiptCheck[];
  /**
   * Where the keys that judged the checkpoint came from. "receipt" means the receipt's own
   * verifier_keys: the result then only shows the receipt is self-consistent, and a UI should
   * say so, because anyone can sign with a key they made up and list it.
   */
  keySource: "trusted" | "receipt";
  /** Which kind of leaf the receipt is for, when the leaf decodes (docs/receipts.md, section 2a). */
  leafKind?: LeafKind;
  /** The decoded attempt leaf, when it decodes as one (present even if other checks fail). */
  leaf?: AttemptLeaf;
  /** The decoded audit leaf, when it decodes as one (present even if other checks fail). */
  auditLeaf?: AuditLeaf;
  /** The checkpoint, only when its signature verified. */
  checkpoint?: Checkpoint;
  /** Keys whose signatures verified. */
  signedBy?: NoteSignature[];
}

export interface VerifyReceiptOptions {
  /** Verifier keys to trust. When given, the keys inside the receipt are ignored. */
  trustedKeys?: readonly string[];
  /** The delivered payload, to check against an attempt leaf's payload_sha256 (audit leaves have none). */
  payload?: Uint8Array;
}

const pass = (name: ReceiptCheckName): ReceiptCheck => ({ name, status: "pass" });
const failed = (name: ReceiptCheckName, reason: string): ReceiptCheck => ({ name, status: "fail", reason });
const skipped = (name: ReceiptCheckName, reason: string): ReceiptCheck => ({ name, status: "skip", reason });

export function verifyReceipt(input: unknown, options: VerifyReceiptOptions = {}): ReceiptVerification {
  const wantPayload = options.payload !== undefined;
  const keySource = options.trustedKeys === undefined ? "receipt" : "trusted";
  const parsed = parseReceipt(input);
  if (!parsed.ok) {
    const rest: ReceiptCheckName[] = [
      "leaf_decodes",
      "leaf_hash",
      "inclusion",
      "checkpoint_signature",
      "checkpoint_size_matches",
    ];
    if (wantPayload) rest.push("payload_sha256");
    return {
      ok: false,
      keySource,
      checks: [failed("receipt_format", parsed.reason), ...rest.map((n) => skipped(n, "receipt is malformed"))],
    };
  }
  const receipt = parsed.receipt;
  const checks: ReceiptCheck[] = [pass("receipt_format")];
  const result: ReceiptVerification = { ok: false, checks, keySource };

  // The leaf: decodes as a v1 attempt or a v1 audit record, and hashes to the leaf hash the proof is about.
  const leafBytes = utf8Encode(receipt.leaf);
  const decoded = decodeLogLeaf(leafBytes);
  if (decoded.ok) {
    result.leafKind = decoded.decoded.kind;
    if (decoded.decoded.kind === "attempt") result.leaf = decoded.decoded.leaf;
    else result.auditLeaf = decoded.decoded.leaf;
    checks.push(pass("leaf_decodes"));
  } else {
    checks.push(failed("leaf_decodes", decoded.reason));
  }
  const declaredLeafHash = fromBase64(receipt.leaf_hash)!;
  checks.push(
    bytesEqual(leafHash(leafBytes), declaredLeafHash)
      ? pass("leaf_hash")
      : failed("leaf_hash", "the leaf text does not hash to leaf_hash (the leaf was altered)"),
  );

  // The checkpoint: signed by a trusted key. Its body is read even when unverified, only so
  // the remaining checks can still say whether the proof and sizes are right.
  const trusted = options.trustedKeys ?? receipt.verifier_keys;
  const opened = openNote(receipt.checkpoint, trusted);
  let claimed: Checkpoint | undefined;
  let bodyProblem: string | undefined;
  const split = splitNote(receipt.checkpoint);
  if (split.ok) {
    const cp = parseCheckpoint(split.body);
    if (cp.ok) claimed = cp.checkpoint;
    else bodyProblem = `checkpoint body is not a checkpoint: ${cp.reason}`;
  } else {
    bodyProblem = `checkpoint is not a signed note: ${split.reason}`;
  }
  let signatureCheck: ReceiptCheck;
  if (!opened.ok) {
    signatureCheck = failed("checkpoint_signature", opened.reason);
  } else if (!claimed) {
    signatureCheck = failed("checkpoint_signature", bodyProblem ?? "checkpoint body is unreadable");
  } else {
    signatureCheck = pass("checkpoint_signature");
    result.checkpoint = claimed;
    result.signedBy = opened.verified;
  }

  if (claimed) {
    const verdict = verifyInclusion({
      leafIndex: receipt.leaf_index,
      treeSize: receipt.tree_size,
      leafHash: declaredLeafHash,
      proof: receipt.inclusion_proof.map((h) => fromBase64(h)!),
      root: claimed.rootHash,
    });
    checks.push(verdict.ok ? pass("inclusion") : failed("inclusion", verdict.reason), signatureCheck);
    checks.push(
      claimed.treeSize === receipt.tree_size
        ? pass("checkpoint_size_matches")
        : failed(
            "checkpoint_size_matches",
            `checkpoint is for ${claimed.treeSize} leaves, receipt says ${receipt.tree_size}`,
          ),
    );
  } else {
    const reason = bodyProblem ?? "checkpoint body is unreadable";
    checks.push(skipped("inclusion", reason), signatureCheck, skipped("checkpoint_size_matches", reason));
  }

  if (wantPayload) {
    const payload = options.payload;
    if (!(payload instanceof Uint8Array)) checks.push(failed("payload_sha256", "payload must be bytes"));
    else if (!decoded.ok) checks.push(skipped("payload_sha256", "leaf does not decode"));
    else if (decoded.decoded.kind === "audit") {
      checks.push(failed("payload_sha256", "an audit leaf commits to no payload, so a payload cannot be checked"));
    } else if (toHex(sha256Bytes(payload)) === decoded.decoded.leaf.payload_sha256) checks.push(pass("payload_sha256"));
    else checks.push(failed("payload_sha256", "payload does not match the leaf's payload_sha256"));
  }

  result.ok = checks.every((c) => c.status === "pass");
  return result;
}
