import { createReceipt, inclusionProofFromReader, type Receipt } from "@kapsel/attestation";
import { findCommittedLeaf, isLeafPending, latestTreeHead, listAttestationKeys, type Pool } from "@kapsel/db";
import { databaseHashReader } from "./node-store.ts";

export type ReceiptResult =
  | { outcome: "receipt"; receipt: Receipt }
  | { outcome: "not_found" }
  /** The attempt exists but is not in a signed checkpoint yet. */
  | { outcome: "pending" };

/**
 * A self-contained receipt for one attempt of the tenant's: the leaf, its inclusion proof in the
 * latest signed checkpoint, and the key that signed it. Computed from stored node hashes.
 */
export async function buildReceipt(pool: Pool, tenantId: string, attemptId: string): Promise<ReceiptResult> {
  const leaf = await findCommittedLeaf(pool, tenantId, attemptId);
  if (!leaf)
    return (await isLeafPending(pool, tenantId, attemptId)) ? { outcome: "pending" } : { outcome: "not_found" };
  const head = await latestTreeHead(pool);
  if (!head || head.treeSize <= leaf.leafIndex) return { outcome: "pending" };
  const proof = await inclusionProofFromReader(databaseHashReader(pool), leaf.leafIndex, head.treeSize);
  if (!proof.ok) throw new Error(`cannot prove leaf ${leaf.leafIndex} in tree ${head.treeSize}: ${proof.reason}`);
  const keys = await listAttestationKeys(pool);
  const signingKey = keys.find((k) => k.keyId === head.keyId);
  return {
    outcome: "receipt",
    receipt: createReceipt({
      leaf: new Uint8Array(leaf.leaf),
      leafIndex: leaf.leafIndex,
      treeSize: head.treeSize,
      inclusionProof: proof.proof,
      checkpoint: head.checkpoint,
      verifierKeys: signingKey ? [signingKey.verifierKey] : [],
    }),
  };
}
