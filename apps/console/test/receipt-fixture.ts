// Builds REAL receipts with @kapsel/attestation (not a test file: vitest collects *.test.ts[x] only).
import {
  type AttemptLeafFields,
  type AuditLeafFields,
  createReceipt,
  encodeAttemptLeaf,
  encodeAuditLeaf,
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

export const AUDIT: AuditLeafFields = {
  audit_id: "aud_01JABCDEFGHJKMNPQRSTVWXYZ0",
  tenant_id: "ten_01JABCDEFGHJKMNPQRSTVWXYZ0",
  actor: "key_01JABCDEFGHJKMNPQRSTVWXYZ0",
  operation: "rotateEndpointSecret",
  target_id: "ep_01JABCDEFGHJKMNPQRSTVWXYZ0",
  at: "2026-11-23T10:05:00.000Z",
  before_sha256: "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
  after_sha256: "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
  secret: "rotated",
};

/** A receipt for an audit record appended after `attempts` attempt leaves, signed by a fresh log key. */
export async function buildAuditReceipt(attempts = 4): Promise<BuiltReceipt & { auditId: string }> {
  const key = generateSignerKey(LOG_ORIGIN);
  const leaves = [
    ...Array.from({ length: attempts }, (_, i) => encodeAttemptLeaf(attempt(i + 1))),
    encodeAuditLeaf(AUDIT),
  ];
  const hashes = leaves.map(leafHash);
  const proof = inclusionProof(attempts, hashes);
  if (!proof.ok) throw new Error(proof.reason);
  const signer = parseSignerKey(key.signerKey);
  if (!signer.ok) throw new Error(signer.reason);
  const body = formatCheckpoint({ origin: LOG_ORIGIN, treeSize: leaves.length, rootHash: rootFromLeafHashes(hashes) });
  const receipt = createReceipt({
    leaf: leaves[attempts]!,
    leafIndex: attempts,
    treeSize: leaves.length,
    inclusionProof: proof.proof,
    checkpoint: await signNote(body, signer.signer),
    verifierKeys: [key.verifierKey],
  });
  return {
    receipt,
    json: JSON.stringify(receipt),
    attemptId: "",
    auditId: AUDIT.audit_id,
    verifierKey: key.verifierKey,
  };
}
