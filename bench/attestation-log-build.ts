import { commitBatch, type LogSigner } from "@kapsel/attestation-log";
import { latestTreeHead } from "@kapsel/db";
import type { LogDatabase } from "./attestation-database.ts";
import { int } from "./attestation-report.ts";
import { seedPendingLeaves } from "./attestation-seed.ts";

export interface BuildResult {
  leaves: number;
  seconds: number;
  seedSeconds: number;
  commitSeconds: number;
  settleSeconds: number;
  peakRssMiB: number;
}

/**
 * Figure 3's log, built through the real committer: seed a chunk of pending leaves in SQL, then
 * one commitBatch for the whole chunk, so leaves, node hashes and signed checkpoints are exactly
 * what production would have stored. Chunks bound memory (one chunk's leaves, hashes and nodes).
 */
export async function buildLog(
  db: LogDatabase,
  logSigner: LogSigner,
  leaves: number,
  chunk: number,
): Promise<BuildResult> {
  const start = performance.now();
  let seedMs = 0;
  let commitMs = 0;
  let peakRss = process.memoryUsage().rss;
  let reported = 0;
  for (let done = 0; done < leaves; ) {
    const n = Math.min(chunk, leaves - done);
    const seedStart = performance.now();
    await seedPendingLeaves(db, n, 100);
    const commitStart = performance.now();
    const result = await commitBatch(db.pool, logSigner, n, Date.now());
    commitMs += performance.now() - commitStart;
    seedMs += commitStart - seedStart;
    if (result.outcome !== "committed" || result.leaves !== n) {
      throw new Error(`building the log: commitBatch(${n}) gave ${JSON.stringify(result)}`);
    }
    done += n;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (done - reported >= leaves / 5 || done === leaves) {
      reported = done;
      console.log(
        `   built ${int(done)} / ${int(leaves)} leaves (${((performance.now() - start) / 1000).toFixed(0)} s)`,
      );
    }
  }
  // A log this size would long since have been vacuumed and checkpointed in production; doing it
  // now keeps autovacuum and checkpoint I/O of the bulk build out of the proof measurements.
  const settleStart = performance.now();
  await db.pool.query(
    "VACUUM (ANALYZE) merkle_leaves, merkle_nodes, pending_leaves, delivery_attempts, signed_tree_heads",
  );
  await db.pool.query("CHECKPOINT");
  const settleMs = performance.now() - settleStart;

  const head = await latestTreeHead(db.pool);
  if (head?.treeSize !== leaves) throw new Error(`log has ${head?.treeSize} leaves, expected ${leaves}`);
  return {
    leaves,
    seconds: (performance.now() - start) / 1000,
    seedSeconds: seedMs / 1000,
    commitSeconds: commitMs / 1000,
    settleSeconds: settleMs / 1000,
    peakRssMiB: peakRss / 2 ** 20,
  };
}

/** `count` distinct random leaf indexes below `size`, in random order, with their attempt ids. */
export async function randomAttempts(db: LogDatabase, size: number, count: number): Promise<string[]> {
  const indexes = new Set<number>();
  while (indexes.size < Math.min(count, size)) indexes.add(Math.floor(Math.random() * size));
  const order = [...indexes];
  const { rows } = await db.pool.query<{ leaf_index: number; attempt_id: string }>(
    "SELECT leaf_index, attempt_id FROM merkle_leaves WHERE leaf_index = ANY($1::bigint[])",
    [order],
  );
  const byIndex = new Map(rows.map((r) => [r.leaf_index, r.attempt_id]));
  return order.map((i) => byIndex.get(i)!);
}
