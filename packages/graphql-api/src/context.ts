import type { Pool } from "@kapsel/db";
import type { Caller } from "./auth/caller.ts";
import { apiError } from "./errors.ts";
import type { Loaders } from "./loaders/loaders.ts";

/** What every resolver gets: the authenticated caller, the database and the request's loaders. */
export interface GraphQLContext {
  caller: Caller;
  db: Pool;
  loaders: Loaders;
}

/** The caller's tenant; the operator key belongs to no tenant, so tenant data is FORBIDDEN to it. */
export function requireTenant(context: GraphQLContext): string {
  if (context.caller.role === "tenant") return context.caller.tenantId;
  throw apiError("FORBIDDEN", "The operator key has no tenant; use a tenant's API key for tenant data.");
}

export function requireOperator(context: GraphQLContext): void {
  if (context.caller.role !== "operator") throw apiError("FORBIDDEN", "Only the operator key may list tenants.");
}
