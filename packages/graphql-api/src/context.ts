import type { Clock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import type { DeliveryAdmin } from "@kapsel/delivery";
import type { SsrfPolicy } from "@kapsel/delivery-http";
import type { SecretSealer } from "@kapsel/secrets";
import type { Caller } from "./auth/caller.ts";
import { apiError } from "./errors.ts";
import type { LiveUpdates } from "./live/live-updates.ts";
import type { Loaders } from "./loaders/loaders.ts";
import type { LogStateCache } from "./loaders/log-state-cache.ts";
import type { TenantRequestSession } from "./tenancy/request-session.ts";

/** What every resolver gets: the authenticated caller, the database, the request's loaders, and what mutations use. */
export interface GraphQLContext {
  caller: Caller;
  db: Pool;
  loaders: Loaders;
  /** The log's latest checkpoint and keys, shared by the process's requests (receipts). */
  logState: LogStateCache;
  /** Replay and breaker operations, tenant-scoped (packages/delivery). */
  admin: DeliveryAdmin;
  /** Where endpoint URLs may point: the same policy the delivery workers enforce. */
  ssrfPolicy: SsrfPolicy;
  /** Seals the secrets mutations store (public key only: the API cannot open what it wrote). */
  secretSealer: SecretSealer;
  clock: Clock;
  /**
   * INGEST_RATE_BURST_SECONDS: a rate-limited tenant's bucket size in seconds of its rate, for the
   * test events that spend its ingest rate limit (the same setting as ingest's).
   */
  rateBurstSeconds: number;
  /** The process's LISTEN connection, which subscriptions register with. */
  live: LiveUpdates;
  /** A tenant's request under row-level security: behind `db`; query operations pin it (one read-only transaction). */
  session: TenantRequestSession | null;
}

/** The caller's tenant; the operator key belongs to no tenant, so tenant data is FORBIDDEN to it. */
export function requireTenant(context: GraphQLContext): string {
  if (context.caller.role === "tenant") return context.caller.tenantId;
  throw apiError("FORBIDDEN", "The operator key has no tenant; use a tenant's API key for tenant data.");
}

export function requireOperator(context: GraphQLContext, what = "list tenants"): void {
  if (context.caller.role !== "operator") throw apiError("FORBIDDEN", `Only the operator key may ${what}.`);
}
