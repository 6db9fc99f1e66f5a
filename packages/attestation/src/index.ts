/**
 * @kapsel/attestation: isomorphic (Node and browser) Merkle log math, attempt and audit leaf encoding,
 * checkpoints, signed notes and receipts. See docs/receipts.md for the formats.
 */
export {
  AUDIT_LEAF_KIND,
  AUDIT_LEAF_VERSION,
  type AuditLeaf,
  type AuditLeafFields,
  type AuditSecretChange,
  decodeAuditLeaf,
  encodeAuditLeaf,
} from "./audit-leaf.ts";
export { fromBase64, fromHex, toBase64, toHex } from "./bytes.ts";
export { canonicalJson, type JsonValue } from "./canonical-json.ts";
export { type Checkpoint, formatCheckpoint, parseCheckpoint } from "./checkpoint.ts";
export { configurationSha256 } from "./configuration-digest.ts";
export {
  type ConsistencyInput,
  consistencyProof,
  verifyConsistency,
} from "./consistency-proof.ts";
export {
  appendToFrontier,
  EMPTY_FRONTIER,
  type Frontier,
  frontierFromReader,
  frontierRoot,
  type StoredNode,
} from "./frontier.ts";
export { type HashReader, memoryHashReader, type NodeId } from "./hash-reader.ts";
export { type InclusionInput, inclusionProof, verifyInclusion } from "./inclusion-proof.ts";
export {
  ATTEMPT_LEAF_VERSION,
  type AttemptLeaf,
  type AttemptLeafFields,
  type AttemptOutcome,
  type AttemptResult,
  decodeAttemptLeaf,
  encodeAttemptLeaf,
} from "./leaf.ts";
export { decodeLogLeaf, type LeafKind, type LogLeaf } from "./log-leaf.ts";
export {
  emptyRootHash,
  HASH_SIZE,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
} from "./merkle-hash.ts";
export {
  ed25519KeyId,
  ed25519NoteSigner,
  encodeVerifierKey,
  formatKeyId,
  generateSignerKey,
  isValidKeyName,
  type NoteSigner,
  parseSignerKey,
  parseVerifierKey,
  type VerifierKey,
} from "./note-keys.ts";
export {
  type ProofPlan,
  planConsistencyProof,
  planInclusionProof,
  planRoot,
} from "./proof-plan.ts";
export { createReceipt, parseReceipt, RECEIPT_FORMAT, type Receipt, type ReceiptParts } from "./receipt.ts";
export { AttestationError, type AttestationErrorCode, type Result, type Verdict } from "./result.ts";
export { MAX_NOTE_SIGNATURES, type NoteSignature, openNote, signNote } from "./signed-note.ts";
export { consistencyProofFromReader, inclusionProofFromReader, rootFromReader } from "./stored-proofs.ts";
export {
  type ReceiptCheck,
  type ReceiptCheckName,
  type ReceiptVerification,
  type VerifyReceiptOptions,
  verifyReceipt,
} from "./verify-receipt.ts";
