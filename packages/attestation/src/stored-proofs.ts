/**
 * Proof generation against stored node hashes: plan the node ids from the sizes, fetch them in
 * one HashReader call, fold. O(log n) reads and hashes, whatever the size of the log.
 */

import { frontierFromReader, frontierRoot } from "./frontier.ts";
import { checkReaderAnswer, type HashReader, type NodeId } from "./hash-reader.ts";
import { assembleProof, type ProofPlan, planConsistencyProof, planInclusionProof } from "./proof-plan.ts";
import { fail, type Result } from "./result.ts";

async function readPlan(reader: HashReader, plan: ProofPlan): Promise<Result<{ proof: Uint8Array[] }>> {
  const nodes: NodeId[] = plan.flat();
  const hashes = nodes.length === 0 ? [] : await reader.readNodes(nodes);
  const problem = checkReaderAnswer(nodes, hashes);
  if (problem) return fail(problem);
  return { ok: true, proof: assembleProof(plan, hashes) };
}

/** Inclusion proof for `leafIndex` in the tree of `treeSize` leaves, from stored hashes. */
export async function inclusionProofFromReader(
  reader: HashReader,
  leafIndex: number,
  treeSize: number,
): Promise<Result<{ proof: Uint8Array[] }>> {
  const planned = planInclusionProof(leafIndex, treeSize);
  if (!planned.ok) return planned;
  return readPlan(reader, planned.plan);
}

/** Consistency proof from `size1` to `size2`, from stored hashes. */
export async function consistencyProofFromReader(
  reader: HashReader,
  size1: number,
  size2: number,
): Promise<Result<{ proof: Uint8Array[] }>> {
  const planned = planConsistencyProof(size1, size2);
  if (!planned.ok) return planned;
  return readPlan(reader, planned.plan);
}

/** Root hash of the tree of `treeSize` leaves, from stored hashes (popcount(treeSize) reads). */
export async function rootFromReader(reader: HashReader, treeSize: number): Promise<Result<{ root: Uint8Array }>> {
  const loaded = await frontierFromReader(reader, treeSize);
  if (!loaded.ok) return loaded;
  return { ok: true, root: frontierRoot(loaded.frontier) };
}
