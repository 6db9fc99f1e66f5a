// Builds REAL receipts with @kapsel/attestation (not a test file: vitest collects *.test.ts[x] only).
import {
  type AttemptLeafFields,
  createReceipt,
  encodeAttemptLeaf,
  formatCheckpoint,
  generateSignerKey,
  inclusionProof,
  leafHash,
  parseSignerKey,
  type Receipt,
  rootFromLeafHashes,
  signNote,
} from "@kapsel/attestation";

export const LOG_ORIGIN = "kapsel.test/log";

export function attempt(n: number): AttemptLeafFields {
  return {
    attempt_id: `att_${String(n).padStart(26, "0")}`,
    event_id: "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
    tenant_id: "ten_01JABCDEFGHJKMNPQRSTVWXYZ0",
    endpoint_id: "ep_01JABCDEFGHJKMNPQRSTVWXYZ0",
    url: "https://receiver.example/hooks",
    attempt_number: n,
    payload_sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    requested_at: "2026-11-23T10:00:00.000Z",
    duration_ms: 120 + n,
    outcome: { status: 500, error_class: "http_500", result: "retryable_failure" },
    response_body_sha256: null,
  };
}

export interface BuiltReceipt {
  receipt: Receipt;
  json: string;
  attemptId: string;
  /** The log's verifier key: what the console pins. */
  verifierKey: string;
}

/** A receipt for leaf `index` of a log of `size` attempt leaves, signed by a fresh log key. */
export async function buildReceipt(index = 3, size = 7): Promise<BuiltReceipt> {
  const key = generateSignerKey(LOG_ORIGIN);
  const leaves = Array.from({ length: size }, (_, i) => encodeAttemptLeaf(attempt(i + 1)));
  const hashes = leaves.map(leafHash);
  const proof = inclusionProof(index, hashes);
  if (!proof.ok) throw new Error(proof.reason);
  const signer = parseSignerKey(key.signerKey);
  if (!signer.ok) throw new Error(signer.reason);
  const body = formatCheckpoint({ origin: LOG_ORIGIN, treeSize: size, rootHash: rootFromLeafHashes(hashes) });
  const receipt = createReceipt({
    leaf: leaves[index]!,
    leafIndex: index,
    treeSize: size,
    inclusionProof: proof.proof,
    checkpoint: await signNote(body, signer.signer),
    verifierKeys: [key.verifierKey],
  });
  return {
    receipt,
    json: JSON.stringify(receipt),
    attemptId: attempt(index + 1).attempt_id,
    verifierKey: key.verifierKey,
  };
}

/** Another key with the same name, as an impostor log (or a rotated-away key) would have. */
export function otherVerifierKey(): string {
  return generateSignerKey(LOG_ORIGIN).verifierKey;
}
