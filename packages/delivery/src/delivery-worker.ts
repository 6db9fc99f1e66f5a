import { randomBytes } from "node:crypto";
import { type BreakerPolicy, type Clock, GroupCommitter, newId, type RandomSource, systemClock } from "@kapsel/core";
import {
  type AttemptRecord,
  type ClaimedDelivery,
  claimDueDeliveries,
  type Pool,
  releaseClaims,
  requeueExpiredLeases,
} from "@kapsel/db";
import type { HttpSender, SendResult } from "@kapsel/delivery-http";
import type { Logger } from "@kapsel/logger";
import { publishRotationEndings } from "@kapsel/operational-events";
import { type SecretOpener, SecretsError } from "@kapsel/secrets";
import { toAttemptRecord } from "./attempt-record.ts";
import { admitThroughBreakers, type EndpointTransition, recordWithBreakers } from "./breaker-gate.ts";
import { logAttempt, logBreakerTransitions } from "./delivery-logs.ts";
import { endAttemptSpan, startAttemptSpan, traceClaim } from "./delivery-tracing.ts";
import { outboundHeaders, signingSecrets } from "./outbound-headers.ts";
import { WakeupListener } from "./wakeup-listener.ts";

export interface DeliveryWorkerOptions {
  pool: Pool;
  /** For the LISTEN connection; omit to rely on polling alone. */
  listenConnectionString?: string;
  sender: HttpSender;
  logger: Logger;
  clock?: Clock;
  random?: RandomSource;
  workerId?: string;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Most deliveries claimed per query. */
  claimBatch: number;
  /** Polling fallback and retry pick-up interval. */
  pollIntervalMs: number;
  /** How often expired leases (crashed workers) are requeued. */
  sweepIntervalMs: number;
  /** Lease = endpoint connect + response timeouts + this margin. */
  leaseMarginMs: number;
  breakerPolicy: BreakerPolicy;
  /** Opens the endpoints' sealed signing secrets: only processes holding the master key sign deliveries. */
  secrets: SecretOpener;
  /** Disable an endpoint with no successful attempt for this long (0: never). Default 5 days. */
  autoDisableAfterMs?: number;
  /**
   * Announce a signing-secret rotation (kapsel.endpoint.secret_rotation_ending) this long before its
   * overlap ends, once per rotation; checked with every lease sweep (0: never). Default 24 hours.
   */
  rotationNoticeLeadMs?: number;
  /** Counts recorded attempts by result and their HTTP durations (e.g. createMetrics from @kapsel/metrics). */
  metrics?: DeliveryAttemptMetrics;
}

export interface DeliveryAttemptMetrics {
  deliveryAttempt(outcome: AttemptRecord["result"], durationSeconds: number): void;
}

export interface DeliveryStats {
  inFlight: number;
  recording: number;
  delivered: number;
  attempts: number;
  recordFailures: number;
  /**
   * Claim cycles finished (claim query run, its deliveries handed to HTTP) and lease sweeps
   * finished: tests wait for one that began after a change, the positive signal that the worker has
   * looked since then (and so that a delivery it left alone was not claimable).
   */
  claimCycles: number;
  sweeps: number;
}

const RECORD_RETRIES = 20;

export const DEFAULT_ROTATION_NOTICE_LEAD_MS = 24 * 60 * 60 * 1000;

/**
 * Claims due deliveries, sends them over HTTP, and records every attempt. Wakes on NOTIFY from
 * ingest, on a polling timer, and when slots free up while a backlog remains. All state that
 * decides delivery lives in PostgreSQL; this object only holds what is in flight right now.
 */
