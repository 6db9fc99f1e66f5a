import type { GraphQLContext } from "../context.ts";
import { type AttemptModel, type DeliveryModel, type EventModel, fromEnum } from "../models.ts";
import { parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { receiptOf } from "./receipts.ts";

/** A parent's own row that must exist (same tenant, foreign key): its absence is a bug, not "not found". */
function present<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is missing`);
  return value;
}

export const eventAttemptResolvers: ResolverMap = {
  Event: {
    // Published and system events came in through no endpoint.
    endpoint: async (event: EventModel, _: unknown, context: GraphQLContext) =>
      event.endpointId === null
        ? null
        : present(await context.loaders.endpoint(event.tenantId).load(event.endpointId), `endpoint of ${event.id}`),

    // Both charge the answer's byte budget before anything is read (limits/response-bytes.ts).
    payload: async (event: EventModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.payload(event, "copy"))?.text ?? null,

    payloadEncoding: async (event: EventModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.payload(event, "read"))?.encoding ?? null,

    attempts: async (
      event: EventModel,
      args: { first?: number | null; after?: string | null; result?: string | null },
      context: GraphQLContext,
    ) => {
      const query = { ...parsePageArgs("attempts", args), result: args.result ? fromEnum(args.result) : null };
      return toConnection("attempts", await context.loaders.attemptPages(event.tenantId, query).load(event.id));
    },

    deliveries: async (event: EventModel, args: { first?: number | null }, context: GraphQLContext) => {
      const { first } = parsePageArgs("deliveries", args);
      return context.loaders.deliveriesOfEvent(event.tenantId, first).load(event.id);
    },
  },

  Delivery: {
    event: async (delivery: DeliveryModel, _: unknown, context: GraphQLContext) =>
      present(await context.loaders.event(delivery.tenantId).load(delivery.eventId), `event of ${delivery.id}`),

    endpoint: async (delivery: DeliveryModel, _: unknown, context: GraphQLContext) =>
      present(
        await context.loaders.endpoint(delivery.tenantId).load(delivery.endpointId),
        `endpoint of ${delivery.id}`,
      ),

    // Null when no subscription routed it, or the subscription was deleted since.
    subscription: (delivery: DeliveryModel, _: unknown, context: GraphQLContext) =>
      delivery.subscriptionId === null
        ? null
        : context.loaders.eventSubscription(delivery.tenantId).load(delivery.subscriptionId),

    attempts: async (
      delivery: DeliveryModel,
      args: { first?: number | null; after?: string | null; result?: string | null },
      context: GraphQLContext,
    ) => {
      const query = { ...parsePageArgs("attempts", args), result: args.result ? fromEnum(args.result) : null };
      const page = await context.loaders.attemptPages(delivery.tenantId, query, "delivery_id").load(delivery.id);
      return toConnection("attempts", page);
    },
  },

  DeliveryAttempt: {
    responseBody: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.responseBody(attempt, "copy"))?.text ?? null,

    responseBodyEncoding: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.responseBody(attempt, "read"))?.encoding ?? null,

    event: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      present(await context.loaders.event(attempt.tenantId).load(attempt.eventId), `event of ${attempt.id}`),

    delivery: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      present(await context.loaders.delivery(attempt.tenantId).load(attempt.deliveryId), `delivery of ${attempt.id}`),

    endpoint: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      present(await context.loaders.endpoint(attempt.tenantId).load(attempt.endpointId), `endpoint of ${attempt.id}`),

    leafIndex: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) =>
      (await context.loaders.leaf(attempt.tenantId).load(attempt.id))?.leafIndex ?? null,

    receipt: async (attempt: AttemptModel, _: unknown, context: GraphQLContext) => {
      const built = await receiptOf(context, attempt.tenantId, attempt.id);
      return built.outcome === "receipt" ? built.receipt : null;
    },
  },
};
