import type { AttemptRecord, ClaimedDelivery } from "@kapsel/db";
import type { SendResult } from "@kapsel/delivery-http";
import { type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

// Spans of the delivery path (decision 0018). Only @opentelemetry/api: with tracing off (the
// default) no provider is registered and every span is a non-recording no-op.

const tracer = trace.getTracer("@kapsel/delivery");

/** The ingest span stored with the event (W3C traceparent), as a parent context. */
function ingestContext(delivery: ClaimedDelivery) {
  return delivery.traceContext
    ? propagation.extract(ROOT_CONTEXT, { traceparent: delivery.traceContext })
    : ROOT_CONTEXT;
}

/**
 * A claim that took something, as `delivery.claim` (started after the fact with its real start
 * time, so the empty claims of every polling tick make no spans), linked to each event's trace.
 */
export function traceClaim(startedAtMs: number, workerId: string, claimed: readonly ClaimedDelivery[]): void {
  if (claimed.length === 0) return;
  const probe = tracer.startSpan("delivery.claim", { startTime: startedAtMs, root: true });
  if (!probe.isRecording()) return;
  for (const delivery of claimed) {
    const linked = trace.getSpanContext(ingestContext(delivery));
    if (linked) probe.addLink({ context: linked, attributes: { "kapsel.event_id": delivery.eventId } } satisfies Link);
  }
  probe.setAttributes({
    "kapsel.worker_id": workerId,
    "kapsel.claimed": claimed.length,
    "kapsel.event_ids": claimed.map((d) => d.eventId),
  });
  probe.end();
}

/**
 * Starts `delivery.attempt`, a child of the event's ingest span when one was stored, and adds its
 * W3C `traceparent` to the outbound headers so the receiver can continue the trace.
 */
export function startAttemptSpan(delivery: ClaimedDelivery, attemptId: string, headers: Record<string, string>): Span {
  const parent = ingestContext(delivery);
  const span = tracer.startSpan(
    "delivery.attempt",
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "kapsel.event_id": delivery.eventId,
        "kapsel.delivery_id": delivery.id,
        "kapsel.attempt_id": attemptId,
        "kapsel.endpoint_id": delivery.endpointId,
        "kapsel.attempt_number": delivery.attemptNumber,
      },
    },
    parent,
  );
  if (span.isRecording()) propagation.inject(trace.setSpan(parent, span), headers);
  return span;
}

/** Ends `delivery.attempt` with what the receiver answered and what happens to the delivery next. */
export function endAttemptSpan(span: Span, result: SendResult | null, record: AttemptRecord | null): void {
  if (!span.isRecording()) {
    span.end();
    return;
  }
  if (result?.kind === "response") span.setAttribute("http.response.status_code", result.status);
  if (result?.kind === "error") span.setAttribute("error.type", result.errorClass);
  if (record) span.setAttributes({ "kapsel.result": record.result, "kapsel.delivery_status": record.deliveryStatus });
  if (record?.result !== "success") span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
