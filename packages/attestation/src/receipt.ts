/**
 * Receipt format version 1: everything needed to check, offline and without trusting the
 * server, that one attempt leaf is in the log at a signed tree head.
 *
 * {
 *   "format": "kapsel-receipt/v1",
 *   "leaf": "<canonical JSON leaf, as a string>",
 *   "leaf_hash": "<base64 SHA-256(0x00 || UTF-8(leaf))>",
 *   "leaf_index": 42,
 *   "tree_size": 1000,
 *   "inclusion_proof": ["<base64 hash>", ...],
 *   "checkpoint": "<signed checkpoint note>",
 *   "verifier_keys": ["<name>+<key id>+<key>", ...]
 * }
 *
 * `leaf_hash` is redundant with `leaf` on purpose: it lets a verifier tell "the leaf text was
 * changed" apart from "the proof is wrong". `verifier_keys` are a convenience, never trust.
 */
import { fromBase64, isWellFormedUnicode, toBase64, utf8Decode } from "./bytes.ts";
import { isHash, leafHash } from "./merkle-hash.ts";
import { AttestationError, fail, type Result } from "./result.ts";
import { isTreeIndex } from "./tree-math.ts";

export const RECEIPT_FORMAT = "kapsel-receipt/v1";

export interface Receipt {
  format: typeof RECEIPT_FORMAT;
  leaf: string;
  leaf_hash: string;
  leaf_index: number;
  tree_size: number;
  inclusion_proof: string[];
  checkpoint: string;
  verifier_keys: string[];
}

export interface ReceiptParts {
  /** Encoded leaf bytes, as committed (see encodeAttemptLeaf). */
  leaf: Uint8Array;
  leafIndex: number;
  treeSize: number;
  inclusionProof: readonly Uint8Array[];
  /** Signed checkpoint note for a tree of `treeSize` leaves. */
  checkpoint: string;
  verifierKeys: readonly string[];
}

/** Assembles a receipt. Throws AttestationError("invalid_receipt") on malformed parts; verifies nothing. */
export function createReceipt(parts: ReceiptParts): Receipt {
  const leaf = parts.leaf instanceof Uint8Array ? utf8Decode(parts.leaf) : undefined;
  if (leaf === undefined) throw new AttestationError("invalid_receipt", "leaf must be UTF-8 bytes");
  if (!isTreeIndex(parts.leafIndex) || !isTreeIndex(parts.treeSize) || parts.leafIndex >= parts.treeSize) {
    throw new AttestationError("invalid_receipt", "leaf index must be below the tree size");
  }
  if (!parts.inclusionProof.every(isHash))
    throw new AttestationError("invalid_receipt", "proof hashes must be 32 bytes");
  if (typeof parts.checkpoint !== "string")
    throw new AttestationError("invalid_receipt", "checkpoint must be a string");
  return {
    format: RECEIPT_FORMAT,
    leaf,
    leaf_hash: toBase64(leafHash(parts.leaf)),
    leaf_index: parts.leafIndex,
    tree_size: parts.treeSize,
    inclusion_proof: parts.inclusionProof.map(toBase64),
    checkpoint: parts.checkpoint,
    verifier_keys: [...parts.verifierKeys],
  };
}

const FIELDS = [
  "checkpoint",
  "format",
  "inclusion_proof",
  "leaf",
  "leaf_hash",
  "leaf_index",
  "tree_size",
  "verifier_keys",
];

function isHashText(value: unknown): boolean {
  return typeof value === "string" && isHash(fromBase64(value));
}

/**
 * Checks the receipt's shape (fields, types, base64 hashes), not its cryptography. Accepts the
 * JSON text or an already-parsed value. Unknown fields are rejected so nothing can ride along
 * unverified looking as if it were covered.
 */
export function parseReceipt(input: unknown): Result<{ receipt: Receipt }> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return fail("receipt is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("receipt must be a JSON object");
  const r = value as Record<string, unknown>;
  if (r.format !== RECEIPT_FORMAT) return fail(`format must be "${RECEIPT_FORMAT}"`);
  const keys = Object.keys(r).sort();
  const extra = keys.filter((k) => !FIELDS.includes(k));
  const missing = FIELDS.filter((k) => !keys.includes(k));
  if (missing.length > 0) return fail(`receipt is missing ${missing.join(", ")}`);
  if (extra.length > 0) return fail(`receipt has unknown fields ${extra.join(", ")}`);
  if (typeof r.leaf !== "string" || !isWellFormedUnicode(r.leaf)) return fail("leaf must be a string");
  if (!isHashText(r.leaf_hash)) return fail("leaf_hash must be the base64 of 32 bytes");
  if (!isTreeIndex(r.leaf_index)) return fail("leaf_index must be a non-negative integer");
  if (!isTreeIndex(r.tree_size)) return fail("tree_size must be a non-negative integer");
  if (!Array.isArray(r.inclusion_proof) || !r.inclusion_proof.every(isHashText)) {
    return fail("inclusion_proof must be a list of base64 32-byte hashes");
  }
  if (typeof r.checkpoint !== "string") return fail("checkpoint must be a string");
  if (!Array.isArray(r.verifier_keys) || !r.verifier_keys.every((k) => typeof k === "string")) {
    return fail("verifier_keys must be a list of strings");
  }
  return { ok: true, receipt: r as unknown as Receipt };
}
