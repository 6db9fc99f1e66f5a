import { generateApiKey, isId, newId } from "@kapsel/core";
import { withTransaction } from "@kapsel/db";
import { type GraphQLContext, requireOperator, requireTenant } from "../context.ts";
import { conflict, failed, invalid, notFound, succeeded, type UserError } from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { insertApiKey, revokeApiKey } from "../sql/api-keys.ts";
import { insertTenant, type TenantChanges, updateTenant } from "../sql/tenants.ts";

export const ACCESS_LIMITS = {
  apiKeyName: { min: 1, max: 100 },
  tenantName: { min: 1, max: 200 },
  ingestRatePerSecond: { min: 1, max: 1_000_000 },
  ingestRateBurst: { min: 1, max: 1_000_000 },
  retentionDays: { min: 1, max: 3650 },
} as const;

/** The name of the key createTenant makes. */
export const FIRST_KEY_NAME = "default";

function checkName(field: string, value: string, limits: { min: number; max: number }): UserError | null {
  return value.trim().length < limits.min || value.length > limits.max
    ? invalid([field], `${field} must be ${limits.min} to ${limits.max} characters, not only spaces.`)
    : null;
}

function checkInt(field: string, value: number, limits: { min: number; max: number }): UserError | null {
  return !Number.isInteger(value) || value < limits.min || value > limits.max
    ? invalid([field], `${field} must be a whole number from ${limits.min} to ${limits.max}.`)
    : null;
}

const now = (context: GraphQLContext) => new Date(context.clock.now());

// API keys are generated here (192 random bits, stored as SHA-256) and shown once, in the payload
// of the mutation that creates them.
export const accessMutations: ResolverMap = {
  Mutation: {
    createApiKey: async (_: unknown, { name }: { name: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const problem = checkName("name", name, ACCESS_LIMITS.apiKeyName);
      if (problem) return failed(problem);
      const key = generateApiKey();
      const at = now(context);
      const apiKey = await insertApiKey(context.db, {
        id: newId("apiKey", at.getTime()),
        tenantId,
        name,
        key,
        now: at,
      });
      return succeeded({ apiKey, key: key.key });
    },

    revokeApiKey: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("apiKey", id)) return failed(notFound("id", "apiKey"));
      const revoked = await revokeApiKey(context.db, tenantId, id, now(context));
      if (revoked.outcome === "not_found") return failed(notFound("id", "apiKey"));
      if (revoked.outcome === "last_key") {
        return failed(
          conflict(["id"], "This is the tenant's last valid API key; create another one before revoking it."),
        );
      }
      return succeeded({ apiKey: revoked.apiKey });
    },

    createTenant: async (_: unknown, { name }: { name: string }, context: GraphQLContext) => {
      requireOperator(context, "create tenants");
      const problem = checkName("name", name, ACCESS_LIMITS.tenantName);
      if (problem) return failed(problem);
      const key = generateApiKey();
      const at = now(context);
      return withTransaction(context.db, async (client) => {
        const tenant = await insertTenant(client, { id: newId("tenant", at.getTime()), name, now: at });
        const apiKey = await insertApiKey(client, {
          id: newId("apiKey", at.getTime()),
          tenantId: tenant.id,
          name: FIRST_KEY_NAME,
          key,
          now: at,
        });
        return succeeded({ tenant, apiKey, key: key.key });
      });
    },

    updateTenant: async (
      _: unknown,
      args: {
        id: string;
        name?: string | null;
        ingestRatePerSecond?: number | null;
        ingestRateBurst?: number | null;
        retentionDays?: number | null;
      },
      context: GraphQLContext,
    ) => {
      requireOperator(context, "change tenants");
      const errors: UserError[] = [];
      const changes: TenantChanges = {};
      if (args.name === null) errors.push(invalid(["name"], "name cannot be null; omit it to keep the current one."));
      else if (args.name !== undefined) {
        const problem = checkName("name", args.name, ACCESS_LIMITS.tenantName);
        if (problem) errors.push(problem);
        else changes.name = args.name;
      }
      if (args.ingestRatePerSecond === null) changes.ingestRatePerSecond = null;
      else if (args.ingestRatePerSecond !== undefined) {
        const problem = checkInt("ingestRatePerSecond", args.ingestRatePerSecond, ACCESS_LIMITS.ingestRatePerSecond);
        if (problem) errors.push(problem);
        else changes.ingestRatePerSecond = args.ingestRatePerSecond;
      }
      if (args.ingestRateBurst === null) changes.ingestRateBurst = null;
      else if (args.ingestRateBurst !== undefined) {
        const problem = checkInt("ingestRateBurst", args.ingestRateBurst, ACCESS_LIMITS.ingestRateBurst);
        if (problem) errors.push(problem);
        else changes.ingestRateBurst = args.ingestRateBurst;
      }
      if (args.retentionDays === null) {
        errors.push(invalid(["retentionDays"], "retentionDays cannot be null; omit it to keep the current value."));
      } else if (args.retentionDays !== undefined) {
        const problem = checkInt("retentionDays", args.retentionDays, ACCESS_LIMITS.retentionDays);
        if (problem) errors.push(problem);
        else changes.retentionDays = args.retentionDays;
      }
      if (errors.length > 0) return failed(...errors);
      const tenant = isId("tenant", args.id) ? await updateTenant(context.db, args.id, changes, now(context)) : null;
      return tenant ? succeeded({ tenant }) : failed(notFound("id", "tenant"));
    },
  },
};
