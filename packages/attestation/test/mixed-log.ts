// The mixed log behind the golden audit receipt (not a test file: vitest only collects *.test.ts).
import {
  type AttemptLeafFields,
  type AuditLeafFields,
  createReceipt,
  ed25519NoteSigner,
  encodeAttemptLeaf,
  encodeAuditLeaf,
  formatCheckpoint,
  inclusionProof,
  leafHash,
  type Receipt,
  rootFromLeafHashes,
  signNote,
} from "../src/index.ts";

const ORIGIN = "kapsel.example/log";

const base = {
  event_id: "evt_01KA0000000000000000000000",
  tenant_id: "ten_01KA0000000000000000000000",
  endpoint_id: "ep_01KA0000000000000000000000",
  url: "https://receiver.example/webhooks",
  payload_sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
};
const ATTEMPTS: AttemptLeafFields[] = [
  {
    ...base,
    attempt_id: "att_01KA0000000000000000000001",
    attempt_number: 1,
    requested_at: "2026-01-02T03:04:05.678Z",
    duration_ms: 10000,
    outcome: { status: null, error_class: "timeout", result: "retryable_failure" },
    response_body_sha256: null,
  },
  {
    ...base,
    attempt_id: "att_01KA0000000000000000000002",
    attempt_number: 2,
    requested_at: "2026-01-02T03:04:16.912Z",
    duration_ms: 87,
    outcome: { status: 200, error_class: null, result: "success" },
    response_body_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  },
  {
    ...base,
    event_id: "evt_01KA0000000000000000000001",
    attempt_id: "att_01KA0000000000000000000003",
    attempt_number: 1,
    requested_at: "2026-01-02T03:04:17.001Z",
    duration_ms: 42,
    outcome: { status: 410, error_class: "http_4xx", result: "permanent_failure" },
    response_body_sha256: null,
  },
];
export const AUDIT: AuditLeafFields = {
  audit_id: "aud_01KA0000000000000000000000",
  tenant_id: "ten_01KA0000000000000000000000",
  actor: "key_01KA0000000000000000000000",
  operation: "rotateEndpointSecret",
  target_id: "ep_01KA0000000000000000000000",
  at: "2026-01-02T03:05:00.000Z",
  before_sha256: "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
  after_sha256: "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
  secret: "rotated",
};

/** The receipt for leaf `index` of the mixed log: three attempts, then the audit record. */
export async function mixedLogReceipt(index: number): Promise<Receipt> {
  const { signer, verifierKey } = ed25519NoteSigner(ORIGIN, new Uint8Array(32).fill(7));
  const leaves = [...ATTEMPTS.map(encodeAttemptLeaf), encodeAuditLeaf(AUDIT)];
  const hashes = leaves.map(leafHash);
  const proof = inclusionProof(index, hashes);
  if (!proof.ok) throw new Error(proof.reason);
  const body = formatCheckpoint({ origin: ORIGIN, treeSize: leaves.length, rootHash: rootFromLeafHashes(hashes) });
  return createReceipt({
    leaf: leaves[index]!,
    leafIndex: index,
    treeSize: leaves.length,
    inclusionProof: proof.proof,
    checkpoint: await signNote(body, signer),
    verifierKeys: [verifierKey],
  });
}
