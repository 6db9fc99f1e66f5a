import { type Clock, resetBreaker } from "@kapsel/core";
import {
  type EndpointStatusResult,
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
  replayEvent(tenantId: string, eventId: string): Promise<ReplayResult> {
    return replayEvent(this.pool, tenantId, eventId, this.now());
  }

  /** Replay every delivery to the endpoint that failed at or after `since`. */
  replayFailedEvents(tenantId: string, endpointId: string, since: Date): Promise<ReplayManyResult> {
    return replayFailedEvents(this.pool, tenantId, endpointId, since, this.now());
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
      if (reset.transition) await insertBreakerTransitions(client, [{ endpointId, transition: reset.transition }]);
      await undeferPendingDeliveries(client, endpointId, now);
      return { outcome: "reset" as const, previousState: before.state };
    });
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
