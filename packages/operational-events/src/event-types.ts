/**
 * Kapsel's operational event types (`kapsel.*`, issue #12, docs/routing.md "Operational events"):
 * their names, what each means, and the JSON Schema (draft-07, the catalog's dialect) every payload
 * of the type satisfies. The same entries are seeded into each tenant's catalog by the database
 * (migration 20261203230000_operational_events); a db test keeps the two equal.
 *
 * Every payload is an envelope `{ type, version, timestamp, data }`: `version` says which shape
 * `data` has (1 today; a change that is not purely additive gets a new version), `timestamp` is
 * when the event happened. Payloads carry ids, reasons and times only: never a secret, a URL or a
 * receiver's response.
 */

export const OPERATIONAL_EVENT_VERSION = 1;

export const OPERATIONAL_EVENT_NAMES = [
  "kapsel.endpoint.breaker_opened",
  "kapsel.endpoint.breaker_closed",
  "kapsel.endpoint.disabled",
  "kapsel.delivery.exhausted",
  "kapsel.endpoint.secret_rotation_ending",
] as const;

export type OperationalEventType = (typeof OPERATIONAL_EVENT_NAMES)[number];

export interface OperationalEventTypeDefinition {
  name: OperationalEventType;
  description: string;
  schema: Record<string, unknown>;
}

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const TIME = { type: "string", format: "date-time", maxLength: 40 };

function id(prefix: string) {
  return { type: "string", pattern: `^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`, maxLength: prefix.length + 27 };
}

/** The envelope of every operational event around the type's own `data`. */
function envelope(
  name: OperationalEventType,
  data: Record<string, unknown>,
  required: readonly string[],
): Record<string, unknown> {
  return {
    $schema: DRAFT_07,
    type: "object",
    required: ["type", "version", "timestamp", "data"],
    additionalProperties: false,
    properties: {
      type: { type: "string", const: name },
      version: { type: "integer", const: OPERATIONAL_EVENT_VERSION },
      timestamp: TIME,
      data: { type: "object", required: [...required], additionalProperties: false, properties: data },
    },
  };
}

export const OPERATIONAL_EVENT_TYPES: readonly OperationalEventTypeDefinition[] = [
  {
    name: "kapsel.endpoint.breaker_opened",
    description:
      "An endpoint's circuit breaker opened: too many of its recent attempts failed, so Kapsel holds its deliveries " +
      "until nextProbeAt and then probes. Sent once per outage (closed to open), not again when a probe fails.",
    schema: envelope(
      "kapsel.endpoint.breaker_opened",
      {
        endpointId: id("ep"),
        reason: { type: "string", enum: ["failure_threshold"] },
        openedAt: TIME,
        nextProbeAt: TIME,
      },
      ["endpointId", "reason", "openedAt", "nextProbeAt"],
    ),
  },
  {
    name: "kapsel.endpoint.breaker_closed",
    description:
      "An endpoint's circuit breaker closed again: a probe succeeded, or someone reset the breaker. Its waiting " +
      "deliveries are sent again.",
    schema: envelope(
      "kapsel.endpoint.breaker_closed",
      {
        endpointId: id("ep"),
        reason: { type: "string", enum: ["probe_succeeded", "manual_reset"] },
        closedAt: TIME,
      },
      ["endpointId", "reason", "closedAt"],
    ),
  },
  {
    name: "kapsel.endpoint.disabled",
    description:
      "Kapsel disabled an endpoint because of its receiver's answers: 410 Gone (reason gone) or no successful " +
      "delivery for too long (reason failing). Its events wait until it is resumed.",
    schema: envelope(
      "kapsel.endpoint.disabled",
      {
        endpointId: id("ep"),
        reason: { type: "string", enum: ["gone", "failing"] },
        detail: { type: "string", maxLength: 500 },
        disabledAt: TIME,
      },
      ["endpointId", "reason", "detail", "disabledAt"],
    ),
  },
  {
    name: "kapsel.delivery.exhausted",
    description:
      "A delivery failed for good: its attempts ran out, or the receiver refused it permanently. Replay the event " +
      "to try again. Not sent for deliveries of kapsel.* events themselves.",
    schema: envelope(
      "kapsel.delivery.exhausted",
      {
        deliveryId: id("dlv"),
        eventId: id("evt"),
        eventType: { type: "string", maxLength: 128 },
        endpointId: id("ep"),
        cause: { type: "string", enum: ["attempts_exhausted", "permanent_failure"] },
        attempts: { type: "integer", minimum: 1 },
        lastResponseStatus: { type: ["integer", "null"], minimum: 100, maximum: 599 },
        lastErrorClass: { type: ["string", "null"], maxLength: 64 },
        failedAt: TIME,
      },
      [
        "deliveryId",
        "eventId",
        "eventType",
        "endpointId",
        "cause",
        "attempts",
        "lastResponseStatus",
        "lastErrorClass",
        "failedAt",
      ],
    ),
  },
  {
    name: "kapsel.endpoint.secret_rotation_ending",
    description:
      "An endpoint's signing-secret rotation ends soon: after overlapEndsAt deliveries are signed with the new " +
      "secret only. Sent once per rotation, a configurable time before the end (24 hours by default).",
    schema: envelope("kapsel.endpoint.secret_rotation_ending", { endpointId: id("ep"), overlapEndsAt: TIME }, [
      "endpointId",
      "overlapEndsAt",
    ]),
  },
];
