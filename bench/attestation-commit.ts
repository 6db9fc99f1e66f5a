import { formatCheckpoint } from "@kapsel/attestation";
import { commitBatch, type LogSigner } from "@kapsel/attestation-log";
import type { LogDatabase } from "./attestation-database.ts";
import { type Latency, latency } from "./attestation-report.ts";
import { seedPendingLeaves } from "./attestation-seed.ts";

/** One commitBatch call that must commit exactly `expected` leaves; returns its wall time in ms. */
async function timedCommit(db: LogDatabase, logSigner: LogSigner, maxLeaves: number, expected: number) {
  const start = performance.now();
  const result = await commitBatch(db.pool, logSigner, maxLeaves, Date.now());
  const elapsed = performance.now() - start;
  if (result.outcome !== "committed" || result.leaves !== expected) {
    throw new Error(`commitBatch(${maxLeaves}) gave ${JSON.stringify(result)}, expected ${expected} leaves`);
  }
  return { elapsed, treeSize: result.treeSize };
}

/** Called after seeding, before timing: e.g. wait for other load on the machine to stop. */
export type BeforeTiming = () => Promise<void>;

/** Before a timed phase: flush dirty pages now, so no checkpoint is forced in the middle of it. */
async function settle(db: LogDatabase, beforeTiming: BeforeTiming): Promise<void> {
  await db.pool.query("CHECKPOINT");
  await beforeTiming();
}

export interface CommitLatencyResult {
  commit: Latency;
  /** Ed25519 signing of one checkpoint body, the cryptographic part of every commit. */
  sign: Latency;
  /** A one-row INSERT in its own transaction: the floor any durable commit pays on this disk. */
  bareCommit: Latency;
  treeSize: number;
}

/** Figure 1: commitBatch(..., 100, ...) `runs` times, each on a backlog of pending leaves. */
export async function measureCommitLatency(
  db: LogDatabase,
  logSigner: LogSigner,
  runs: number,
  warmup: number,
  beforeTiming: BeforeTiming,
): Promise<CommitLatencyResult> {
  await seedPendingLeaves(db, (runs + warmup) * 100);
  await settle(db, beforeTiming);
  let treeSize = 0;
  for (let i = 0; i < warmup; i++) await timedCommit(db, logSigner, 100, 100);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await timedCommit(db, logSigner, 100, 100);
    samples.push(run.elapsed);
    treeSize = run.treeSize;
  }
  const body = new TextEncoder().encode(
    formatCheckpoint({ origin: logSigner.origin, treeSize, rootHash: new Uint8Array(32) }),
  );
  const signSamples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    await logSigner.signer.sign(body);
    signSamples.push(performance.now() - start);
  }
  await db.pool.query("CREATE TABLE bench_commit_probe (n int)");
  const bareSamples: number[] = [];
  for (let i = 0; i < 120; i++) {
    const start = performance.now();
    await db.pool.query("INSERT INTO bench_commit_probe VALUES ($1)", [i]);
    bareSamples.push(performance.now() - start);
  }
  return {
    commit: latency(samples),
    sign: latency(signSamples.slice(20)),
    bareCommit: latency(bareSamples.slice(20)),
    treeSize,
  };
}

export interface ThroughputResult {
  batch: number;
  leaves: number;
  commits: number;
  seconds: number;
  leavesPerS: number;
  /** Wall time of one commit of this size. */
  commit: Latency;
}

/** Figure 2: drain `pending` leaves with commits of `batch` leaves each, as the committer's flush does. */
export async function measureThroughput(
  db: LogDatabase,
  logSigner: LogSigner,
  pending: number,
  batch: number,
  beforeTiming: BeforeTiming,
): Promise<ThroughputResult> {
  await seedPendingLeaves(db, pending);
  await settle(db, beforeTiming);
  const samples: number[] = [];
  const start = performance.now();
  for (let left = pending; left > 0; left -= Math.min(batch, left)) {
    samples.push((await timedCommit(db, logSigner, batch, Math.min(batch, left))).elapsed);
  }
  const seconds = (performance.now() - start) / 1000;
  const after = await commitBatch(db.pool, logSigner, batch, Date.now());
  if (after.outcome !== "nothing_pending") throw new Error(`leaves left after draining: ${JSON.stringify(after)}`);
  return {
    batch,
    leaves: pending,
    commits: samples.length,
    seconds,
    leavesPerS: pending / seconds,
    commit: latency(samples),
  };
}
