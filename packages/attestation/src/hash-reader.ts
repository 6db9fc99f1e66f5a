/**
 * The storage seam for proof generation. A log store only ever needs to keep the hashes of
 * *perfect* subtrees (2^level leaves, aligned): they are final once complete, so they can be
 * written once by the committer and cached forever, and every RFC 9162 proof hash is either one
 * of them or the fold of at most log2(n) of them along the tree's right edge.
 */
import { isHash, subtreeRoot } from "./merkle-hash.ts";
import { largestPowerOfTwoAtMost, log2Exact } from "./tree-math.ts";

/** The perfect subtree covering leaves [index * 2^level, (index + 1) * 2^level). Level 0 = leaf hash. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Reads stored perfect-subtree hashes. Returns one 32-byte hash per requested node, in request
 * order. A proof asks once, with O(log n) nodes, so a database can answer with a single query
 * (e.g. `WHERE (level, idx) IN (...)`) or a few tile reads. Exceptions (e.g. the database is down)
 * propagate to the caller; a wrong-shaped answer becomes a failed result.
 */
export interface HashReader {
  readNodes(nodes: readonly NodeId[]): Promise<readonly Uint8Array[]>;
}

/**
 * Splits the leaf range [start, end) into perfect subtrees, largest first. Only valid for the
 * ranges proofs use (start = 0, or start a multiple of a power of two at least end - start),
 * which guarantees every piece is aligned and therefore a real stored node.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let offset = start;
  while (offset < end) {
    const size = largestPowerOfTwoAtMost(end - offset);
    nodes.push({ level: log2Exact(size), index: offset / size });
    offset += size;
  }
  return nodes;
}

/** A HashReader over an in-memory list of leaf hashes (tests, tools, small trees). */
export function memoryHashReader(leafHashes: readonly Uint8Array[]): HashReader {
  return {
    async readNodes(nodes) {
      return nodes.map(({ level, index }) => {
        const width = 2 ** level;
        const start = index * width;
        const end = start + width;
        if (end > leafHashes.length || !Number.isSafeInteger(start)) {
          throw new RangeError(`node (${level}, ${index}) is outside the ${leafHashes.length}-leaf tree`);
        }
        return subtreeRoot(leafHashes, start, end);
      });
    },
  };
}

/** Checks a reader's answer has the promised shape before anything is hashed with it. */
export function checkReaderAnswer(requested: readonly NodeId[], answer: readonly Uint8Array[]): string | undefined {
  if (!Array.isArray(answer) || answer.length !== requested.length) {
    return `hash reader returned ${Array.isArray(answer) ? answer.length : "no"} hashes for ${requested.length} nodes`;
  }
  for (let i = 0; i < answer.length; i++) {
    if (!isHash(answer[i])) {
      const { level, index } = requested[i]!;
      return `hash reader returned a hash that is not 32 bytes for node (${level}, ${index})`;
    }
  }
  return undefined;
}
