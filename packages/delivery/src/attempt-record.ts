import { createHash } from "node:crypto";
import { encodeAttemptLeaf } from "@kapsel/attestation";
import { type AttemptDecision, type DeliveryOutcome, decideAfterAttempt, type RandomSource } from "@kapsel/core";
import type { AttemptRecord, ClaimedDelivery } from "@kapsel/db";
import type { SendResult } from "@kapsel/delivery-http";

export interface FinishedAttempt {
  attemptId: string;
  delivery: ClaimedDelivery;
  workerId: string;
  startedAtMs: number;
  requestHeaders: Record<string, string>;
  result: SendResult;
}

/** Turns one finished HTTP attempt into its row, its leaf, and the delivery's next state. */
export function toAttemptRecord(attempt: FinishedAttempt, nowMs: number, random: RandomSource): AttemptRecord {
  const { delivery, result } = attempt;
  const outcome: DeliveryOutcome =
    result.kind === "response"
      ? { kind: "http", status: result.status }
      : { kind: "error", errorClass: result.errorClass };
  const decision = decideAfterAttempt({
    outcome,
    attemptNumber: delivery.attemptNumber - delivery.retryBase, // a replay starts a fresh schedule
    backoff: {
      baseMs: delivery.backoffBaseMs,
      capMs: delivery.backoffCapMs,
      floorMs: Math.floor(delivery.backoffBaseMs / 10), // as resolveBackoffPolicy does
      maxAttempts: delivery.maxAttempts,
    },
    classification: {
      retryableStatuses: delivery.retryableStatuses,
      retryAllClientErrors: delivery.retryAllClientErrors,
    },
    retryAfterHeader: result.kind === "response" ? (result.headers["retry-after"] ?? null) : null,
    nowMs,
    random,
  });
  const { attemptId } = attempt;
  const durationMs = Math.max(0, Math.round(result.durationMs));
  const bodySha256 = result.kind === "response" ? createHash("sha256").update(result.body).digest() : null;
  const resultName = attemptResult(decision, outcome);
  const leaf = encodeAttemptLeaf({
    attempt_id: attemptId,
    event_id: delivery.eventId,
    tenant_id: delivery.tenantId,
    endpoint_id: delivery.endpointId,
    url: delivery.url,
    attempt_number: delivery.attemptNumber,
    payload_sha256: delivery.payloadSha256.toString("hex"),
    requested_at: new Date(attempt.startedAtMs).toISOString(),
    duration_ms: durationMs,
    outcome: {
      status: result.kind === "response" ? result.status : null,
      error_class: result.kind === "error" ? result.errorClass : null,
      result: resultName,
    },
    response_body_sha256: bodySha256 ? bodySha256.toString("hex") : null,
  });
  return {
    attemptId,
    deliveryId: delivery.id,
    eventId: delivery.eventId,
    tenantId: delivery.tenantId,
    endpointId: delivery.endpointId,
    attemptNumber: delivery.attemptNumber,
    workerId: attempt.workerId,
    startedAt: new Date(attempt.startedAtMs),
    durationMs,
    requestUrl: delivery.url,
    requestHeaders: attempt.requestHeaders,
    responseStatus: result.kind === "response" ? result.status : null,
    responseHeaders: result.kind === "response" ? result.headers : null,
    responseBody: result.kind === "response" ? result.body : null,
    responseBodySha256: bodySha256,
    responseBodyTruncated: result.kind === "response" && result.bodyTruncated,
    result: resultName,
    errorClass: result.kind === "error" ? result.errorClass : result.status >= 300 ? `http_${result.status}` : null,
    errorMessage: result.kind === "error" ? result.message : null,
    leaf: Buffer.from(leaf),
    deliveryStatus: decision.next === "delivered" ? "delivered" : decision.next === "retry" ? "pending" : "failed",
    nextAttemptAt: decision.next === "retry" ? new Date(decision.atMs) : null,
    lastError: lastError(decision, result),
    disablesEndpoint: decision.next === "failed" && decision.reason === "gone",
  };
}

function attemptResult(decision: AttemptDecision, outcome: DeliveryOutcome): AttemptRecord["result"] {
  if (decision.next === "delivered") return "success";
  if (decision.next === "failed" && decision.reason !== "attempts_exhausted") return "permanent_failure";
  // Exhausting attempts does not make a retryable outcome permanent; the delivery failed, the attempt was retryable.
  return outcome.kind === "http" && outcome.status >= 200 && outcome.status < 300 ? "success" : "retryable_failure";
}

function lastError(decision: AttemptDecision, result: SendResult): string | null {
  if (decision.next === "delivered") return null;
  const what = result.kind === "response" ? `HTTP ${result.status}` : `${result.errorClass}: ${result.message}`;
  if (decision.next === "failed" && decision.reason === "gone") return `${what} (gone: endpoint disabled)`;
  return decision.next === "failed" && decision.reason === "attempts_exhausted" ? `${what} (attempts exhausted)` : what;
}