export class DeliveryWorker {
  readonly workerId: string;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  /** By delivery id. */
  private readonly inFlight = new Map<string, ClaimedDelivery>();
  private readonly perEndpoint = new Map<string, number>();
  private readonly abandoned = new Set<string>();
  private readonly recorder: GroupCommitter<AttemptRecord, true>;
  private readonly listener: WakeupListener | null;
  private readonly settled = new Set<Promise<void>>();
  /** Finished attempts waiting for their batch to commit. */
  private recording = 0;
  private readonly maxRecording: number;
  private pumping = false;
  private again = false;
  private backlog = false;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly counters = { delivered: 0, attempts: 0, recordFailures: 0, claimCycles: 0, sweeps: 0 };

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.workerId = options.workerId ?? `worker-${randomBytes(4).toString("hex")}`;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxRecording = options.concurrency * 2;
    this.recorder = new GroupCommitter<AttemptRecord, true>({
      flush: async (records) => {
        const transitions: EndpointTransition[] = [];
        const disabled = await recordWithBreakers(
          options.pool,
          records,
          options.breakerPolicy,
          this.clock.now(),
          options.autoDisableAfterMs,
          transitions,
        );
        logBreakerTransitions(options.logger, transitions);
        // The reason says what the receiver did and when; never the URL (it may carry a token).
        for (const d of disabled) options.logger.warn(d, "endpoint disabled by its receiver's answers");
        return records.map(() => true as const);
      },
      maxBatch: 200,
      maxConcurrent: 4,
      maxQueued: Number.MAX_SAFE_INTEGER, // bounded by maxRecording: claiming stops while that many wait
    });
    this.listener = options.listenConnectionString
      ? new WakeupListener(options.listenConnectionString, () => this.wake(), options.logger)
      : null;
  }

  start(): void {
    this.listener?.start();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.wake();
  }

  /** Look for due deliveries now (new events, a test that moved the clock, a resumed endpoint). */
  wake(): void {
    void this.pump();
  }

  get stats(): DeliveryStats {
    return { inFlight: this.inFlight.size, recording: this.recording, ...this.counters };
  }

  /**
   * Stops claiming, lets deliveries in flight finish for up to `graceMs`, then gives the rest back
   * to the queue (another worker will deliver them) and waits for every record to be written.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.listener?.stop();
    const deadline = Date.now() + graceMs; // wall time: a test clock may stand still
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.settled]), sleep(50)]);
    }
    if (this.inFlight.size > 0) {
      const left = [...this.inFlight.keys()];
      for (const id of left) this.abandoned.add(id);
      const now = new Date(this.clock.now());
      const released = await releaseClaims(
        this.options.pool,
        this.workerId,
        left.map((deliveryId) => ({ deliveryId, retryAt: now })),
        now,
      ).catch(() => 0);
      this.options.logger.warn({ released, inFlight: left.length }, "gave unfinished deliveries back to the queue");
      await this.options.sender.destroy(); // abort them: another worker owns those deliveries now
    } else {
      await this.options.sender.close();
    }
    // Every finished attempt is recorded (or given up on) before the caller closes the pool.
    await Promise.allSettled([...this.settled]);
    await this.recorder.drain();
  }

  private async pump(): Promise<void> {
    if (this.stopping) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const free = this.options.concurrency - this.inFlight.size;
        // Records waiting for the database hold memory: a slow database slows claiming down.
        if (free <= 0 || this.recording >= this.maxRecording) {
          this.backlog = true;
          break;
        }
        const limit = Math.min(free, this.options.claimBatch);
        const nowMs = this.clock.now();
        const claimStartedAt = Date.now(); // wall time for the span: a test clock may stand still
        const claimed = await claimDueDeliveries(this.options.pool, {
          workerId: this.workerId,
          now: new Date(nowMs),
          limit,
          inFlight: this.perEndpoint,
          probeAllowance: this.options.breakerPolicy.halfOpenMaxProbes,
          leaseMarginMs: this.options.leaseMarginMs,
        });
        traceClaim(claimStartedAt, this.workerId, claimed);
        const transitions: EndpointTransition[] = [];
        const admitted = await admitThroughBreakers(
          this.options.pool,
          this.workerId,
          claimed,
          this.options.breakerPolicy,
          nowMs,
          transitions,
        );
        logBreakerTransitions(this.options.logger, transitions);
        for (const delivery of admitted) this.track(this.deliver(delivery));
        this.counters.claimCycles++;
        // A short claim may be cut by an endpoint's in-flight limit, not by an empty queue: while
        // anything was claimed, finishing deliveries look again (an empty claim ends the backlog).
        this.backlog = claimed.length > 0;
        if (claimed.length === limit) this.again = true;
      } while (this.again && !this.stopping);
    } catch (error) {
      this.options.logger.error({ err: error }, "claiming deliveries failed; will retry on the next wake-up");
    } finally {
      this.pumping = false;
    }
  }

  private track(delivery: Promise<void>): void {
    this.settled.add(delivery);
    void delivery.finally(() => this.settled.delete(delivery));
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    let secrets: string[];
    try {
      secrets = signingSecrets(delivery, this.options.secrets, this.clock.now());
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      // Nothing is sent unsigned or signed wrongly: the delivery stays leased, and once the lease
      // expires it is claimed again (by this or another worker, after the key is fixed).
      this.options.logger.error(
        { eventId: delivery.eventId, deliveryId: delivery.id, endpointId: delivery.endpointId, code: error.code },
        "the endpoint's signing secret cannot be opened; the delivery waits for its lease to expire",
      );
      return;
    }
    this.inFlight.set(delivery.id, delivery);
    this.perEndpoint.set(delivery.endpointId, (this.perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    let record: AttemptRecord | null = null;
    let span: ReturnType<typeof startAttemptSpan> | null = null;
    let sent: SendResult | null = null;
    try {
      const startedAtMs = this.clock.now();
      const attemptId = newId("attempt", startedAtMs);
      const requestHeaders = outboundHeaders(delivery, secrets, attemptId, startedAtMs);
      span = startAttemptSpan(delivery, attemptId, requestHeaders); // adds traceparent when tracing is on
      const result = await this.options.sender.send({
        url: delivery.url,
        headers: requestHeaders,
        body: delivery.payload,
        connectTimeoutMs: delivery.connectTimeoutMs,
        responseTimeoutMs: delivery.responseTimeoutMs,
      });
      sent = result;
      // Given back during shutdown: another worker owns the delivery now.
      if (!this.abandoned.has(delivery.id)) {
        record = toAttemptRecord(
          { attemptId, delivery, workerId: this.workerId, startedAtMs, requestHeaders, result },
          this.clock.now(),
          this.random,
        );
      }
    } finally {
      if (span) endAttemptSpan(span, sent, record);
      // The HTTP exchange is over: the worker's slot is free while the record waits for its batch
      // (the delivery stays leased until then, so nobody else claims it).
      this.inFlight.delete(delivery.id);
      this.abandoned.delete(delivery.id);
      if (!record) this.releaseEndpointShare(delivery.endpointId);
    }
    if (!record) return;
    this.recording++;
    this.claimMoreIfWorthIt();
    try {
      await this.persist(record);
      this.counters.attempts++;
      this.options.metrics?.deliveryAttempt(record.result, record.durationMs / 1000);
      if (record.deliveryStatus === "delivered") this.counters.delivered++;
      logAttempt(this.options.logger, record);
    } finally {
      // The endpoint's share is held until the outcome is recorded, so its breaker sees every
      // result before it gets more requests: a failing endpoint gets at most max_in_flight more.
      this.releaseEndpointShare(delivery.endpointId);
      this.recording--;
      this.claimMoreIfWorthIt();
    }
  }

  private releaseEndpointShare(endpointId: string): void {
    const left = (this.perEndpoint.get(endpointId) ?? 1) - 1;
    if (left > 0) this.perEndpoint.set(endpointId, left);
    else this.perEndpoint.delete(endpointId);
  }

  /** With a backlog, claim again once a useful batch of slots is free (not one claim per slot). */
  private claimMoreIfWorthIt(): void {
    if (!this.backlog || this.recording >= this.maxRecording) return;
    const free = this.options.concurrency - this.inFlight.size;
    if (free >= Math.min(this.options.claimBatch, Math.ceil(this.options.concurrency / 4))) this.wake();
  }

  /** An attempt that happened must be recorded: retry through a database outage, for a while. */
  private async persist(record: AttemptRecord): Promise<void> {
    for (let attempt = 0; attempt < RECORD_RETRIES; attempt++) {
      const result = await this.recorder.submit(record);
      if (result.outcome === "committed") return;
      // Shutting down: do not hold the process for a database outage; the lease covers the delivery.
      if (this.stopping && attempt >= 2) break;
      this.options.logger.warn(
        { err: result.outcome === "failed" ? result.error : undefined },
        "recording an attempt failed; retrying",
      );
      await sleep(Math.min(100 * 2 ** attempt, 5_000));
    }
    this.counters.recordFailures++;
    this.options.logger.error(
      { eventId: record.eventId, deliveryId: record.deliveryId },
      "could not record an attempt; its lease will expire and it will be retried",
    );
  }

  /**
   * Publishes kapsel.endpoint.secret_rotation_ending for the rotations that end within the lead
   * time and were not announced yet; returns how many were announced. Runs with every sweep.
   */
  async announceRotationEndings(): Promise<number> {
    const leadMs = this.options.rotationNoticeLeadMs ?? DEFAULT_ROTATION_NOTICE_LEAD_MS;
    const { announced } = await publishRotationEndings(this.options.pool, { now: new Date(this.clock.now()), leadMs });
    if (announced > 0) {
      this.options.logger.info({ announced }, "announced signing-secret rotations that end soon");
      this.wake();
    }
    return announced;
  }

  private async sweep(): Promise<void> {
    let swept = false;
    try {
      const requeued = await requeueExpiredLeases(this.options.pool, new Date(this.clock.now()));
      swept = true;
      if (requeued > 0) {
        this.options.logger.warn({ requeued }, "requeued deliveries whose worker stopped mid-delivery");
        this.wake();
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "lease sweep failed");
    }
    try {
      await this.announceRotationEndings();
    } catch (error) {
      // Nothing was marked: the next sweep announces them.
      this.options.logger.warn({ err: error }, "announcing signing-secret rotations that end soon failed");
    }
    // Counted once the whole sweep ran, so a test waiting for one sees its announcements too.
    if (swept) this.counters.sweeps++;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
