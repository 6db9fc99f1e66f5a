import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, type GroupCommitter, newId } from "@kapsel/core";
import type { NewEvent } from "@kapsel/db";
import type { MinimumUploadRate } from "@kapsel/http-body";
import type { Logger } from "@kapsel/logger";
import { lazyJsonPayload } from "@kapsel/routing";
import { type SecretOpener, SecretsError } from "@kapsel/secrets";
import type { IngestAdmission } from "./admission.ts";
import type { CommitOutcome } from "./commit-events.ts";
import { commitRouted, reject, type UnroutedEvent } from "./commit-routed.ts";

import { pickIdempotencyKey } from "./idempotency-key.ts";
import { ingestEventType } from "./ingest-event-type.ts";
import { traceEventId } from "./ingest-tracing.ts";
import { type IngestTarget, isIngestUrlId } from "./ingest-url-source.ts";
import { readAdmittedBody } from "./read-admitted-body.ts";
import type { SourceCache } from "./source-cache.ts";
import { storedHeadersJson } from "./stored-headers.ts";
import type { TenantBudgets } from "./tenant-budgets.ts";
import type { UnverifiedSenders } from "./unverified-senders.ts";
import { type IngestVerification, verifyIngestSource } from "./verify-ingest-source.ts";

export interface IngestDeps {
  /** Ingest URL id (`src_...`, or `ep_...` for an endpoint's own URL) -> its source and routing table. */
  sources: SourceCache<IngestTarget>;
  committer: GroupCommitter<NewEvent, CommitOutcome>;
  /** Backpressure before the body is read, the tenant's rate once verified (decision 0015). */
  admission: IngestAdmission;
  /** Bytes in memory, per tenant within the process's budget. */
  budgets: TenantBudgets;
  /** Slower bodies are refused 408 E1012; null: no minimum. */
  minUploadRate: MinimumUploadRate | null;
  /** Client addresses whose requests keep failing verification (429 E1013). */
  unverified: UnverifiedSenders;
  clock: Clock;
  logger: Logger;
  maxBodyBytes: number;
  /** Opens the sources' sealed secrets (packages/secrets; cached by sealed text). */
  secrets: SecretOpener;
  /** Counts answers by outcome ("accepted", "duplicate", "rejected_<code>"); e.g. @kapsel/metrics. */
  metrics?: IngestOutcomeCounter;
  /** More matching endpoints than this: the event goes to the routing stage (ROUTING_INLINE_MAX). */
  routingInlineMax: number;
}

export interface IngestOutcomeCounter {
  ingestOutcome(outcome: string): void;
}

const REJECTION_CODES = {
  signature_missing: "E1004",
  signature_invalid: "E1005",
  timestamp_out_of_tolerance: "E1006",
} as const;

/**
 * POST /ingest/:id, where id names a source (`src_...`) or, as before sources existed, the endpoint
 * a source feeds (`ep_...`). The order is cheapest-refusal first: size header, the client address's
 * verification failures, source (and its endpoint's status), admission (backpressure, a tenant
 * known to be over its rate), body (within the tenant's share of memory, at a minimum rate),
 * signature, the tenant's rate token, idempotency key, event type; then the event waits for its
 * group commit, and only a committed event is answered with 2xx. Unverified requests never spend
 * the tenant's tokens (issue #11, finding 4).
 */
export async function handleIngest(
  req: IncomingMessage,
  res: ServerResponse,
  urlId: string,
  deps: IngestDeps,
): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > deps.maxBodyBytes) {
    return reject(deps, res, "E1003", { detail: `The limit is ${deps.maxBodyBytes} bytes.`, closeConnection: true });
  }
  const address = req.socket.remoteAddress ?? "unknown";
  const blockedFor = deps.unverified.retryAfter(address);
  if (blockedFor !== null) return reject(deps, res, "E1013", { retryAfterSeconds: blockedFor, closeConnection: true });
  const target = isIngestUrlId(urlId) ? await deps.sources.get(urlId) : null;
  if (!target) return reject(deps, res, "E1001");
  const source = target.source;
  if (source.status === "disabled") return reject(deps, res, "E1002");
  const admission = deps.admission.admit(source);
  if (admission.outcome === "refused") {
    return reject(deps, res, admission.code, { retryAfterSeconds: admission.retryAfterSeconds });
  }

  return readAdmittedBody(req, res, source.tenantId, deps, (body) =>
    acceptBody(req, res, urlId, target, body, address, deps),
  );
}

async function acceptBody(
  req: IncomingMessage,
  res: ServerResponse,
  urlId: string,
  target: IngestTarget,
  body: Buffer,
  address: string,
  deps: IngestDeps,
): Promise<void> {
  const source = target.source;
  const now = deps.clock.now();
  let verification: IngestVerification;
  try {
    verification = verifyIngestSource(source, req.headers, body, now, deps.secrets);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    // Never verify with a wrong secret: refuse, and tell the operator why (the code, not the value).
    deps.logger.error(
      { sourceId: source.id, endpointId: source.endpointId, code: error.code },
      "the source's secret cannot be opened",
    );
    return reject(deps, res, "E3006", { retryAfterSeconds: 30 });
  }
  if (verification.outcome === "rejected") {
    deps.unverified.recordFailure(address);
    return reject(deps, res, REJECTION_CODES[verification.reason], { detail: verification.detail });
  }
  if (verification.withPreviousSecret) {
    // The source still signs with the secret a rotation replaced; it stops verifying at the expiry.
    deps.logger.debug(
      { sourceId: source.id, endpointId: source.endpointId, previousSecretExpiresAt: source.previousSecretExpiresAt },
      "source signature verified with the previous source secret",
    );
  }
  const charged = await deps.admission.charge(source);
  if (charged.outcome === "refused") {
    return reject(deps, res, charged.code, { retryAfterSeconds: charged.retryAfterSeconds });
  }
  const key = pickIdempotencyKey(req.headers, verification);
  if (key.outcome === "invalid") return reject(deps, res, "E1010");

  const contentType = req.headers["content-type"] ?? null;
  const eventId = newId("event", now); // also the correlation id of its logs and spans
  const payload = lazyJsonPayload(body);
  const event: UnroutedEvent = {
    id: eventId,
    tenantId: source.tenantId,
    sourceId: source.id,
    endpointId: source.endpointId,
    type: ingestEventType(source, req.headers, payload),
    payload: body,
    payloadSha256: createHash("sha256").update(body).digest(),
    contentType,
    headersJson: storedHeadersJson(req.headers),
    idempotencyKey: key.key,
    traceContext: traceEventId(eventId),
  };
  const routes = { invalidate: () => deps.sources.invalidate(urlId), reload: () => deps.sources.get(urlId) };
  return commitRouted(res, routes, target, event, payload, deps);
}
