import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Clock, type ErrorCode, type GroupCommitter, isId, newId } from "@kapsel/core";
import type { IngestEndpoint, NewEvent } from "@kapsel/db";
import { type MinimumUploadRate, readBody } from "@kapsel/http-body";
import type { Logger } from "@kapsel/logger";
import { type SecretOpener, SecretsError } from "@kapsel/secrets";
import type { IngestAdmission } from "./admission.ts";
import type { CommitOutcome } from "./commit-events.ts";
import type { EndpointCache } from "./endpoint-cache.ts";

import { sendError, sendJson } from "./http-responses.ts";
import { pickIdempotencyKey } from "./idempotency-key.ts";
import { traceEventId } from "./ingest-tracing.ts";
import { storedHeadersJson } from "./stored-headers.ts";
import type { TenantBudgets } from "./tenant-budgets.ts";
import type { UnverifiedSenders } from "./unverified-senders.ts";
import { type IngestVerification, verifyIngestSource } from "./verify-ingest-source.ts";

export interface IngestDeps {
  endpoints: EndpointCache<IngestEndpoint>;
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
  /** Opens the endpoints' sealed source secrets (packages/secrets; cached by sealed text). */
  secrets: SecretOpener;
  /** Counts answers by outcome ("accepted", "duplicate", "rejected_<code>"); e.g. @kapsel/metrics. */
  metrics?: IngestOutcomeCounter;
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
 * POST /ingest/:endpoint_id. The order is cheapest-refusal first: size header, the client address's
 * verification failures, endpoint, admission (backpressure, a tenant known to be over its rate),
 * body (within the tenant's share of memory, at a minimum rate), signature, the tenant's rate
 * token, idempotency key; then the event waits for its group commit, and only a committed event is
 * answered with 2xx. Unverified requests never spend the tenant's tokens (issue #11, finding 4).
 */
export async function handleIngest(
  req: IncomingMessage,
  res: ServerResponse,
  endpointId: string,
  deps: IngestDeps,
): Promise<void> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > deps.maxBodyBytes) {
    return reject(deps, res, "E1003", { detail: `The limit is ${deps.maxBodyBytes} bytes.`, closeConnection: true });
  }
  const address = req.socket.remoteAddress ?? "unknown";
  const blockedFor = deps.unverified.retryAfter(address);
  if (blockedFor !== null) return reject(deps, res, "E1013", { retryAfterSeconds: blockedFor, closeConnection: true });
  const endpoint = isId("endpoint", endpointId) ? await deps.endpoints.get(endpointId) : null;
  if (!endpoint) return reject(deps, res, "E1001");
  if (endpoint.status === "disabled") return reject(deps, res, "E1002");
  const admission = deps.admission.admit(endpoint);
  if (admission.outcome === "refused") {
    return reject(deps, res, admission.code, { retryAfterSeconds: admission.retryAfterSeconds });
  }

  const lease = deps.budgets.acquire(endpoint.tenantId);
  try {
    const read = await readBody(req, deps.maxBodyBytes, {
      budget: lease.budget,
      ...(deps.minUploadRate ? { minRate: deps.minUploadRate } : {}),
    });
    switch (read.outcome) {
      case "too_large":
        return reject(deps, res, "E1003", {
          detail: `The limit is ${deps.maxBodyBytes} bytes.`,
          closeConnection: true,
        });
      case "over_budget":
        // The tenant's own share is full (429), or the whole process's memory budget (503).
        return read.budget === deps.budgets.process
          ? reject(deps, res, "E3002", { retryAfterSeconds: 1, closeConnection: true })
          : reject(deps, res, "E1014", { retryAfterSeconds: 1, closeConnection: true });
      case "too_slow":
        return reject(deps, res, "E1012", { closeConnection: true });
      case "aborted":
        return; // the client went away; nothing was stored and there is no one to answer
    }
    const body = read.body;
    try {
      await acceptBody(req, res, endpoint, body, address, deps);
    } finally {
      lease.budget.release(body.length);
    }
  } finally {
    lease.done();
  }
}

async function acceptBody(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: IngestEndpoint,
  body: Buffer,
  address: string,
  deps: IngestDeps,
): Promise<void> {
  const now = deps.clock.now();
  let verification: IngestVerification;
  try {
    verification = verifyIngestSource(endpoint, req.headers, body, now, deps.secrets);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    // Never verify with a wrong secret: refuse, and tell the operator why (the code, not the value).
    deps.logger.error({ endpointId: endpoint.id, code: error.code }, "the endpoint's source secret cannot be opened");
    return reject(deps, res, "E3006", { retryAfterSeconds: 30 });
  }
  if (verification.outcome === "rejected") {
    deps.unverified.recordFailure(address);
    return reject(deps, res, REJECTION_CODES[verification.reason], { detail: verification.detail });
  }
  if (verification.withPreviousSecret) {
    // The source still signs with the secret a rotation replaced; it stops verifying at the expiry.
    deps.logger.debug(
      { endpointId: endpoint.id, previousSecretExpiresAt: endpoint.previousSourceSecretExpiresAt },
      "source signature verified with the previous source secret",
    );
  }
  const charged = await deps.admission.charge(endpoint);
  if (charged.outcome === "refused") {
    return reject(deps, res, charged.code, { retryAfterSeconds: charged.retryAfterSeconds });
  }
  const key = pickIdempotencyKey(req.headers, verification);
  if (key.outcome === "invalid") return reject(deps, res, "E1010");

  const contentType = req.headers["content-type"] ?? null;
  const eventId = newId("event", now); // also the correlation id of its logs and spans
  const event: NewEvent = {
    id: eventId,
    deliveryId: newId("delivery", now), // to the endpoint it came in through, inserted with it
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    payload: body,
    payloadSha256: createHash("sha256").update(body).digest(),
    contentType,
    headersJson: storedHeadersJson(req.headers),
    idempotencyKey: key.key,
    traceContext: traceEventId(eventId),
  };
  const submitted = await deps.committer.submit(event);
  if (submitted.outcome === "overloaded") return reject(deps, res, "E3002", { retryAfterSeconds: 1 });
  if (submitted.outcome === "failed") {
    deps.logger.error({ err: submitted.error, endpointId: endpoint.id }, "event commit failed; answered 503");
    return reject(deps, res, "E3001", { retryAfterSeconds: 2 });
  }
  const result = submitted.result;
  switch (result.outcome) {
    case "accepted":
      deps.logger.debug({ eventId: result.eventId, endpointId: endpoint.id }, "event accepted");
      deps.metrics?.ingestOutcome("accepted");
      return sendJson(res, 202, { event_id: result.eventId, status: "accepted" });
    case "duplicate":
      traceEventId(result.eventId);
      deps.logger.debug({ eventId: result.eventId, endpointId: endpoint.id }, "duplicate event: original id answered");
      deps.metrics?.ingestOutcome("duplicate");
      return sendJson(res, 200, { event_id: result.eventId, status: "duplicate" });
    case "endpoint_unavailable":
      deps.endpoints.invalidate(endpoint.id);
      return reject(deps, res, "E1002", {
        detail: "The endpoint was disabled or deleted while the event was being stored.",
      });
  }
}

/** sendError, counted as "rejected_<code>" (error codes are a fixed set: bounded label values). */
function reject(
  deps: IngestDeps,
  res: ServerResponse,
  code: ErrorCode,
  options?: Parameters<typeof sendError>[2],
): void {
  deps.metrics?.ingestOutcome(`rejected_${code}`);
  sendError(res, code, options);
}
