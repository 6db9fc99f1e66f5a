/** Read operations. Every one is named: the API logs operation names and tests match on them. */
import { ATTEMPT_FIELDS, DELIVERY_STATE_FIELDS, ENDPOINT_SETTINGS_FIELDS, STATS_FIELDS } from "./fragments.ts";
import type { Connection, EndpointDetail, EndpointSummary, EventDelivery, EventDetail, SourceOption } from "./types.ts";

export const VIEWER = `query Viewer { viewer { id name } }`;
export interface ViewerData {
  /** Null (with an error) for a key that has no tenant. Root fields are nullable (decision 0019). */
  viewer: { id: string; name: string } | null;
}

export const ENDPOINTS_PAGE_SIZE = 25;
export const ENDPOINTS_LIST = `query EndpointsList($first: Int!, $after: String) {
  endpoints(first: $first, after: $after) {
    edges { cursor node { id name url status disabledReason circuitBreaker { state } stats(windowHours: 24) { ${STATS_FIELDS} } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export interface EndpointsListData {
  endpoints: Connection<EndpointSummary> | null;
}

export const EVENTS_PAGE_SIZE = 20;
/** Subscriptions per page on the endpoint page, and the most sources its form offers. */
export const SUBSCRIPTIONS_PAGE_SIZE = 20;
export const SOURCE_OPTIONS = 100;
export const ENDPOINT_DETAIL = `query EndpointDetail($id: ID!, $first: Int!, $after: String, $status: EventStatus, $subsFirst: Int!, $subsAfter: String, $sourceOptions: Int!) {
  endpoint(id: $id) {
    ${ENDPOINT_SETTINGS_FIELDS}
    circuitBreaker {
      state windowStartedAt windowSuccesses windowFailures openedAt nextProbeAt cooldownMs
      transitions(first: 20) { from to reason at }
    }
    stats(windowHours: 24) { ${STATS_FIELDS} }
    events(first: $first, after: $after, status: $status) {
      edges { cursor node { id type status receivedAt attemptCount nextAttemptAt lastError } }
      pageInfo { hasNextPage endCursor }
    }
    eventSubscriptions(first: $subsFirst, after: $subsAfter) {
      edges { cursor node { id allSources sources { id name } typePatterns filter description } }
      pageInfo { hasNextPage endCursor }
    }
  }
  sources(first: $sourceOptions) { edges { node { id name } } }
}`;
export interface EndpointDetailData {
  endpoint: EndpointDetail | null;
  /** What the subscription form offers; null if it could not be read (the rest of the page stands). */
  sources: Connection<SourceOption> | null;
}

/**
 * The event page's event: everything but its deliveries' state and attempts (EVENT_DELIVERIES).
 * `deliveries { id }` counts them (one more than are shown, to know there are more).
 */
export const EVENT_DETAIL = `query EventDetail($id: ID!, $deliveries: Int!) {
  event(id: $id) {
    id receivedAt payloadSha256 payloadSize contentType payload payloadEncoding headers idempotencyKey traceId type
    source { id name }
    deliveries(first: $deliveries) { id }
  }
}`;
export interface EventDetailData {
  event: EventDetail | null;
}

/**
 * Each delivery of the event with its endpoint, state and latest attempts: the event page's
 * first render and the browser's reconciliation after the live stream (re)connects.
 */
export const EVENT_DELIVERIES = `query EventDeliveries($id: ID!, $deliveries: Int!, $attempts: Int!) {
  event(id: $id) {
    id
    deliveries(first: $deliveries) {
      ${DELIVERY_STATE_FIELDS}
      endpoint { id name url disabledReason }
      attempts(first: $attempts) { edges { node { ${ATTEMPT_FIELDS} } } pageInfo { hasNextPage } }
    }
  }
}`;
export interface EventDeliveriesData {
  event: { id: string; deliveries: EventDelivery[] } | null;
}

/**
 * The receipt panel's query, issued by the browser. Only `json` is used: the panel verifies the
 * document itself and trusts no other field of the answer.
 */
export const ATTEMPT_RECEIPT = `query AttemptReceipt($id: ID!) { attempt(id: $id) { id receipt { json } } }`;
export interface AttemptReceiptData {
  attempt: { id: string; receipt: { json: string } | null } | null;
}

/** What the server subscribes to for the SSE bridge: each new attempt and its delivery's new state. */
export const EVENT_ATTEMPTS_SUBSCRIPTION = `subscription EventAttempts($eventId: ID!) {
  eventAttempts(eventId: $eventId) { ${ATTEMPT_FIELDS} delivery { ${DELIVERY_STATE_FIELDS} } }
}`;

/** The tenant's audit log (docs/graphql.md, "Audit log"), each record with its receipt once committed. */
export const AUDIT_PAGE_SIZE = 20;
export const AUDIT_LOG = `query AuditLog($first: Int!, $after: String) {
  auditLog(first: $first, after: $after) {
    edges { node { id actor operation targetId at beforeSha256 afterSha256 rotated leafIndex receipt { json } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export interface AuditRecord {
  id: string;
  actor: string;
  operation: string;
  targetId: string;
  at: string;
  beforeSha256: string | null;
  afterSha256: string | null;
  rotated: boolean;
  leafIndex: number | null;
  receipt: { json: string } | null;
}
export interface AuditLogData {
  auditLog: { edges: { node: AuditRecord }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
