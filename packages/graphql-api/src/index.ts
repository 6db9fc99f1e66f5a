// Re-exported so that apps/api can build the policy from DELIVERY_ALLOW_ADDRESSES without depending
// on the delivery packages itself.
export { type CreateSsrfPolicyResult, createSsrfPolicy, type SsrfPolicy } from "@kapsel/delivery-http";
export type { Caller } from "./auth/caller.ts";
export { isOperatorKey } from "./auth/operator-key.ts";
export type { GraphQLContext } from "./context.ts";
export { GRAPHQL_ERROR_CODES, type GraphQLErrorCode } from "./errors.ts";
export {
  createGraphQLApi,
  DEFAULT_HEAVY_RESPONSE_BYTES,
  DEFAULT_HEAVY_RESPONSES_CONCURRENCY,
  DEFAULT_HEAVY_RESPONSES_WAIT_MS,
  DEFAULT_RESPONSE_BYTE_BUDGET,
  type GraphQLApi,
  type GraphQLApiOptions,
} from "./graphql-api.ts";
export { type GraphQLHttpHandler, MAX_GRAPHQL_BODY_BYTES } from "./http/graphql-http.ts";
export { HeavyResponseSlots, type ReleaseSlot, type WaitTimer } from "./limits/heavy-responses.ts";
export { type CostModel, DEFAULT_COST_MODEL, type Measure, measureOperation } from "./limits/measure.ts";
export {
  ATTEMPTS_CHANNEL,
  BREAKERS_CHANNEL,
  LIVE_UPDATES_APPLICATION_NAME,
  LiveUpdates,
} from "./live/live-updates.ts";
export { decodeCursor, encodeCursor, MAX_PAGE_SIZE } from "./pagination.ts";
export { readSchemaSdl, SCHEMA_FILE } from "./schema/build-schema.ts";
export {
  checkDatabaseRole,
  type DatabaseRoleCheck,
  DatabaseRoleError,
  DEFAULT_DATABASE_ROLE,
} from "./tenancy/caller-database.ts";
export { TENANT_SETTING, type TenantScope, tenantScopedPool } from "./tenancy/tenant-pool.ts";
export type { GraphQLWebSocketHandler } from "./ws/graphql-ws.ts";
