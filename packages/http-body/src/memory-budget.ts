export type Reservation = { outcome: "reserved" } | { outcome: "full"; budget: MemoryBudget };

const RESERVED: Reservation = { outcome: "reserved" };

/**
 * Counts bytes held in memory by requests being read or waiting for their commit. Ingest refuses
 * instead of buffering past the budget, so memory is bounded by configuration, not by load.
 * Budgets nest: a tenant's budget has the process's as its parent, so one tenant can fill its own
 * share but never the whole process's (issue #11, finding 4).
 */
export class MemoryBudget {
  private used = 0;
  constructor(
    readonly limitBytes: number,
    readonly parent: MemoryBudget | null = null,
  ) {}

  /**
   * Reserves in this budget and every parent, or in none; "full" names the budget that refused,
   * the outermost one first (a request that fits nowhere is the process's overload, not the tenant's).
   */
  reserve(bytes: number): Reservation {
    const parent = this.parent?.reserve(bytes) ?? RESERVED;
    if (parent.outcome === "full") return parent;
    if (this.used + bytes > this.limitBytes) {
      this.parent?.release(bytes);
      return { outcome: "full", budget: this };
    }
    this.used += bytes;
    return RESERVED;
  }

  release(bytes: number): void {
    const released = Math.min(bytes, this.used);
    this.used -= released;
    this.parent?.release(released);
  }

  get usedBytes(): number {
    return this.used;
  }
}
