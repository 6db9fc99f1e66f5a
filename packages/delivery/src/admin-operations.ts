import { type Clock, resetBreaker } from "@kapsel/core";
import {
  type EndpointStatusResult,
  findPurgedEvents,
  insertBreakerTransitions,
  lockBreakers,
  type Pool,
  type ReplayManyResult,
  type ReplayResult,
  replayEvent,
  replayFailedEvents,
  saveBreakers,
  setEndpointStatus,
  undeferPendingDeliveries,
  withTransaction,
} from "@kapsel/db";
import { breakerTransitionEvent, publishOperationalEvents } from "@kapsel/operational-events";

/*
 * Retention purged a payload while a replay waited for its deliveries' locks (the purge holds them
 * while it runs: packages/retention). The replay's snapshot predates the purge, so it is rolled back
 * rather than sending nothing; see findPurgedEvents.
 */
class PurgedMeanwhile extends Error {}

export type ResetBreakerResult =
  | { outcome: "reset"; previousState: "closed" | "open" | "half_open" }
  | { outcome: "not_found" };

/**
 * What operators and the GraphQL API may do to delivery, always within one tenant: an id that
 * belongs to another tenant answers exactly like an id that does not exist.
 */
export class DeliveryAdmin {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
  ) {}

  /** Deliver a finished (delivered or failed) event again (its finished deliveries), with a fresh retry schedule. */
  async replayEvent(tenantId: string, eventId: string): Promise<ReplayResult> {
    const now = this.now();
    try {
      return await withTransaction(this.pool, async (client) => {
        const replayed = await replayEvent(client, tenantId, eventId, now);
        if (replayed.outcome === "replayed" && (await findPurgedEvents(client, [eventId])).length > 0) {
          throw new PurgedMeanwhile();
        }
        return replayed;
      });
    } catch (error) {
      if (error instanceof PurgedMeanwhile) return { outcome: "purged" };
      throw error;
    }
  }

  /** Replay every delivery to the endpoint that failed at or after `since`. */
  async replayFailedEvents(tenantId: string, endpointId: string, since: Date): Promise<ReplayManyResult> {
    for (let round = 1; ; round++) {
      const now = this.now();
      try {
        return await withTransaction(this.pool, async (client) => {
          const replayed = await replayFailedEvents(client, tenantId, endpointId, since, now);
          if (replayed.outcome === "not_found") return replayed;
          if ((await findPurgedEvents(client, replayed.eventIds)).length > 0) throw new PurgedMeanwhile();
          return { outcome: "replayed" as const, count: replayed.count };
        });
      } catch (error) {
        // Again, in a new snapshot that sees the purge: its events are left out this time.
        if (error instanceof PurgedMeanwhile && round < 3) continue;
        throw error;
      }
    }
  }

  /** Paused endpoints keep accepting; their events wait until resume. */
  pauseEndpoint(tenantId: string, endpointId: string): Promise<EndpointStatusResult> {
    return setEndpointStatus(this.pool, tenantId, endpointId, "paused", null, this.now());
  }

  resumeEndpoint(tenantId: string, endpointId: string): Promise<EndpointStatusResult> {
    return setEndpointStatus(this.pool, tenantId, endpointId, "active", null, this.now());
  }

  /** Close the endpoint's breaker now and make its waiting deliveries due at once. */
  async resetCircuitBreaker(tenantId: string, endpointId: string): Promise<ResetBreakerResult> {
    const now = this.now();
    return withTransaction(this.pool, async (client) => {
      const owned = await client.query("SELECT 1 FROM endpoints WHERE id = $1 AND tenant_id = $2", [
        endpointId,
        tenantId,
      ]);
      if (owned.rowCount === 0) return { outcome: "not_found" as const };
      const states = await lockBreakers(client, [endpointId], now);
      const before = states.get(endpointId)!;
      const reset = resetBreaker(before, now.getTime());
      await saveBreakers(client, new Map([[endpointId, reset.state]]), now);
      if (reset.transition) {
        await insertBreakerTransitions(client, [{ endpointId, transition: reset.transition }]);
        // An open (or half-open) breaker closed by hand ends the outage: kapsel.endpoint.breaker_closed.
        const closed = breakerTransitionEvent({
          tenantId,
          endpointId,
          transition: reset.transition,
          state: reset.state,
        });
        if (closed) await publishOperationalEvents(client, [closed], now);
      }
      await undeferPendingDeliveries(client, endpointId, now);
      return { outcome: "reset" as const, previousState: before.state };
    });
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
