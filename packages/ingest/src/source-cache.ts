import type { Clock } from "@kapsel/core";

/**
 * Short-lived cache of source lookups (hits and misses), keyed by the id in the ingest URL (a
 * source id, or an endpoint id resolved to its source), so that a burst of events for one URL
 * costs one query, with concurrent misses sharing a single query. Staleness is bounded by `ttlMs`;
 * the commit statement re-checks that the endpoint still exists and is not disabled, so a stale
 * entry can never store an event for a deleted or disabled endpoint.
 */
export class SourceCache<T> {
  private readonly entries = new Map<string, { value: T | null; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<T | null>>();

  constructor(
    private readonly load: (id: string) => Promise<T | null>,
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  async get(id: string): Promise<T | null> {
    const now = this.clock.now();
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > now) return cached.value;
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const loading = this.load(id).then(
      (value) => {
        this.inFlight.delete(id);
        if (this.ttlMs > 0) {
          // A crude bound: random ids (junk traffic) must not grow the map without limit.
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(id, { value, expiresAt: this.clock.now() + this.ttlMs });
        }
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(id);
        throw error;
      },
    );
    this.inFlight.set(id, loading);
    return loading;
  }

  /** Forget an entry, e.g. after the commit found the source's endpoint gone. */
  invalidate(id: string): void {
    this.entries.delete(id);
  }
}
