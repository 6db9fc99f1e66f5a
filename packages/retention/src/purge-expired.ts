import type { Clock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { listTenantRetention, purgeTenantBatch } from "./purge-statements.ts";

const DAY_MS = 86_400_000;

export interface PurgeOptions {
  pool: Pool;
  clock: Clock;
  /** Events per statement: bounds how long one statement holds its row locks. */
  batchSize: number;
  /** Stop after this many batches in one run (the next run continues); default: until done. */
  maxBatches?: number;
  /** Checked between batches: true ends the run early (shutdown). */
  shouldStop?: () => boolean;
  /** Called after every batch that purged something (metrics). */
  onBatch?: (batch: { payloads: number; responseBodies: number }) => void;
}

export interface PurgeResult {
  /** Events whose payload bytes were deleted. */
  payloads: number;
  /** Attempts whose stored response body was deleted. */
  responseBodies: number;
  /** Statements run that purged something or found the tenant done. */
  batches: number;
  /** False when maxBatches or shouldStop ended the run before every tenant was done. */
  complete: boolean;
}

/**
 * Deletes the payload bytes of events received more than their tenant's `retention_days` ago whose
 * deliveries are all finished (delivered or failed), and the response bodies stored with their
 * attempts, in batches of `batchSize`. Events with a delivery still pending or delivering keep their
 * payload until it finishes (it is still to be sent), and are purged by the first run after that. Everything a receipt rests on
 * (hashes, sizes, attempts, leaves, checkpoints) stays.
 */
export async function purgeExpired(options: PurgeOptions): Promise<PurgeResult> {
  const nowMs = options.clock.now();
  const result: PurgeResult = { payloads: 0, responseBodies: 0, batches: 0, complete: true };
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  for (const tenant of await listTenantRetention(options.pool)) {
    const cutoff = new Date(nowMs - tenant.retentionDays * DAY_MS);
    for (;;) {
      if (result.batches >= maxBatches || options.shouldStop?.()) return { ...result, complete: false };
      const batch = await purgeTenantBatch(options.pool, tenant.tenantId, cutoff, options.batchSize);
      result.batches++;
      result.payloads += batch.payloads;
      result.responseBodies += batch.responseBodies;
      if (batch.payloads > 0) options.onBatch?.(batch);
      if (batch.payloads < options.batchSize) break;
    }
  }
  return result;
}
