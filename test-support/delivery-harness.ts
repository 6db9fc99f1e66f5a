import { type BreakerPolicy, DEFAULT_BREAKER_POLICY, ManualClock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { DeliveryWorker, type DeliveryWorkerOptions } from "@kapsel/delivery";
import { createHttpSender, createSsrfPolicy } from "@kapsel/delivery-http";
import { silentLogger } from "@kapsel/logger";
import { testSecrets } from "./secrets.ts";

export interface DeliveryHarness {
  worker: DeliveryWorker;
  clock: ManualClock;
  /** Wakes the worker and waits until `condition` holds (polling the database through it). */
  until(condition: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  /**
   * Wakes the worker and resolves once a claim cycle that began after this call has finished: what
   * was due by then has been claimed (it is in flight or recorded). The positive signal before
   * asserting that something was *not* delivered.
   */
  claimCycle(): Promise<void>;
  /** Resolves once a lease sweep that began after this call has finished, and a claim cycle after it. */
  sweepAndClaimCycle(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

/**
 * A real delivery worker against a real database, delivering over real HTTP to loopback receivers
 * (allow-listed), with a clock the test moves. Polling is slow on purpose: tests wake it explicitly.
 */
export function startDelivery(
  pool: Pool,
  overrides: Partial<DeliveryWorkerOptions> & {
    allow?: string[];
    clock?: ManualClock;
    breaker?: Partial<BreakerPolicy>;
  } = {},
): DeliveryHarness {
  const clock = overrides.clock ?? new ManualClock(Date.now());
  const policy = createSsrfPolicy(overrides.allow ?? ["127.0.0.0/8"]);
  if (!policy.ok) throw new Error(`bad allow list: ${JSON.stringify(policy.invalid)}`);
  const worker = new DeliveryWorker({
    pool,
    sender: createHttpSender({ policy: policy.policy }),
    logger: silentLogger(),
    clock,
    random: () => 0.5,
    concurrency: 32,
    claimBatch: 50,
    pollIntervalMs: 200,
    sweepIntervalMs: 200,
    leaseMarginMs: 1000,
    secrets: testSecrets,
    ...overrides,
    breakerPolicy: { ...DEFAULT_BREAKER_POLICY, ...overrides.breaker },
  });
  worker.start();
  // A cycle already running at the call started before it: the second one to finish did not.
  const afterNext = async (count: () => number) => {
    const target = count() + 2;
    const deadline = Date.now() + 15_000;
    while (count() < target) {
      if (Date.now() > deadline) throw new Error("the worker did not finish a cycle in time");
      worker.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const claimCycle = () => afterNext(() => worker.stats.claimCycles);
  return {
    worker,
    clock,
    claimCycle,
    sweepAndClaimCycle: async () => {
      await afterNext(() => worker.stats.sweeps);
      await claimCycle();
    },
    until: async (condition, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        worker.wake();
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: (graceMs = 5_000) => worker.stop(graceMs),
  };
}
