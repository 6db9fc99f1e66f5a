export type { AdmissionSettings } from "./admission.ts";
export { type CommitOutcome, commitEvents } from "./commit-events.ts";
export {
  createIngestServer,
  DEFAULT_ROUTING_INLINE_MAX,
  INGEST_ABUSE_DEFAULTS,
  type IngestServer,
  type IngestServerOptions,
} from "./ingest-server.ts";
export {
  type FlushTimer,
  OBSERVED_TYPES_DEFAULTS,
  ObservedTypes,
  type ObservedTypesOptions,
} from "./observed-types.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export { SourceCache } from "./source-cache.ts";
export type { UnverifiedLimit } from "./unverified-senders.ts";
