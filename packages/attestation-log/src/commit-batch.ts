import {
  appendToFrontier,
  formatCheckpoint,
  frontierFromReader,
  frontierRoot,
  leafHash,
  signNote,
} from "@kapsel/attestation";
import {
  appendLeaves,
  insertMerkleNodes,
  insertTreeHead,
  latestTreeHead,
  type PendingLeaf,
  type Pool,
  takePendingLeaves,
  withTransaction,
} from "@kapsel/db";
import type { LogSigner } from "./log-signer.ts";
import { databaseHashReader } from "./node-store.ts";

/** Any fixed number, the same in every Kapsel process: at most one committer at a time. */
const COMMITTER_LOCK_KEY = 7_411_201_002;

export type CommitResult =
  | { outcome: "committed"; treeSize: number; leaves: number; firstIndex: number; committed: readonly PendingLeaf[] }
  | { outcome: "nothing_pending" }
  | { outcome: "busy" };

/**
 * Commits up to `maxLeaves` pending leaves to the log in ONE transaction: leaf indexes, node
 * hashes, and a new signed checkpoint. A crash anywhere leaves all of it or none of it; a
 * transaction-scoped advisory lock keeps a second committer (another process) out meanwhile.
 */
export async function commitBatch(
  pool: Pool,
  logSigner: LogSigner,
  maxLeaves: number,
  nowMs: number,
): Promise<CommitResult> {
  return withTransaction(pool, async (client): Promise<CommitResult> => {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS locked", [
      COMMITTER_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return { outcome: "busy" };
    const pending = await takePendingLeaves(client, maxLeaves);
    if (pending.length === 0) return { outcome: "nothing_pending" };

    const size = (await latestTreeHead(client))?.treeSize ?? 0;
    const loaded = await frontierFromReader(databaseHashReader(client), size);
    if (!loaded.ok) throw new Error(`cannot load the log's frontier at size ${size}: ${loaded.reason}`);
    const hashes = pending.map((p) => leafHash(new Uint8Array(p.leaf)));
    const { frontier, nodes } = appendToFrontier(loaded.frontier, hashes);

    const now = new Date(nowMs);
    await appendLeaves(
      client,
      size,
      pending.map((p, i) => ({
        attemptId: p.attemptId,
        auditId: p.auditId,
        leaf: p.leaf,
        leafHash: Buffer.from(hashes[i]!),
      })),
      now,
    );
    await insertMerkleNodes(
      client,
      nodes.map((n) => ({ level: n.level, index: n.index, hash: Buffer.from(n.hash) })),
    );
    const rootHash = frontierRoot(frontier);
    const checkpoint = await signNote(
      formatCheckpoint({ origin: logSigner.origin, treeSize: frontier.size, rootHash }),
      logSigner.signer,
    );
    await insertTreeHead(client, {
      treeSize: frontier.size,
      rootHash: Buffer.from(rootHash),
      checkpoint,
      keyId: logSigner.keyId,
      createdAt: now,
    });
    return {
      outcome: "committed",
      treeSize: frontier.size,
      leaves: pending.length,
      firstIndex: size,
      committed: pending,
    };
  });
}
