import type { Clock, ErrorCode } from "@kapsel/core";
import { type IngestSource, leaseRateTokens, type Pool, readQueueGauges } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { type BackpressureOptions, CommitLatency, checkBackpressure, QueueDepthSampler } from "./backpressure.ts";
import { type RateDecision, TenantRateLimiter } from "./rate-limiter.ts";

export interface AdmissionSettings {
  /** A limited tenant's bucket holds this many seconds of its rate. Default 1. */
  rateLimitBurstSeconds?: number;
  /** Refuse with 503 E3003 while more events than this are pending delivery; 0 or unset: never. */
  maxQueueDepth?: number;
  /** How often the queue depth is sampled (ms). Default 1000. */
  queueDepthSampleMs?: number;
  /** Refuse with 503 E3005 while commits take longer than this (ms); 0 or unset: never. */
  maxCommitLatencyMs?: number;
  /** Monotonic ms clock for commit latency (performance.now by default). */
  monotonicNow?: () => number;
}

/** Whose rate a request spends: an inbound source's tenant, or a publishing tenant. */
export type RateLimitedSource = Pick<IngestSource, "tenantId" | "ingestRatePerSecond" | "ingestRateBurst">;

export type AdmissionResult =
  | { outcome: "admitted" }
  | { outcome: "refused"; code: ErrorCode; retryAfterSeconds: number };

const ADMITTED: AdmissionResult = { outcome: "admitted" };

/**
 * What ingest checks after it knows the source: before it reads the body (so refused requests
 * hold no memory) backpressure (local numbers, no query) and whether the tenant's bucket is known
 * to be empty; after the request is verified, the tenant's rate limit takes its token (decision
 * 0015): a tenant is charged only for requests that passed verification. A refusal stores nothing.
 */
export class IngestAdmission {
  readonly latency: CommitLatency;
  private readonly limiter: TenantRateLimiter;
  private readonly queue: QueueDepthSampler | null;
  private readonly backpressure: BackpressureOptions;

  constructor(pool: Pool, clock: Clock, logger: Logger, settings: AdmissionSettings = {}) {
    this.latency = new CommitLatency(settings.monotonicNow);
    this.limiter = new TenantRateLimiter({
      lease: (request) => leaseRateTokens(pool, request),
      clock,
      burstSeconds: settings.rateLimitBurstSeconds ?? 1,
    });
    const maxQueueDepth = settings.maxQueueDepth ?? 0;
    // Counting stops just past the limit: a sample costs at most maxQueueDepth + 1 index entries.
    const cap = maxQueueDepth + 1;
    this.queue =
      maxQueueDepth > 0
        ? new QueueDepthSampler(
            async () => (await readQueueGauges(pool, cap)).depth,
            settings.queueDepthSampleMs ?? 1000,
            logger,
          )
        : null;
    this.backpressure = {
      latency: this.latency,
      maxCommitLatencyMs: settings.maxCommitLatencyMs ?? 0,
      queue: this.queue,
      maxQueueDepth,
    };
  }

  start(): void {
    this.queue?.start();
  }

  stop(): void {
    this.queue?.stop();
  }

  /** Before the body is read; spends nothing, needs no query. */
  admit(source: RateLimitedSource): AdmissionResult {
    const shed = checkBackpressure(this.backpressure);
    if (shed) return { outcome: "refused", code: shed.code, retryAfterSeconds: shed.retryAfterSeconds };
    if (source.ingestRatePerSecond === null) return ADMITTED;
    return rateDecision(this.limiter.peek(source.tenantId));
  }

  /** After verification: one token of the tenant's rate. Synchronous for unlimited tenants. */
  charge(source: RateLimitedSource): AdmissionResult | Promise<AdmissionResult> {
    if (source.ingestRatePerSecond === null) return ADMITTED;
    return this.limiter.take(source.tenantId, source.ingestRatePerSecond, source.ingestRateBurst).then(rateDecision);
  }
}

function rateDecision(decision: RateDecision): AdmissionResult {
  return decision.outcome === "allowed"
    ? ADMITTED
    : { outcome: "refused", code: "E1011", retryAfterSeconds: decision.retryAfterSeconds };
}
