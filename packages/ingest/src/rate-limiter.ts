import { bucketCapacity, type Clock, msUntilToken, retryAfterSeconds } from "@kapsel/core";
import type { LeasedRateTokens, RateTokenLease } from "@kapsel/db";

export type RateDecision = { outcome: "allowed" } | { outcome: "limited"; retryAfterSeconds: number };

export interface TenantRateLimiterOptions {
  /** Takes tokens from the tenant's shared bucket (leaseRateTokens from @kapsel/db). */
  lease: (request: RateTokenLease) => Promise<LeasedRateTokens | null>;
  clock: Clock;
  /** A tenant's bucket holds this many seconds of its rate (its largest burst), unless the tenant sets its own burst. */
  burstSeconds: number;
}

/** A lease asks for this much of the tenant's rate: ~10 leases/s per process at full rate. */
const LEASE_SHARE_SECONDS = 0.1;
/** Most tokens one lease takes, so that one process cannot sit on a large share of the budget. */
const MAX_LEASE_TOKENS = 100;
/** Unspent leased tokens lapse after this long: a process cannot save them up for a later burst. */
const LEASE_TTL_MS = 1000;
/** Bounds the per-tenant state (only tenants with a limit have any). */
const MAX_TENANTS = 10_000;
/** A safety bound: a caller that keeps losing leased tokens to concurrent callers stops waiting. */
const MAX_LEASE_ROUNDS = 20;

interface LocalLease {
  /** Whole tokens leased and not yet spent. */
  tokens: number;
  expiresAt: number;
  /** The shared bucket was empty: answer "limited" without asking again until then. */
  emptyUntil: number;
  leasing: Promise<void> | null;
  /** Callers waiting for a lease: the next lease asks for at least one token each. */
  waiting: number;
}

const ALLOWED: RateDecision = { outcome: "allowed" };

/**
 * Per-tenant token buckets shared by every ingest process through PostgreSQL (decision 0015). Each
 * process leases a few tokens at a time from the tenant's bucket row and spends them locally, so a
 * request costs a database round trip only when its process's lease is spent; callers that arrive
 * meanwhile share that one lease query. An empty bucket is remembered until its next token is due,
 * so a tenant flooding past its limit is refused without a query per request.
 */
export class TenantRateLimiter {
  private readonly tenants = new Map<string, LocalLease>();

  constructor(private readonly options: TenantRateLimiterOptions) {}

  /**
   * Spends nothing: "limited" while this process knows the tenant's bucket is empty. Ingest asks
   * this before reading a body and spends a token (take) only once the request is verified.
   */
  peek(tenantId: string): RateDecision {
    const local = this.tenants.get(tenantId);
    const now = this.options.clock.now();
    if (!local || (local.tokens >= 1 && local.expiresAt > now) || local.emptyUntil <= now) return ALLOWED;
    return limited(local.emptyUntil - now);
  }

  /** `burst`: the tenant's own bucket size (tenants.ingest_rate_burst); null: `burstSeconds` of its rate. */
  async take(tenantId: string, ratePerSecond: number, burst: number | null = null): Promise<RateDecision> {
    const local = this.localLease(tenantId);
    for (let round = 0; round < MAX_LEASE_ROUNDS; round++) {
      const now = this.options.clock.now();
      if (local.tokens >= 1 && local.expiresAt > now) {
        local.tokens -= 1;
        return ALLOWED;
      }
      if (local.emptyUntil > now) return limited(local.emptyUntil - now);
      local.waiting++;
      try {
        local.leasing ??= this.renew(tenantId, ratePerSecond, burst, local).finally(() => {
          local.leasing = null;
        });
        await local.leasing;
      } finally {
        local.waiting--;
      }
    }
    return limited(0);
  }

  private async renew(tenantId: string, ratePerSecond: number, burst: number | null, local: LocalLease): Promise<void> {
    const capacity = bucketCapacity(ratePerSecond, this.options.burstSeconds, burst);
    const share = Math.ceil(ratePerSecond * LEASE_SHARE_SECONDS);
    const want = Math.min(capacity, MAX_LEASE_TOKENS, Math.max(1, share, local.waiting));
    const nowMs = this.options.clock.now();
    const leased = await this.options.lease({ tenantId, ratePerSecond, capacity, want, nowMs });
    // A deleted tenant has no bucket; let the request through: its commit refuses it (E1002).
    local.tokens = leased === null ? 1 : leased.granted;
    local.expiresAt = nowMs + LEASE_TTL_MS;
    if (leased !== null && leased.granted === 0) {
      local.emptyUntil = nowMs + msUntilToken(leased.tokens, ratePerSecond);
    }
  }

  private localLease(tenantId: string): LocalLease {
    let local = this.tenants.get(tenantId);
    if (!local) {
      // Forgetting leases only ever under-spends the budget (the tokens were taken from the bucket).
      if (this.tenants.size >= MAX_TENANTS) this.tenants.clear();
      local = { tokens: 0, expiresAt: 0, emptyUntil: 0, leasing: null, waiting: 0 };
      this.tenants.set(tenantId, local);
    }
    return local;
  }
}

function limited(msUntilToken: number): RateDecision {
  return { outcome: "limited", retryAfterSeconds: retryAfterSeconds(msUntilToken) };
}
