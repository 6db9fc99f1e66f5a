import { consistencyProofFromReader } from "@kapsel/attestation";
import { latestTreeHead, type Pool } from "@kapsel/db";
import { databaseHashReader } from "./node-store.ts";

export type ConsistencyResult =
  | { outcome: "proof"; from: number; to: number; proof: Uint8Array[] }
  | { outcome: "invalid"; reason: string };

/** Proves that the tree of `to` leaves extends the tree of `from` leaves (RFC 9162 2.1.4). */
export async function buildConsistencyProof(pool: Pool, from: number, to: number): Promise<ConsistencyResult> {
  const head = await latestTreeHead(pool);
  const size = head?.treeSize ?? 0;
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 1 && from <= to)) {
    return { outcome: "invalid", reason: "need 1 <= from <= to" };
  }
  if (to > size) return { outcome: "invalid", reason: `the log has ${size} leaves` };
  const proof = await consistencyProofFromReader(databaseHashReader(pool), from, to);
  if (!proof.ok) return { outcome: "invalid", reason: proof.reason };
  return { outcome: "proof", from, to, proof: proof.proof };
}
