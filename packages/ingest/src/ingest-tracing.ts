import type { IncomingMessage } from "node:http";
import type { NewEvent } from "@kapsel/db";
import {
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

interface IngestOutcomeCounter {
  ingestOutcome(outcome: string): void;
}

// Spans of the write path (decision 0018). Only @opentelemetry/api: with tracing off (no provider
// registered, the default) every call here is a no-op and the fast paths below skip the rest.

const tracer = trace.getTracer("@kapsel/ingest");

/**
 * Runs one POST /ingest request inside an `ingest.request` span, a child of the sender's W3C
 * `traceparent` when it sent one. The URL's id is `kapsel.source_id` for a source's URL and
 * `kapsel.endpoint_id` for an endpoint's (the URL endpoints had before sources).
 */
export function traceIngestRequest(req: IncomingMessage, urlId: string, run: () => Promise<void>): Promise<void> {
  const attribute = urlId.startsWith("src_") ? "kapsel.source_id" : "kapsel.endpoint_id";
  return traceRequest(req, "ingest.request", { [attribute]: urlId }, run);
}

/** Runs one POST /publish request inside an `ingest.publish` span (the tenant is known only after authentication). */
export function tracePublishRequest(req: IncomingMessage, run: () => Promise<void>): Promise<void> {
  return traceRequest(req, "ingest.publish", {}, run);
}

function traceRequest(
  req: IncomingMessage,
  name: string,
  attributes: Record<string, string>,
  run: () => Promise<void>,
): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  if (!span.isRecording()) return run();
  return context.with(trace.setSpan(parent, span), run).then(
    () => span.end(),
    (error: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    },
  );
}

/**
 * Names the event on the current ingest span and returns that span's traceparent, stored with the
 * event so that its deliveries join the trace; null when tracing is off.
 */
export function traceEventId(eventId: string): string | null {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return null;
  span.setAttribute("kapsel.event_id", eventId);
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** Counts an outcome as before and notes it on the current ingest span. */
export function tracedOutcomes(counter: IngestOutcomeCounter | undefined): IngestOutcomeCounter {
  return {
    ingestOutcome: (outcome) => {
      counter?.ingestOutcome(outcome);
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      span.setAttribute("kapsel.outcome", outcome);
      if (outcome.startsWith("rejected_E3")) span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
}

/**
 * The group commit of a batch as `ingest.commit`: a root span (a batch has many parents) linked
 * to every traced request span of the batch.
 */
export async function traceCommit<T>(events: readonly NewEvent[], commit: () => Promise<T>): Promise<T> {
  if (!events.some((e) => e.traceContext)) return commit();
  const links: Link[] = [];
  for (const event of events) {
    const linked = event.traceContext
      ? trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent: event.traceContext }))
      : undefined;
    if (linked) links.push({ context: linked, attributes: { "kapsel.event_id": event.id } });
  }
  const span: Span = tracer.startSpan(
    "ingest.commit",
    {
      kind: SpanKind.INTERNAL,
      links,
      attributes: { "kapsel.batch_size": events.length, "kapsel.event_ids": events.map((e) => e.id) },
    },
    ROOT_CONTEXT,
  );
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, span), commit);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
