import { createReceipt, inclusionProofFromReader, toBase64 } from "@kapsel/attestation";
import { databaseHashReader } from "@kapsel/attestation-log";
import type { TreeHead } from "@kapsel/db";
import type { GraphQLContext } from "../context.ts";

export interface ReceiptModel {
  attemptId: string;
  leafIndex: number;
  treeSize: number;
  leaf: string;
  leafHash: string;
  inclusionProof: string[];
  checkpoint: string;
  verifierKeys: string[];
  json: string;
}

export type ReceiptOutcome = { outcome: "receipt"; receipt: ReceiptModel } | { outcome: "pending" };

/**
 * The receipt of an attempt the tenant owns (the caller checked that), like buildReceipt in
 * @kapsel/attestation-log but through the request's loaders: leaves are read in one batch, and the
 * latest checkpoint and keys come from the process's LogStateCache, so a page of receipts costs one
 * proof read each.
 */
export async function receiptOf(context: GraphQLContext, tenantId: string, attemptId: string): Promise<ReceiptOutcome> {
  const leaf = await context.loaders.leaf(tenantId).load(attemptId);
  if (!leaf) return { outcome: "pending" };
  const built = await receiptOfLeaf(context, leaf);
  return built ? { outcome: "receipt", receipt: { attemptId, ...built } } : { outcome: "pending" };
}

/** The receipt of a committed leaf (of either kind), or null while no checkpoint covers it yet. */
export async function receiptOfLeaf(
  context: GraphQLContext,
  leaf: { leafIndex: number; leaf: Buffer },
): Promise<Omit<ReceiptModel, "attemptId"> | null> {
  const head = await context.logState.latestHead(context.db, leaf.leafIndex);
  if (!head || head.treeSize <= leaf.leafIndex) return null;
  const proof = await inclusionProofFromReader(databaseHashReader(context.db), leaf.leafIndex, head.treeSize);
  if (!proof.ok) throw new Error(`cannot prove leaf ${leaf.leafIndex} in tree ${head.treeSize}: ${proof.reason}`);
  const verifierKey = await context.logState.verifierKey(context.db, head.keyId);
  const receipt = createReceipt({
    leaf: new Uint8Array(leaf.leaf),
    leafIndex: leaf.leafIndex,
    treeSize: head.treeSize,
    inclusionProof: proof.proof,
    checkpoint: head.checkpoint,
    verifierKeys: verifierKey ? [verifierKey] : [],
  });
  return {
    leafIndex: receipt.leaf_index,
    treeSize: receipt.tree_size,
    leaf: receipt.leaf,
    leafHash: receipt.leaf_hash,
    inclusionProof: receipt.inclusion_proof,
    checkpoint: receipt.checkpoint,
    verifierKeys: receipt.verifier_keys,
    json: JSON.stringify(receipt),
  };
}

export function toCheckpoint(head: TreeHead) {
  return {
    treeSize: head.treeSize,
    rootHash: toBase64(new Uint8Array(head.rootHash)),
    note: head.checkpoint,
    keyId: head.keyId,
    createdAt: head.createdAt,
  };
}
