export type { AdmissionSettings } from "./admission.ts";
export { type CommitOutcome, commitEvents } from "./commit-events.ts";
export { EndpointCache } from "./endpoint-cache.ts";
export {
  createIngestServer,
  INGEST_ABUSE_DEFAULTS,
  type IngestServer,
  type IngestServerOptions,
} from "./ingest-server.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export type { UnverifiedLimit } from "./unverified-senders.ts";
