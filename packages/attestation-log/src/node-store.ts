import type { HashReader } from "@kapsel/attestation";
import { type Pool, type PoolClient, readMerkleNodes } from "@kapsel/db";

/**
 * Proofs and frontiers read stored node hashes through this: one query per proof, by primary key.
 * A node that is not stored yet is a bug or a log that is being tampered with, so it throws.
 */
export function databaseHashReader(db: Pool | PoolClient): HashReader {
  return {
    readNodes: async (nodes) => {
      const hashes = await readMerkleNodes(db, nodes);
      return hashes.map((hash, i) => {
        if (!hash) throw new Error(`merkle node ${nodes[i]?.level}/${nodes[i]?.index} is not stored`);
        return new Uint8Array(hash);
      });
    },
  };
}
