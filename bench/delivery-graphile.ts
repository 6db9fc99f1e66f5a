import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Pool } from "@kapsel/db";
import { TEST_SIGNING_SECRET } from "@kapsel/test-support";
import { makeWorkerUtils } from "graphile-worker";
import { startChild } from "./child-process.ts";
import { type DeliveryBenchContext, processGroups, type RunResult } from "./delivery-context.ts";
import { type Drain, measureDrain, waitForQuiet } from "./delivery-measure.ts";
import { resetStatementStats, topStatements } from "./delivery-pg-stats.ts";

const WORKER_ENTRY = fileURLToPath(new URL("./delivery-graphile-worker.ts", import.meta.url));
const ADD_CHUNK = 2_000;
let runs = 0;

/**
 * Queues `events` jobs in a fresh database on the same server, then times a graphile-worker
 * process (bench/delivery-graphile-worker.ts) draining them, measured exactly like Kapsel's run.
 */
export async function runGraphile(ctx: DeliveryBenchContext, concurrency: number, tuned: boolean): Promise<RunResult> {
  const { config } = ctx;
  const db = await ctx.server.graphileDatabase(`graphile_run_${++runs}`);
  try {
    const utils = await makeWorkerUtils({ connectionString: db.url });
    try {
      for (let done = 0; done < config.events; done += ADD_CHUNK) {
        const count = Math.min(ADD_CHUNK, config.events - done);
        const specs = Array.from({ length: count }, () => ({
          identifier: "deliver",
          payload: { id: `evt_${randomUUID().replaceAll("-", "")}`, body: ctx.body },
        }));
        await utils.addJobs(specs);
      }
    } finally {
      await utils.release();
    }
    await db.pool.query("ANALYZE");
    await ctx.receiver.reset();
    if (config.pgStats) await resetStatementStats(db.pool);
    await waitForQuiet(config.quietWaitS);

    const env = {
      ...process.env,
      GW_DATABASE_URL: db.url,
      GW_CONCURRENCY: String(concurrency),
      GW_TUNED: tuned ? "1" : "0",
      GW_RECEIVER_URL: ctx.receiver.url,
      GW_SIGNING_SECRET: TEST_SIGNING_SECRET,
    };
    const worker = await startChild("graphile-worker", WORKER_ENTRY, env);
    ctx.cleanup.defer("stop graphile-worker", () => worker.stop());
    let drain: Drain;
    try {
      drain = await measureDrain(() => queuedJobs(db.pool), processGroups(ctx, worker.pid));
    } finally {
      await worker.stop();
    }
    const statements = config.pgStats ? await topStatements(db.pool) : undefined;
    return {
      system: "graphile-worker",
      variant: tuned ? "tuned" : "defaults",
      concurrency,
      events: config.events,
      drain,
      received: await ctx.receiver.stats(),
      completed: config.events - (await queuedJobs(db.pool)),
      ...(statements ? { statements } : {}),
    };
  } finally {
    await db.drop();
  }
}

/** Finished jobs are deleted, so the queue is drained when the jobs table is empty. */
async function queuedJobs(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
  return rows[0]?.n ?? 0;
}
