import type { ServerResponse } from "node:http";
import { type Clock, type ErrorCode, type GroupCommitter, newId } from "@kapsel/core";
import type { NewEvent } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { type LazyPayload, type RoutingTable, routeEventInline } from "@kapsel/routing";
import type { CommitOutcome } from "./commit-events.ts";
import { sendError, sendJson } from "./http-responses.ts";
import type { IngestOutcomeCounter } from "./ingest-request.ts";
import { traceEventId } from "./ingest-tracing.ts";

// The commit step shared by POST /ingest (ingest-request.ts) and POST /publish (publish-request.ts).

/** What commitRouted needs of the request path that calls it. */
export interface CommitDeps {
  committer: GroupCommitter<NewEvent, CommitOutcome>;
  clock: Clock;
  logger: Logger;
  metrics?: IngestOutcomeCounter;
  /** More matching endpoints than this: the router routes the event (routing_backlog), not the request. */
  routingInlineMax: number;
}

/** A source and its compiled routing table, as a cache holds them. */
export interface RoutedTarget {
  source: { id: string; endpointId: string | null; status: "active" | "paused" | "disabled" };
  routes: RoutingTable;
}

/** The cache entry the target came from: dropped and read again when the routing was stale. */
export interface RoutesCache<T extends RoutedTarget> {
  invalidate(): void;
  reload(): Promise<T | null>;
}

export type UnroutedEvent = Omit<NewEvent, "routingVersion" | "deliveries" | "routeLater">;

/** A stale routing table is reloaded and the event matched again at most this often (then 503). */
const ROUTING_ATTEMPTS = 3;

/**
 * Routes the event in the request (decision 0025) and submits it with its deliveries to the group
 * commit; 2xx only once committed. An event matching more than routingInlineMax endpoints is
 * submitted with no deliveries and a routing_backlog row instead (the router routes it), so the
 * request's cost does not grow with the fan-out. When the tenant's subscriptions or endpoints
 * changed after its table was cached, the commit stores nothing: the table is reloaded and the
 * event routed again.
 */
export async function commitRouted<T extends RoutedTarget>(
  res: ServerResponse,
  routes: RoutesCache<T>,
  cached: T,
  unrouted: UnroutedEvent,
  payload: LazyPayload,
  deps: CommitDeps,
): Promise<void> {
  const { source } = cached;
  const logFields = { sourceId: source.id, endpointId: source.endpointId };
  let target = cached;
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const routed = routeEventInline(
      target.routes,
      { sourceId: unrouted.sourceId, type: unrouted.type, payload },
      deps.routingInlineMax,
    );
    const event: NewEvent = {
      ...unrouted,
      routingVersion: target.routes.version,
      deliveries:
        routed.outcome === "inline" ? routed.deliveries.map((d) => ({ id: newId("delivery", now), ...d })) : [],
      routeLater: routed.outcome === "routing_stage",
    };
    const submitted = await deps.committer.submit(event);
    if (submitted.outcome === "overloaded") return reject(deps, res, "E3002", { retryAfterSeconds: 1 });
    if (submitted.outcome === "failed") {
      deps.logger.error({ err: submitted.error, ...logFields }, "event commit failed; answered 503");
      return reject(deps, res, "E3001", { retryAfterSeconds: 2 });
    }
    const result = submitted.result;
    switch (result.outcome) {
      case "accepted":
        deps.logger.debug(
          {
            eventId: result.eventId,
            ...logFields,
            type: event.type,
            deliveries: event.deliveries.length,
            routeLater: event.routeLater,
          },
          "event accepted",
        );
        deps.metrics?.ingestOutcome("accepted");
        return sendJson(res, 202, { event_id: result.eventId, status: "accepted" });
      case "duplicate":
        traceEventId(result.eventId);
        deps.logger.debug({ eventId: result.eventId, ...logFields }, "duplicate event: original id answered");
        deps.metrics?.ingestOutcome("duplicate");
        return sendJson(res, 200, { event_id: result.eventId, status: "duplicate" });
      case "routing_stale": {
        routes.invalidate();
        if (attempt === ROUTING_ATTEMPTS) {
          deps.logger.warn(
            { ...logFields, attempts: attempt },
            "routing kept changing while the event was stored; answered 503",
          );
          return reject(deps, res, "E3001", { retryAfterSeconds: 1 });
        }
        const reloaded = await routes.reload();
        if (!reloaded || reloaded.source.status === "disabled") {
          return reject(deps, res, "E1002", {
            detail: "The endpoint was disabled or deleted while the event was being stored.",
          });
        }
        target = reloaded;
      }
    }
  }
}

/** sendError, counted as "rejected_<code>" (error codes are a fixed set: bounded label values). */
export function reject(
  deps: Pick<CommitDeps, "metrics">,
  res: ServerResponse,
  code: ErrorCode,
  options?: Parameters<typeof sendError>[2],
): void {
  deps.metrics?.ingestOutcome(`rejected_${code}`);
  sendError(res, code, options);
}
