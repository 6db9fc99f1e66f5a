/** TypeScript shapes of the schema parts the console selects (packages/graphql-api/schema.graphql). */

export type EndpointStatus = "ACTIVE" | "PAUSED" | "DISABLED";
export type BreakerState = "CLOSED" | "OPEN" | "HALF_OPEN";
export type EventStatus = "RECEIVED" | "PENDING" | "DELIVERING" | "DELIVERED" | "FAILED";
export type AttemptResult = "SUCCESS" | "RETRYABLE_FAILURE" | "PERMANENT_FAILURE";
export type PayloadEncoding = "UTF8" | "BASE64";
export type SourceScheme = "NONE" | "STANDARD_WEBHOOKS" | "GITHUB" | "STRIPE" | "SHOPIFY" | "HMAC_SHA256";

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export interface EndpointStats {
  windowHours: number;
  total: number;
  succeeded: number;
  retryableFailures: number;
  permanentFailures: number;
  successRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  /** One bucket per hour of the window, oldest first. */
  hourly: StatsBucket[];
}

export interface StatsBucket {
  start: string;
  total: number;
  succeeded: number;
  failed: number;
}

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  at: string;
}

export interface CircuitBreaker {
  state: BreakerState;
  windowStartedAt: string;
  windowSuccesses: number;
  windowFailures: number;
  openedAt: string | null;
  nextProbeAt: string | null;
  cooldownMs: number;
  transitions: BreakerTransition[];
}

export interface EndpointSummary {
  id: string;
  name: string;
  url: string;
  status: EndpointStatus;
  disabledReason: string | null;
  circuitBreaker: { state: BreakerState };
  stats: EndpointStats;
}

export interface EndpointSettings {
  id: string;
  name: string;
  url: string;
  status: EndpointStatus;
  disabledReason: string | null;
  sourceScheme: SourceScheme;
  sourceHeader: string | null;
  sourceEncoding: string | null;
  sourcePrefix: string | null;
  sourceToleranceSeconds: number;
  signingRotationEndsAt: string | null;
  sourceRotationEndsAt: string | null;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxInFlight: number;
  retryableStatuses: number[];
  retryAllClientErrors: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EventSummary {
  id: string;
  /** The event type (docs/routing.md), e.g. `push`; `unknown` when none could be derived. */
  type: string;
  status: EventStatus;
  receivedAt: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export interface EndpointDetail extends EndpointSettings {
  circuitBreaker: CircuitBreaker;
  stats: EndpointStats;
  events: Connection<EventSummary>;
  eventSubscriptions: Connection<EndpointSubscription>;
}

export interface Attempt {
  id: string;
  attemptNumber: number;
  startedAt: string;
  durationMs: number;
  requestUrl: string;
  responseStatus: number | null;
  responseBody: string | null;
  responseBodyEncoding: PayloadEncoding | null;
  responseBodyTruncated: boolean;
  result: AttemptResult;
  errorClass: string | null;
  errorMessage: string | null;
  leafIndex: number | null;
}

/** Where a delivery is: the same lifecycle words as events (DeliveryStatus in the schema). */
export type DeliveryStatus = EventStatus;

/** The event fields that change while it is delivered (the replay mutation's answer). */
export interface EventState {
  id: string;
  status: EventStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

/** A delivery's fields that change while it is delivered (sent along with live attempts). */
export interface DeliveryState {
  id: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

/** One event to one endpoint, as the event page reads it. */
export interface EventDelivery extends DeliveryState {
  endpoint: { id: string; name: string; url: string; disabledReason: string | null };
  attempts: { edges: { node: Attempt }[]; pageInfo: { hasNextPage: boolean } };
}

/**
 * The event page's event. It reads no `Event.endpoint` and no event-level state: an event goes to
 * any number of endpoints (its deliveries, read with EVENT_DELIVERIES), or to none.
 */
export interface EventDetail {
  id: string;
  receivedAt: string;
  payloadSha256: string;
  payloadSize: number;
  contentType: string | null;
  payload: string | null;
  payloadEncoding: PayloadEncoding | null;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  /** W3C trace id of the ingest request, when tracing was on. */
  traceId: string | null;
  /** The event type (docs/routing.md); `unknown` when none could be derived. */
  type: string;
  /** The source it came in through; null for events without one (none today). */
  source: { id: string; name: string } | null;
  /** Only the ids: how many deliveries there are decides how many attempts of each to read. */
  deliveries: { id: string }[];
}

export interface UserError {
  code:
    | "VALIDATION"
    | "URL_NOT_ALLOWED"
    | "NOT_FOUND"
    | "CONFLICT"
    | "RATE_LIMITED"
    | "UNVERIFIED_SOURCE"
    | "INVALID_SUBSCRIPTION"
    | "LIMIT_REACHED";
  message: string;
  field: string[] | null;
}

/** A subscription as the endpoint page shows it (docs/routing.md, "Subscriptions"). */
export interface EndpointSubscription {
  id: string;
  allSources: boolean;
  /** null: every source of the tenant. */
  sources: { id: string; name: string }[] | null;
  typePatterns: string[];
  filter: unknown;
  description: string;
}

/** A source a subscription may take events from. */
export interface SourceOption {
  id: string;
  name: string;
}
