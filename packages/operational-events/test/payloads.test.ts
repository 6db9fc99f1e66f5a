import { newId } from "@kapsel/core";
import { compileEventSchema, isReservedEventTypeName, validateEventPayload } from "@kapsel/routing";
import { describe, expect, it } from "vitest";
import {
  breakerClosed,
  breakerOpened,
  breakerTransitionEvent,
  deliveryExhausted,
  endpointDisabled,
  OPERATIONAL_EVENT_NAMES,
  OPERATIONAL_EVENT_TYPES,
  type OperationalEvent,
  secretRotationEnding,
} from "../src/index.ts";

const at = Date.parse("2026-12-03T18:00:00.000Z");
const tenantId = newId("tenant", at);
const endpointId = newId("endpoint", at);

function schemaOf(type: string) {
  const definition = OPERATIONAL_EVENT_TYPES.find((t) => t.name === type);
  if (!definition) throw new Error(`no schema for ${type}`);
  const compiled = compileEventSchema(definition.schema);
  if (!compiled.ok) throw new Error(`schema of ${type} does not compile: ${JSON.stringify(compiled.errors)}`);
  return compiled.schema;
}

/** Every payload a builder can emit, including the optional and edge shapes. */
const emitted: OperationalEvent[] = [
  breakerOpened({ tenantId, endpointId, openedAtMs: at, nextProbeAtMs: at + 30_000 }),
  breakerClosed({ tenantId, endpointId, reason: "probe_succeeded", closedAtMs: at }),
  breakerClosed({ tenantId, endpointId, reason: "manual_reset", closedAtMs: at }),
  endpointDisabled({
    tenantId,
    endpointId,
    detail: "gone: the endpoint answered 410 Gone at 2026-12-03T18:00:00.000Z; resume it to deliver its waiting events",
    disabledAtMs: at,
  }),
  endpointDisabled({ tenantId, endpointId, detail: `failing: ${"x".repeat(900)}`, disabledAtMs: at }),
  deliveryExhausted({
    tenantId,
    deliveryId: newId("delivery", at),
    eventId: newId("event", at),
    eventType: "invoice.paid",
    endpointId,
    lastResult: "retryable_failure",
    attempts: 12,
    lastResponseStatus: 503,
    lastErrorClass: "http_503",
    failedAtMs: at,
  }),
  deliveryExhausted({
    tenantId,
    deliveryId: newId("delivery", at),
    eventId: newId("event", at),
    eventType: "unknown",
    endpointId,
    lastResult: "permanent_failure",
    attempts: 1,
    lastResponseStatus: null,
    lastErrorClass: "connect_refused",
    failedAtMs: at,
  }),
  deliveryExhausted({
    tenantId,
    deliveryId: newId("delivery", at),
    eventId: newId("event", at),
    eventType: "a.b",
    endpointId,
    lastResult: "retryable_failure",
    attempts: 3,
    lastResponseStatus: 999,
    lastErrorClass: null,
    failedAtMs: at,
  }),
  secretRotationEnding({ tenantId, endpointId, overlapEndsAtMs: at + 3_600_000, noticedAtMs: at }),
];

describe("operational event catalog", () => {
  it("has one draft-07 schema per type, each compiling under the catalog's rules, all reserved names", () => {
    expect(OPERATIONAL_EVENT_TYPES.map((t) => t.name)).toEqual([...OPERATIONAL_EVENT_NAMES]);
    for (const t of OPERATIONAL_EVENT_TYPES) {
      expect(isReservedEventTypeName(t.name)).toBe(true);
      expect(t.schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(t.description.length).toBeLessThanOrEqual(2000);
      schemaOf(t.name);
    }
  });

  it("every emitted payload satisfies its type's schema, and every type is emitted", () => {
    for (const e of emitted) {
      expect(e.payload.type).toBe(e.type);
      // Through JSON, as stored and delivered.
      const result = validateEventPayload(schemaOf(e.type), JSON.parse(JSON.stringify(e.payload)));
      expect(result, `${e.type}: ${JSON.stringify(result)}`).toEqual({ ok: true });
    }
    expect(new Set(emitted.map((e) => e.type))).toEqual(new Set(OPERATIONAL_EVENT_NAMES));
  });

  it("schemas refuse what the documented shape does not have", () => {
    const opened = emitted[0]!;
    const schema = schemaOf(opened.type);
    const extra = { ...opened.payload, data: { ...opened.payload.data, url: "https://x.example/?token=1" } };
    expect(validateEventPayload(schema, extra).ok).toBe(false);
    expect(validateEventPayload(schema, { ...opened.payload, type: "kapsel.endpoint.disabled" }).ok).toBe(false);
    expect(validateEventPayload(schema, { ...opened.payload, version: 2 }).ok).toBe(false);
  });

  it("payloads name the endpoint they are about, and carry no secret or URL", () => {
    for (const e of emitted) {
      expect(e.aboutEndpointId).toBe(endpointId);
      expect(e.payload.data.endpointId).toBe(endpointId);
      expect(JSON.stringify(e.payload)).not.toMatch(/whsec_|https?:\/\//);
    }
  });
});

describe("breakerTransitionEvent", () => {
  const base = { tenantId, endpointId };
  it("publishes an outage's opening and its end, nothing for its intermediate steps", () => {
    const opened = breakerTransitionEvent({
      ...base,
      transition: { from: "closed", to: "open", reason: "failure_threshold", atMs: at },
      state: { state: "open", openedAt: at, cooldownMs: 30_000 },
    });
    expect(opened?.type).toBe("kapsel.endpoint.breaker_opened");
    expect(opened?.payload.data.nextProbeAt).toBe(new Date(at + 30_000).toISOString());
    for (const transition of [
      { from: "open", to: "half_open", reason: "cooldown_elapsed" },
      { from: "half_open", to: "open", reason: "probe_failed" },
    ] as const) {
      expect(breakerTransitionEvent({ ...base, transition: { ...transition, atMs: at }, state: undefined })).toBeNull();
    }
    const closed = breakerTransitionEvent({
      ...base,
      transition: { from: "half_open", to: "closed", reason: "probe_succeeded", atMs: at },
      state: undefined,
    });
    expect(closed?.payload.data.reason).toBe("probe_succeeded");
    const reset = breakerTransitionEvent({
      ...base,
      transition: { from: "open", to: "closed", reason: "manual_reset", atMs: at },
      state: undefined,
    });
    expect(reset?.payload.data.reason).toBe("manual_reset");
  });
});
