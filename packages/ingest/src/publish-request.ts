import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ERROR_CODES, errorBody, newId } from "@kapsel/core";
import { parsedPayload } from "@kapsel/routing";
import type { IngestAdmission } from "./admission.ts";
import { type CommitDeps, commitRouted, reject, type UnroutedEvent } from "./commit-routed.ts";
import { sendJson } from "./http-responses.ts";
import { traceEventId } from "./ingest-tracing.ts";
import type { ApiKeyTenants } from "./publish-auth.ts";
import { parsePublishBody } from "./publish-body.ts";
import type { PublishCatalog } from "./publish-catalog.ts";
import type { PublishTarget } from "./publish-target.ts";
import { type BodyDeps, readAdmittedBody } from "./read-admitted-body.ts";
import type { SourceCache } from "./source-cache.ts";
import type { UnverifiedSenders } from "./unverified-senders.ts";

export interface PublishDeps extends CommitDeps, BodyDeps {
  /** Tenant API keys (Authorization: Bearer), cached briefly. */
  apiKeys: ApiKeyTenants;
  /** Tenant id -> its publish source, rate limit and routing table. */
  targets: SourceCache<PublishTarget>;
  /** Archived types and JSON Schemas of the tenant's catalog. */
  catalog: PublishCatalog;
  admission: IngestAdmission;
  /** Client addresses whose requests keep failing authentication (429 E1013), shared with ingest. */
  unverified: UnverifiedSenders;
}

/** What a published event is stored with (its request's headers are the publisher's, not the event's). */
const PUBLISHED_HEADERS = JSON.stringify({ "content-type": "application/json" });

/**
 * POST /publish: the tenant's own application sends an event (docs/routing.md, "Publishing"). The
 * order follows POST /ingest, cheapest refusal first: size header, the address's authentication
 * failures, API key (its tenant), admission (backpressure, a tenant known to be over its rate),
 * body, the tenant's rate token, the body's shape, the catalog (archived type, JSON Schema); then
 * the event is routed from the tenant's publish source and committed like an inbound one, and
 * only a committed event is answered 202. A request that fails authentication spends no token.
 */
export async function handlePublish(req: IncomingMessage, res: ServerResponse, deps: PublishDeps): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > deps.maxBodyBytes) {
    return reject(deps, res, "E1003", { detail: `The limit is ${deps.maxBodyBytes} bytes.`, closeConnection: true });
  }
  const address = req.socket.remoteAddress ?? "unknown";
  const blockedFor = deps.unverified.retryAfter(address);
  if (blockedFor !== null) return reject(deps, res, "E1013", { retryAfterSeconds: blockedFor, closeConnection: true });
  const tenantId = await deps.apiKeys.authenticate(req.headers);
  // The tenant may have been deleted since its key was cached: then it has no publish source.
  const target = tenantId === null ? null : await deps.targets.get(tenantId);
  if (tenantId === null || target === null) {
    deps.unverified.recordFailure(address); // key guessing is a verification failure like a bad signature
    return reject(deps, res, "E1015");
  }
  const admission = deps.admission.admit(target.source);
  if (admission.outcome === "refused") {
    return reject(deps, res, admission.code, { retryAfterSeconds: admission.retryAfterSeconds });
  }
  return readAdmittedBody(req, res, tenantId, deps, (body) => acceptPublished(res, tenantId, target, body, deps));
}

async function acceptPublished(
  res: ServerResponse,
  tenantId: string,
  target: PublishTarget,
  body: Buffer,
  deps: PublishDeps,
): Promise<void> {
  // Like ingest: an authenticated request spends a token whatever its body turns out to be.
  const charged = await deps.admission.charge(target.source);
  if (charged.outcome === "refused") {
    return reject(deps, res, charged.code, { retryAfterSeconds: charged.retryAfterSeconds });
  }
  const parsed = parsePublishBody(body);
  if (parsed.outcome === "invalid") return reject(deps, res, "E1016", { detail: parsed.detail });
  if (parsed.outcome === "reserved") return reject(deps, res, "E1017");
  const { type, payload, idempotencyKey } = parsed.body;

  const checked = await deps.catalog.check(tenantId, type, payload);
  if (checked.outcome === "archived") return reject(deps, res, "E1019");
  if (checked.outcome === "violation") {
    deps.metrics?.ingestOutcome("rejected_E1018");
    const { error } = errorBody("E1018");
    return sendJson(res, ERROR_CODES.E1018.status, {
      error: { ...error, errors: checked.errors, omitted: checked.omitted },
    });
  }

  const eventId = newId("event", deps.clock.now()); // also the correlation id of its logs and spans
  const stored = Buffer.from(JSON.stringify(payload), "utf8");
  const event: UnroutedEvent = {
    id: eventId,
    tenantId,
    sourceId: target.source.id,
    endpointId: null,
    type,
    payload: stored,
    payloadSha256: createHash("sha256").update(stored).digest(),
    contentType: "application/json",
    headersJson: PUBLISHED_HEADERS,
    idempotencyKey,
    traceContext: traceEventId(eventId),
  };
  const routes = { invalidate: () => deps.targets.invalidate(tenantId), reload: () => deps.targets.get(tenantId) };
  return commitRouted(res, routes, target, event, parsedPayload(payload), deps);
}
