import { isId, newId } from "@kapsel/core";
import { type GraphQLContext, requireTenant } from "../context.ts";
import type { EndpointModel } from "../models.ts";
import { toEnum } from "../models.ts";
import { admitTestEvent } from "../mutations/test-event-rate.ts";
import { conflict, failed, invalid, notFound, rateLimited, succeeded } from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { findTenant } from "../sql/tenants.ts";
import { insertTestEvent } from "../sql/test-events.ts";

/** What a test event's payload is when the caller gives none. */
export function defaultTestPayload(endpointId: string, at: Date): unknown {
  return {
    type: "kapsel.test",
    data: { message: "A test event sent with the Kapsel API.", endpointId, sentAt: at.toISOString() },
  };
}

/**
 * Largest test event payload, in bytes of its JSON: a test shows that deliveries arrive, which a
 * small body does as well as a large one. Real events come through ingest (INGEST_MAX_BODY_BYTES).
 */
export const MAX_TEST_PAYLOAD_BYTES = 64 * 1024;

/** Headers stored with a test event (ingest stores the source's; this marks where it came from). */
export const TEST_EVENT_HEADERS = Object.freeze({ "content-type": "application/json", "kapsel-test-event": "true" });

/** One of the caller's live endpoints, or null: deleted endpoints take no mutation. */
async function liveEndpoint(context: GraphQLContext, tenantId: string, id: string): Promise<EndpointModel | null> {
  if (!isId("endpoint", id)) return null;
  const endpoint = await context.loaders.endpoint(tenantId).load(id);
  return endpoint && !endpoint.deleted ? endpoint : null;
}

const endpointDisabled = () =>
  conflict(["endpointId"], "The endpoint is DISABLED and accepts no events. Resume it first.");

/** Reads an object again after a change, past the request's loader caches. */
async function reread<T>(context: GraphQLContext, load: () => Promise<T>): Promise<T> {
  context.loaders.forgetAll();
  return load();
}

// Replays and breaker resets go through DeliveryAdmin (packages/delivery), the operations delivery
// itself defines; each is scoped to the caller's tenant in its SQL, like every read here.
export const deliveryMutations: ResolverMap = {
  Mutation: {
    resetCircuitBreaker: async (_: unknown, { endpointId }: { endpointId: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!(await liveEndpoint(context, tenantId, endpointId))) return failed(notFound("endpointId", "endpoint"));
      const reset = await context.admin.resetCircuitBreaker(tenantId, endpointId);
      if (reset.outcome === "not_found") return failed(notFound("endpointId", "endpoint"));
      const endpoint = await reread(context, () => context.loaders.endpoint(tenantId).load(endpointId));
      return succeeded({ endpoint, previousState: toEnum(reset.previousState) });
    },

    replayEvent: async (_: unknown, { eventId }: { eventId: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const event = isId("event", eventId) ? await context.loaders.event(tenantId).load(eventId) : null;
      if (!event) return failed(notFound("eventId", "event"));
      const endpoint =
        event.endpointId === null ? null : await context.loaders.endpoint(tenantId).load(event.endpointId);
      if (endpoint?.deleted) {
        return failed(conflict(["eventId"], "The event's endpoint was deleted: there is nowhere to deliver it again."));
      }
      const replayed = await context.admin.replayEvent(tenantId, eventId);
      if (replayed.outcome === "not_found") return failed(notFound("eventId", "event"));
      if (replayed.outcome === "purged") {
        return failed(conflict(["eventId"], "The event's payload was purged by retention: there is nothing to send."));
      }
      if (replayed.outcome === "in_progress") {
        return failed(
          conflict(
            ["eventId"],
            "The event is still PENDING or DELIVERING: it will be delivered or fail on its own. Replay it once it is DELIVERED or FAILED.",
          ),
        );
      }
      return succeeded({ event: await reread(context, () => context.loaders.event(tenantId).load(eventId)) });
    },

    replayFailedEvents: async (
      _: unknown,
      { endpointId, since }: { endpointId: string; since: Date },
      context: GraphQLContext,
    ) => {
      const tenantId = requireTenant(context);
      if (!(await liveEndpoint(context, tenantId, endpointId))) return failed(notFound("endpointId", "endpoint"));
      const replayed = await context.admin.replayFailedEvents(tenantId, endpointId, since);
      if (replayed.outcome === "not_found") return failed(notFound("endpointId", "endpoint"));
      const endpoint = await reread(context, () => context.loaders.endpoint(tenantId).load(endpointId));
      return succeeded({ endpoint, count: replayed.count });
    },

    sendTestEvent: async (_: unknown, args: { endpointId: string; payload?: unknown }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", args.endpointId)) return failed(notFound("endpointId", "endpoint"));
      const at = new Date(context.clock.now());
      const body =
        args.payload === undefined || args.payload === null ? defaultTestPayload(args.endpointId, at) : args.payload;
      const payload = Buffer.from(JSON.stringify(body), "utf8");
      if (payload.length > MAX_TEST_PAYLOAD_BYTES) {
        return failed(
          invalid(
            ["payload"],
            `payload is ${payload.length} bytes as JSON; a test event carries at most ${MAX_TEST_PAYLOAD_BYTES} (64 KiB).`,
          ),
        );
      }
      // Like ingest: the endpoint is looked up before the rate limit, so an unknown or disabled one
      // spends no token; the insert checks both again in its own statement.
      const endpoint = await liveEndpoint(context, tenantId, args.endpointId);
      if (!endpoint) return failed(notFound("endpointId", "endpoint"));
      if (endpoint.status === "DISABLED") return failed(endpointDisabled());
      const tenant = await findTenant(context.db, tenantId);
      if (tenant) {
        const admission = await admitTestEvent(context.db, tenant, context.rateBurstSeconds, at.getTime());
        if (admission.outcome === "limited") return failed(rateLimited(admission.retryAfterSeconds));
      }
      const id = newId("event", at.getTime());
      const inserted = await insertTestEvent(context.db, {
        id,
        deliveryId: newId("delivery", at.getTime()),
        tenantId,
        endpointId: args.endpointId,
        payload,
        headers: TEST_EVENT_HEADERS,
        now: at,
      });
      if (inserted.outcome === "not_found") return failed(notFound("endpointId", "endpoint"));
      if (inserted.outcome === "disabled") return failed(endpointDisabled());
      return succeeded({ event: await reread(context, () => context.loaders.event(tenantId).load(id)) });
    },
  },
};
