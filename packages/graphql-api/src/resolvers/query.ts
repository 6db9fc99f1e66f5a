import { toBase64 } from "@kapsel/attestation";
import { buildConsistencyProof } from "@kapsel/attestation-log";
import { isId } from "@kapsel/core";
import { latestTreeHead, treeHeadAt } from "@kapsel/db";
import { type GraphQLContext, requireOperator, requireTenant } from "../context.ts";
import { apiError } from "../errors.ts";
import { fromEnum } from "../models.ts";
import { EMPTY_PAGE, parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { listApiKeys } from "../sql/api-keys.ts";
import { listEvents } from "../sql/events.ts";
import { findTenant, listTenants } from "../sql/tenants.ts";
import { receiptOf, toCheckpoint } from "./receipts.ts";

interface PageInput {
  first?: number | null;
  after?: string | null;
}

interface EventFilterInput {
  status?: string | null;
  endpointId?: string | null;
  receivedAfter?: Date | null;
  receivedBefore?: Date | null;
}

// Ids are checked for shape before any query: junk answers null exactly like an unknown id, and
// so does another tenant's id, because every lookup is scoped to the caller's tenant in SQL.
export const queryResolvers: ResolverMap = {
  Query: {
    viewer: async (_: unknown, __: unknown, context: GraphQLContext) => {
      const tenant = await findTenant(context.db, requireTenant(context));
      if (!tenant) throw apiError("UNAUTHENTICATED", "The API key's tenant no longer exists.");
      return tenant;
    },

    endpoints: async (_: unknown, args: PageInput & { status?: string | null }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const page = parsePageArgs("endpoints", args);
      const query = { ...page, status: args.status ? fromEnum(args.status) : null };
      return toConnection("endpoints", await context.loaders.endpointPages(query).load(tenantId));
    },

    // Deleted endpoints are gone for lookups by id; their events and attempts still point at them.
    endpoint: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const endpoint = isId("endpoint", id) ? await context.loaders.endpoint(tenantId).load(id) : null;
      return endpoint && !endpoint.deleted ? endpoint : null;
    },

    events: async (_: unknown, args: PageInput & { filter?: EventFilterInput | null }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const page = parsePageArgs("events", args);
      const filter = args.filter ?? {};
      if (filter.endpointId != null && !isId("endpoint", filter.endpointId)) return toConnection("events", EMPTY_PAGE);
      const events = await listEvents(context.db, tenantId, {
        ...page,
        status: filter.status ? fromEnum(filter.status) : null,
        endpointId: filter.endpointId ?? null,
        receivedAfter: filter.receivedAfter ?? null,
        receivedBefore: filter.receivedBefore ?? null,
      });
      return toConnection("events", events);
    },

    event: (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return isId("event", id) ? context.loaders.event(tenantId).load(id) : null;
    },

    delivery: (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return isId("delivery", id) ? context.loaders.delivery(tenantId).load(id) : null;
    },

    attempt: (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return isId("attempt", id) ? context.loaders.attempt(tenantId).load(id) : null;
    },

    receipt: async (_: unknown, { attemptId }: { attemptId: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("attempt", attemptId)) return null;
      const attempt = await context.loaders.attempt(tenantId).load(attemptId);
      if (!attempt) return null;
      const built = await receiptOf(context, tenantId, attemptId);
      if (built.outcome === "receipt") return built.receipt;
      throw apiError("RECEIPT_PENDING", "The attempt is recorded but not yet in a signed checkpoint. Retry shortly.", {
        retryAfterSeconds: 10,
      });
    },

    // The log itself is public (docs/receipts.md): any authenticated caller may read it.
    checkpoint: async (_: unknown, { treeSize }: { treeSize?: number | null }, context: GraphQLContext) => {
      const head = treeSize == null ? await latestTreeHead(context.db) : await treeHeadAt(context.db, treeSize);
      return head ? toCheckpoint(head) : null;
    },

    consistencyProof: async (_: unknown, { from, to }: { from: number; to: number }, context: GraphQLContext) => {
      const built = await buildConsistencyProof(context.db, from, to);
      if (built.outcome === "invalid") throw apiError("BAD_USER_INPUT", `Cannot prove consistency: ${built.reason}.`);
      return { from: built.from, to: built.to, proof: built.proof.map(toBase64) };
    },

    tenants: async (_: unknown, args: PageInput, context: GraphQLContext) => {
      requireOperator(context);
      return toConnection("tenants", await listTenants(context.db, parsePageArgs("tenants", args)));
    },

    apiKeys: async (_: unknown, args: PageInput, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      return toConnection("apiKeys", await listApiKeys(context.db, tenantId, parsePageArgs("apiKeys", args)));
    },
  },
};
