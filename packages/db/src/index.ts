export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./embedded-postgres.ts";
export { ListenConnection, type ListenConnectionOptions } from "./listen-connection.ts";
export { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrations } from "./migrations-on-disk.ts";
export { type MigrateResult, migrate, pendingMigrations } from "./migrator.ts";
export { createPool, isReachable, type Pool, type PoolClient, type PoolOptions, withTransaction } from "./pool.ts";
export { createPrismaClient, type PrismaClient } from "./prisma-client.ts";
export {
  type AttestationKeyRow,
  listAttestationKeys,
  registerSigningKey,
} from "./sql/attestation-keys.ts";
export {
  addBreakerSuccesses,
  deferPendingDeliveries,
  insertBreakerTransitions,
  lockBreakers,
  saveBreakers,
} from "./sql/breaker-rows.ts";
export { type ClaimedDelivery, type ClaimRequest, claimDueDeliveries } from "./sql/claim-due-deliveries.ts";
export {
  type DisabledEndpoint,
  disableEndpoints,
  type EndpointToDisable,
} from "./sql/disable-endpoints.ts";
export { type FailingEndpoint, trackEndpointHealth } from "./sql/endpoint-health.ts";
export { type EndpointStatusResult, setEndpointStatus } from "./sql/endpoint-status.ts";
export { findTenantByKeyHash } from "./sql/find-api-key.ts";
export { type CatalogType, findCatalogType } from "./sql/find-catalog-type.ts";
export { findIdempotentEvents, type IdempotencyLookup, idempotencyMapKey } from "./sql/find-idempotent-events.ts";
export { findIngestSource, findIngestSourceByEndpoint, type IngestSource } from "./sql/find-ingest-source.ts";
export { findPublishSource, type PublishSource } from "./sql/find-publish-source.ts";
export { findSourceRoutes, type SourceRoutes, type StoredSubscription } from "./sql/find-source-routes.ts";
export {
  IDEMPOTENCY_WINDOW_MS,
  type InsertedEvents,
  insertEvents,
  type NewDelivery,
  type NewEvent,
} from "./sql/insert-events.ts";
export { type LeasedRateTokens, leaseRateTokens, type RateTokenLease } from "./sql/lease-rate-tokens.ts";
export {
  appendLeaves,
  type CommittedLeaf,
  findCommittedLeaf,
  isLeafPending,
  type PendingLeaf,
  pendingLeafBacklog,
  takePendingLeaves,
} from "./sql/merkle-leaves.ts";
export { insertMerkleNodes, type MerkleNodeRow, readMerkleNodes } from "./sql/merkle-nodes.ts";
export {
  type BreakerCounts,
  countNonClosedBreakers,
  oldestPendingLeafAt,
  type QueueGauges,
  readQueueGauges,
} from "./sql/metrics-gauges.ts";
export { recordObservedEventTypes } from "./sql/observed-event-types.ts";
export { type AttemptRecord, type RecordedAttempts, recordAttempts } from "./sql/record-attempts.ts";
export { releaseClaims } from "./sql/release-claims.ts";
export {
  findPurgedEvents,
  type ReplayedFailed,
  type ReplayManyResult,
  type ReplayResult,
  replayEvent,
  replayFailedEvents,
} from "./sql/replay-events.ts";
export { requeueExpiredLeases } from "./sql/requeue-expired-leases.ts";
export {
  type BacklogEvent,
  claimRoutingBacklog,
  finishRouting,
  lockRoutingVersions,
  type RoutedDeliveryRow,
  readRoutingBacklogDepth,
} from "./sql/routing-backlog.ts";
export {
  type ResealResult,
  resealStoredSecrets,
  SEALED_SECRET_COLUMNS,
  type SecretRewriter,
} from "./sql/stored-secrets.ts";
export { insertTreeHead, latestTreeHead, type TreeHead, treeHeadAt } from "./sql/tree-heads.ts";
export { undeferPendingDeliveries } from "./sql/undefer-deliveries.ts";
