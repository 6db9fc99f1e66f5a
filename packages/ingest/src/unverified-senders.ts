import { type Clock, retryAfterSeconds } from "@kapsel/core";

export interface UnverifiedLimit {
  /** Requests from one address that may fail verification per window; 0: no limit. */
  maxFailures: number;
  windowMs: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/** Bounds the state: past this many addresses, windows that ended are dropped, then the oldest. */
const MAX_ADDRESSES = 100_000;

/**
 * Counts requests that failed source verification (401) per client address in fixed windows. An
 * address past its limit is refused (429 E1013) before its endpoint is looked up or its body read,
 * so junk posted to a tenant's URL costs neither the tenant nor the process much (issue #11,
 * finding 4). Per process and in memory: an attacker spreading over processes gets the limit once
 * per process, which still bounds the work each process does.
 */
export class UnverifiedSenders {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: UnverifiedLimit,
    private readonly clock: Clock,
  ) {}

  /** Seconds until `address` may try again, or null when it is within its limit. */
  retryAfter(address: string): number | null {
    if (this.limit.maxFailures === 0) return null;
    const window = this.windows.get(address);
    if (!window || window.failures < this.limit.maxFailures) return null;
    // Never longer than one window, even when the clock ran backwards since it started.
    const endsIn = Math.min(window.startedAt + this.limit.windowMs - this.clock.now(), this.limit.windowMs);
    if (endsIn <= 0) return null;
    return retryAfterSeconds(endsIn);
  }

  recordFailure(address: string): void {
    if (this.limit.maxFailures === 0) return;
    const now = this.clock.now();
    const window = this.windows.get(address);
    if (window && now - window.startedAt < this.limit.windowMs && now >= window.startedAt) {
      window.failures++;
      return;
    }
    if (!window && this.windows.size >= MAX_ADDRESSES) this.makeRoom(now);
    this.windows.set(address, { startedAt: now, failures: 1 });
  }

  private makeRoom(now: number): void {
    for (const [address, window] of this.windows) {
      if (now - window.startedAt >= this.limit.windowMs) this.windows.delete(address);
    }
    if (this.windows.size >= MAX_ADDRESSES) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}
