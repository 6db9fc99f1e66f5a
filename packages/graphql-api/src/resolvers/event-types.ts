import { isId } from "@kapsel/core";
import { isValidEventTypeName, MAX_EVENT_TYPE_NAME_LENGTH } from "@kapsel/routing";
import { type GraphQLContext, requireTenant } from "../context.ts";
import { apiError } from "../errors.ts";
import { toEnum } from "../models.ts";
import { parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { type EventTypeModel, eventTypeByName, listEventTypes } from "../sql/event-types.ts";

interface EventTypesArgs {
  first?: number | null;
  after?: string | null;
  includeArchived?: boolean | null;
  namePrefix?: string | null;
}

// The event-type catalog (docs/routing.md, "Event-type catalog"). Like every tenant read, lookups
// are scoped to the caller's tenant in SQL and by row-level security: another tenant's id or name
// answers null, exactly like one that does not exist.
export const eventTypeResolvers: ResolverMap = {
  Query: {
    eventTypes: async (_: unknown, args: EventTypesArgs, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const page = parsePageArgs("eventTypes", args);
      const namePrefix = args.namePrefix ?? null;
      if (namePrefix !== null && namePrefix.length > MAX_EVENT_TYPE_NAME_LENGTH) {
        throw apiError("BAD_USER_INPUT", `namePrefix has at most ${MAX_EVENT_TYPE_NAME_LENGTH} characters.`);
      }
      const types = await listEventTypes(context.db, tenantId, {
        ...page,
        includeArchived: args.includeArchived ?? false,
        namePrefix,
      });
      return toConnection("eventTypes", types);
    },

    eventType: async (
      _: unknown,
      { id, name }: { id?: string | null; name?: string | null },
      context: GraphQLContext,
    ) => {
      const tenantId = requireTenant(context);
      if ((id == null) === (name == null)) throw apiError("BAD_USER_INPUT", "Give exactly one of id and name.");
      if (id != null) return isId("eventType", id) ? context.loaders.eventType(tenantId).load(id) : null;
      return isValidEventTypeName(name) ? eventTypeByName(context.db, tenantId, name) : null;
    },
  },
  EventType: {
    archived: (eventType: EventTypeModel) => eventType.archivedAt !== null,
    origin: (eventType: EventTypeModel) => toEnum(eventType.origin),
    schema: (eventType: EventTypeModel, _: unknown, context: GraphQLContext) =>
      context.loaders.eventTypeSchema(eventType),
  },
};
