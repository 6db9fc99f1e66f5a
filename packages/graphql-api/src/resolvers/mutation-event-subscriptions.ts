import { isId, newId } from "@kapsel/core";
import { compileSubscription, type SubscriptionError } from "@kapsel/routing";
import { type GraphQLContext, requireTenant } from "../context.ts";
import {
  failed,
  invalid,
  invalidSubscription,
  limitReached,
  notFound,
  succeeded,
  type UserError,
} from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import {
  deleteEventSubscription,
  type EventSubscriptionDefinition,
  insertEventSubscription,
  lockEventSubscription,
  lockedSubscriptionCount,
  lockLiveEndpoint,
  lockLiveSources,
  MAX_SUBSCRIPTIONS_PER_TENANT,
  saveEventSubscription,
} from "../sql/event-subscriptions.ts";

export const EVENT_SUBSCRIPTION_LIMITS = { description: { max: 2000 }, sourceIds: { max: 100 } } as const;

interface CreateInput {
  endpointId: string;
  sourceIds?: string[] | null;
  typePatterns: string[];
  filter?: unknown;
  description?: string | null;
}

interface UpdateInput {
  sourceIds?: string[] | null;
  typePatterns?: string[] | null;
  filter?: unknown;
  description?: string | null;
}

const now = (context: GraphQLContext) => new Date(context.clock.now());

/** RFC 6901 pointer -> its reference tokens: `/a~1b/$gt` -> ["a/b", "$gt"]. */
function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** One INVALID_SUBSCRIPTION per problem compileSubscription found, each with the path to it under `input`. */
function subscriptionErrors(errors: readonly SubscriptionError[]): UserError[] {
  return errors.map((e) => {
    if (e.field === "typePatterns") {
      const at = e.index >= 0 ? ["input", "typePatterns", String(e.index)] : ["input", "typePatterns"];
      return invalidSubscription(at, `${e.message}.`);
    }
    if (e.field === "filter")
      return invalidSubscription(["input", "filter", ...pointerTokens(e.path)], `${e.message}.`);
    return invalidSubscription(["input", "sourceIds"], `${e.message}.`);
  });
}

/**
 * Checks a complete definition: the listed sources are the tenant's live ones (locked until the
 * transaction ends), and @kapsel/routing compiles it (patterns, filter). `checkSources` is false
 * when an update keeps the stored list. Every problem is reported.
 */
async function checkDefinition(
  context: GraphQLContext,
  tenantId: string,
  endpointId: string,
  definition: EventSubscriptionDefinition,
  checkSources: boolean,
): Promise<UserError[]> {
  const errors: UserError[] = [];
  const { sourceIds } = definition;
  if (checkSources && sourceIds !== null) {
    if (sourceIds.length > EVENT_SUBSCRIPTION_LIMITS.sourceIds.max) {
      errors.push(
        invalid(
          ["input", "sourceIds"],
          `A subscription lists at most ${EVENT_SUBSCRIPTION_LIMITS.sourceIds.max} sources; omit sourceIds for all of them.`,
        ),
      );
    } else {
      const wellFormed = sourceIds.filter((id) => isId("source", id));
      const live = wellFormed.length > 0 ? await lockLiveSources(context.db, tenantId, wellFormed) : new Set();
      sourceIds.forEach((id, index) => {
        if (!live.has(id)) errors.push(notFound(["input", "sourceIds", String(index)], "source"));
      });
    }
  }
  const compiled = compileSubscription({
    id: "sub_check",
    endpointId,
    sourceIds: sourceIds ?? "all",
    typePatterns: definition.typePatterns,
    filter: definition.filter,
  });
  if (!compiled.ok) errors.push(...subscriptionErrors(compiled.errors));
  if (definition.description.length > EVENT_SUBSCRIPTION_LIMITS.description.max) {
    errors.push(
      invalid(
        ["input", "description"],
        `description has at most ${EVENT_SUBSCRIPTION_LIMITS.description.max} characters.`,
      ),
    );
  }
  return errors;
}

/** What is stored: the source list without repeats, the patterns de-duplicated as compiled, the filter as given. */
function normalized(definition: EventSubscriptionDefinition): EventSubscriptionDefinition {
  return {
    ...definition,
    sourceIds: definition.sourceIds === null ? null : [...new Set(definition.sourceIds)],
    typePatterns: [...new Set(definition.typePatterns)],
  };
}

// Every problem with the input is reported at once; a payload with user errors changed nothing
// (the audited transaction rolls back). Each write bumps the tenant's routing_version by trigger.
export const eventSubscriptionMutations: ResolverMap = {
  Mutation: {
    createEventSubscription: async (_: unknown, { input }: { input: CreateInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const errors: UserError[] = [];
      const endpointFound =
        isId("endpoint", input.endpointId) && (await lockLiveEndpoint(context.db, tenantId, input.endpointId));
      if (!endpointFound) errors.push(notFound(["input", "endpointId"], "endpoint"));
      const definition: EventSubscriptionDefinition = {
        description: input.description ?? "",
        sourceIds: input.sourceIds ?? null,
        typePatterns: input.typePatterns,
        filter: input.filter ?? null,
      };
      errors.push(...(await checkDefinition(context, tenantId, input.endpointId, definition, true)));
      if (errors.length > 0) return failed(...errors);
      if ((await lockedSubscriptionCount(context.db, tenantId)) >= MAX_SUBSCRIPTIONS_PER_TENANT) {
        return failed(
          limitReached(
            null,
            `A tenant has at most ${MAX_SUBSCRIPTIONS_PER_TENANT} subscriptions; delete one first, or widen an existing one (more sources or type patterns).`,
            MAX_SUBSCRIPTIONS_PER_TENANT,
          ),
        );
      }
      const at = now(context);
      const eventSubscription = await insertEventSubscription(context.db, {
        id: newId("subscription", at.getTime()),
        tenantId,
        endpointId: input.endpointId,
        ...normalized(definition),
        now: at,
      });
      return succeeded({ eventSubscription });
    },

    // Omitted fields keep their value; `sourceIds: null` means every source, `filter: null` removes the filter.
    updateEventSubscription: async (
      _: unknown,
      { id, input }: { id: string; input: UpdateInput },
      context: GraphQLContext,
    ) => {
      const tenantId = requireTenant(context);
      const current = isId("subscription", id) ? await lockEventSubscription(context.db, tenantId, id) : null;
      if (!current) return failed(notFound("id", "subscription"));
      const sourcesGiven = input.sourceIds !== undefined;
      const definition: EventSubscriptionDefinition = {
        description: input.description ?? current.description,
        sourceIds: sourcesGiven ? (input.sourceIds ?? null) : current.sourceIds,
        typePatterns: input.typePatterns ?? current.typePatterns,
        filter: input.filter !== undefined ? input.filter : current.filter,
      };
      const errors = await checkDefinition(context, tenantId, current.endpointId, definition, sourcesGiven);
      if (errors.length > 0) return failed(...errors);
      const eventSubscription = await saveEventSubscription(
        context.db,
        tenantId,
        id,
        normalized(definition),
        now(context),
      );
      return eventSubscription ? succeeded({ eventSubscription }) : failed(notFound("id", "subscription"));
    },

    // Deliveries it routed keep its id (deliveries.subscription_id has no foreign key); Delivery.subscription is null then.
    deleteEventSubscription: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const deleted = isId("subscription", id) && (await deleteEventSubscription(context.db, tenantId, id));
      return deleted ? succeeded({ deletedEventSubscriptionId: id }) : failed(notFound("id", "subscription"));
    },
  },
};
