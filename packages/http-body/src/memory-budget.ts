/**
 * Counts bytes held in memory by requests being read or waiting for their commit. Ingest refuses
 * (503) instead of buffering past the budget, so memory is bounded by configuration, not by load.
 */
export class MemoryBudget {
  private used = 0;
  constructor(readonly limitBytes: number) {}

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  get usedBytes(): number {
    return this.used;
  }
}
