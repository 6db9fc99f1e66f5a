/**
 * Appending to a log whose history lives in storage. A tree of n leaves is fully described,
 * for appending, by its frontier: the hashes of the perfect subtrees that make it up (one per
 * set bit of n, largest first). Appending a leaf completes a predictable set of perfect
 * subtrees; those are exactly the nodes a HashReader will later be asked for, so the committer
 * writes them once and never recomputes anything over the whole log.
 */
import type { HashReader, NodeId } from "./hash-reader.ts";
import { checkReaderAnswer } from "./hash-reader.ts";
import { emptyRootHash, isHash, nodeHash } from "./merkle-hash.ts";
import { foldNodes, planRoot } from "./proof-plan.ts";
import { AttestationError, fail, type Result } from "./result.ts";
import { isTreeIndex, perfectSubtreeSizes } from "./tree-math.ts";

export interface Frontier {
  /** Number of leaves in the tree. */
  readonly size: number;
  /** Perfect-subtree hashes, largest (leftmost) first; node ids are `planRoot(size)`. */
  readonly hashes: readonly Uint8Array[];
}

/** A perfect-subtree hash to persist, addressed like a HashReader request. */
export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

export const EMPTY_FRONTIER: Frontier = { size: 0, hashes: [] };

/**
 * Appends leaf hashes. Returns the new frontier and every perfect subtree completed on the way
 * (each new leaf at level 0 plus the interior nodes it completes), ready to be stored.
 * Throws AttestationError on an inconsistent frontier or a hash that is not 32 bytes.
 */
export function appendToFrontier(
  frontier: Frontier,
  leafHashes: readonly Uint8Array[],
): { frontier: Frontier; nodes: StoredNode[] } {
  if (!isTreeIndex(frontier.size) || frontier.hashes.length !== perfectSubtreeSizes(frontier.size).length) {
    throw new AttestationError(
      "invalid_tree",
      `frontier of size ${frontier.size} has ${frontier.hashes.length} hashes`,
    );
  }
  const stack = [...frontier.hashes];
  const nodes: StoredNode[] = [];
  let size = frontier.size;
  for (const leaf of leafHashes) {
    if (!isHash(leaf)) throw new AttestationError("invalid_tree", "leaf hashes must be 32 bytes");
    if (size === Number.MAX_SAFE_INTEGER) throw new AttestationError("invalid_tree", "log is full");
    nodes.push({ level: 0, index: size, hash: leaf });
    stack.push(leaf);
    size += 1;
    // Each trailing zero bit of the new size is a perfect subtree that just became complete.
    let level = 0;
    let rest = size;
    while (rest % 2 === 0) {
      const right = stack.pop()!;
      const left = stack.pop()!;
      const hash = nodeHash(left, right);
      level += 1;
      rest /= 2;
      stack.push(hash);
      nodes.push({ level, index: size / 2 ** level - 1, hash });
    }
  }
  return { frontier: { size, hashes: stack }, nodes };
}

/** Root hash of the tree the frontier describes. */
export function frontierRoot(frontier: Frontier): Uint8Array {
  return frontier.hashes.length === 0 ? emptyRootHash() : foldNodes(frontier.hashes);
}

/** Loads the frontier of a stored tree of `treeSize` leaves (popcount(treeSize) reads). */
export async function frontierFromReader(
  reader: HashReader,
  treeSize: number,
): Promise<Result<{ frontier: Frontier }>> {
  if (!isTreeIndex(treeSize)) return fail("tree size must be a non-negative safe integer");
  if (treeSize === 0) return { ok: true, frontier: EMPTY_FRONTIER };
  const nodes = planRoot(treeSize);
  const hashes = await reader.readNodes(nodes);
  const problem = checkReaderAnswer(nodes, hashes);
  if (problem) return fail(problem);
  return { ok: true, frontier: { size: treeSize, hashes: [...hashes] } };
}
