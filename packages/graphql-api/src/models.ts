// What resolvers pass around: rows mapped to the schema's shapes. Every model of tenant data keeps
// its tenantId so that nested fields query within the same tenant as their parent.

export type PayloadEncoding = "UTF8" | "BASE64";

export interface TenantModel {
  id: string;
  sortAt: string;
  name: string;
  ingestRatePerSecond: number | null;
  ingestRateBurst: number | null;
  retentionDays: number;
  createdAt: Date;
}

export interface EndpointModel {
  id: string;
  tenantId: string;
  sortAt: string;
  name: string;
  url: string;
  status: string;
  disabledReason: string | null;
  /** Deleted by deleteEndpoint: hidden from lists and lookups by id, still reachable from its events. */
  deleted: boolean;
  /** The inbound source that feeds it (decision 0027); the source* fields below are that source's. */
  sourceId: string | null;
  sourceScheme: string;
  sourceHeader: string | null;
  sourceEncoding: string | null;
  sourcePrefix: string | null;
  sourceToleranceSeconds: number;
  signingRotationEndsAt: Date | null;
  sourceRotationEndsAt: Date | null;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxInFlight: number;
  retryableStatuses: number[];
  retryAllClientErrors: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Where events come from (decision 0027): an inbound source verifies what is posted to its URL. */
export interface SourceModel {
  id: string;
  tenantId: string;
  sortAt: string;
  kind: string;
  name: string;
  scheme: string;
  header: string | null;
  encoding: string | null;
  prefix: string | null;
  toleranceSeconds: number;
  typeHeader: string | null;
  typePointer: string | null;
  rotationEndsAt: Date | null;
  /** The endpoint it feeds directly (until subscriptions exist). */
  endpointId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EventModel {
  id: string;
  tenantId: string;
  /** The endpoint whose source it came in through; null for published and system events. */
  endpointId: string | null;
  sourceId: string;
  type: string;
  sortAt: string;
  status: string;
  receivedAt: Date;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  payloadSha256: string;
  payloadSize: number;
  /**
   * Bytes of the payload as stored (`octet_length`, which reads no TOASTed data): what reading it
   * costs, known before it is read. Null once retention purged it.
   */
  payloadStoredBytes: number | null;
  contentType: string | null;
  headers: unknown;
  idempotencyKey: string | null;
  /** W3C trace id of the ingest request, when tracing was on. */
  traceId: string | null;
}

/** One event x one endpoint: the delivery state (decision 0024). */
export interface DeliveryModel {
  id: string;
  tenantId: string;
  eventId: string;
  endpointId: string;
  /** The subscription that routed it; null when none did (a test event, a replay of history). */
  subscriptionId: string | null;
  status: string;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AttemptModel {
  id: string;
  tenantId: string;
  eventId: string;
  deliveryId: string;
  endpointId: string;
  sortAt: string;
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  requestUrl: string;
  requestHeaders: unknown;
  responseStatus: number | null;
  responseHeaders: unknown;
  /** Bytes of the stored response body, read on demand like payloads (null: none, or purged). */
  responseBodyStoredBytes: number | null;
  responseBodyTruncated: boolean;
  result: string;
  errorClass: string | null;
  errorMessage: string | null;
}

export interface BreakerModel {
  tenantId: string;
  endpointId: string;
  state: string;
  windowStartedAt: Date;
  windowSuccesses: number;
  windowFailures: number;
  openedAt: Date | null;
  nextProbeAt: Date | null;
  cooldownMs: number;
}

export interface ApiKeyModel {
  id: string;
  tenantId: string;
  sortAt: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface TransitionModel {
  from: string;
  to: string;
  reason: string;
  at: Date;
}

export interface StatsModel {
  /** Whose statistics: what `hourly` loads by. */
  tenantId: string;
  endpointId: string;
  windowHours: number;
  since: Date;
  total: number;
  succeeded: number;
  retryableFailures: number;
  permanentFailures: number;
  successRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

export interface StatsBucketModel {
  start: Date;
  total: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  p95LatencyMs: number | null;
}

export interface LeafModel {
  attemptId: string;
  leafIndex: number;
  leaf: Buffer;
}

/** Database enum value -> GraphQL enum value: `half_open` -> `HALF_OPEN`, `standard-webhooks` -> `STANDARD_WEBHOOKS`. */
export const toEnum = (value: string): string => value.replace(/-/g, "_").toUpperCase();

/** GraphQL enum value -> database enum value, for the enums whose database values use underscores. */
export const fromEnum = (value: string): string => value.toLowerCase();

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A byte string as a String field gives it. */
export interface EncodedBytes {
  text: string;
  encoding: PayloadEncoding;
}

/** Bytes as text when they are valid UTF-8, else base64: readable when possible, lossless always. */
export function encodeBytes(bytes: Buffer | null): EncodedBytes | null {
  if (bytes === null) return null;
  try {
    return { text: strictUtf8.decode(bytes), encoding: "UTF8" };
  } catch {
    return { text: bytes.toString("base64"), encoding: "BASE64" };
  }
}
