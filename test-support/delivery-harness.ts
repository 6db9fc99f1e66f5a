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
  return {
    worker,
    clock,
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
