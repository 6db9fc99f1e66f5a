import type { AuditSecretChange } from "@kapsel/attestation";
import type { AuditTargetKind } from "./configurations.ts";

// biome-ignore lint/suspicious/noExplicitAny: specs read each mutation's own arguments and payload
type Any = any;

/** How one mutation is audited: what it changes, and whether it replaced a secret. */
export interface AuditSpec {
  kind: AuditTargetKind;
  /** The target's id from the arguments (its configuration is read before the change); absent for creations. */
  before?: (args: Any) => string;
  /** The target's id after a successful change. */
  after: (args: Any, payload: Any) => string;
  secret: (args: Any, payload: Any) => AuditSecretChange;
}

const unchanged = (): AuditSecretChange => "unchanged";
const rotated = (): AuditSecretChange => "rotated";
const byId = (args: Any): string => args.id;
const byEndpointId = (args: Any): string => args.endpointId;

/**
 * Every Mutation field of the schema, audited. The API refuses to start if a Mutation field has no
 * entry here (resolvers/index.ts), and audit-coverage.db.test.ts calls each one from the schema's
 * list and expects exactly one record: a new mutation cannot go unaudited.
 */
export const AUDIT_SPECS: Record<string, AuditSpec> = {
  createEndpoint: { kind: "endpoint", after: (_, p) => p.endpoint.id, secret: rotated },
  updateEndpoint: {
    kind: "endpoint",
    before: byId,
    after: byId,
    // A source secret set by the caller or generated for a new scheme; never the value itself.
    secret: (args, p) => (args.input?.sourceSecret != null || p.sourceSecret != null ? "rotated" : "unchanged"),
  },
  pauseEndpoint: { kind: "endpoint", before: byId, after: byId, secret: unchanged },
  resumeEndpoint: { kind: "endpoint", before: byId, after: byId, secret: unchanged },
  // Deleting shreds both secrets (replaced by values nobody sees).
  deleteEndpoint: { kind: "endpoint", before: byId, after: byId, secret: rotated },
  rotateEndpointSecret: { kind: "endpoint", before: byId, after: byId, secret: rotated },
  resetCircuitBreaker: { kind: "endpoint", before: byEndpointId, after: byEndpointId, secret: unchanged },
  replayEvent: { kind: "event", before: (args) => args.eventId, after: (args) => args.eventId, secret: unchanged },
  replayFailedEvents: { kind: "endpoint", before: byEndpointId, after: byEndpointId, secret: unchanged },
  sendTestEvent: { kind: "event", after: (_, p) => p.event.id, secret: unchanged },
  // Like sendTestEvent: every Mutation field is audited (there is no exemption for state changes);
  // the record names the event (for a repeated idempotency key, the first one).
  publishEvent: { kind: "event", after: (_, p) => p.event.id, secret: unchanged },
  // A new key is a new secret; revoking one replaces none (the record shows revoked_at changing).
  createApiKey: { kind: "apiKey", after: (_, p) => p.apiKey.id, secret: rotated },
  revokeApiKey: { kind: "apiKey", before: byId, after: byId, secret: unchanged },
  // A new tenant comes with its first API key.
  createTenant: { kind: "tenant", after: (_, p) => p.tenant.id, secret: rotated },
  updateTenant: { kind: "tenant", before: byId, after: byId, secret: unchanged },
  // The event-type catalog holds no secrets.
  createEventType: { kind: "eventType", after: (_, p) => p.eventType.id, secret: unchanged },
  updateEventType: { kind: "eventType", before: byId, after: byId, secret: unchanged },
  archiveEventType: { kind: "eventType", before: byId, after: byId, secret: unchanged },
  unarchiveEventType: { kind: "eventType", before: byId, after: byId, secret: unchanged },
  // Subscriptions hold no secrets; a deleted one's record has no configuration after.
  createEventSubscription: { kind: "subscription", after: (_, p) => p.eventSubscription.id, secret: unchanged },
  updateEventSubscription: { kind: "subscription", before: byId, after: byId, secret: unchanged },
  deleteEventSubscription: { kind: "subscription", before: byId, after: byId, secret: unchanged },
};
