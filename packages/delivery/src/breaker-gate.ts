import {
  admit,
  type BreakerPolicy,
  type BreakerState,
  type BreakerTransition,
  DEFAULT_AUTO_DISABLE_AFTER_MS,
  nextProbeAt,
  record,
} from "@kapsel/core";
import {
  type AttemptRecord,
  addBreakerSuccesses,
  type ClaimedDelivery,
  type DisabledEndpoint,
  deferPendingDeliveries,
  insertBreakerTransitions,
  lockBreakers,
  type Pool,
  type PoolClient,
  recordAttempts,
  releaseClaims,
  saveBreakers,
  withTransaction,
} from "@kapsel/db";
import {
  breakerTransitionEvent,
  endpointDisabled,
  exhaustedDeliveryEvents,
  type OperationalEvent,
  publishOperationalEvents,
} from "@kapsel/operational-events";
import { applyReceiverSignals } from "./receiver-signals.ts";

/** A breaker state change of one endpoint (for logs: pass an array to collect them). */
export interface EndpointTransition {
  endpointId: string;
  transition: BreakerTransition;
}

/**
 * Claims for endpoints whose breaker is not closed must be admitted one by one (bounded probes);
 * the rest are given back without using an attempt, to wait for the next probe time.
 * Closed breakers admit everything and need no lock, so the common path costs nothing here.
 */
export async function admitThroughBreakers(
  pool: Pool,
  workerId: string,
  claims: readonly ClaimedDelivery[],
  policy: BreakerPolicy,
  nowMs: number,
  transitionsOut?: EndpointTransition[],
): Promise<ClaimedDelivery[]> {
  const gated = claims.filter((c) => c.breakerState !== "closed");
  if (gated.length === 0) return [...claims];
  const now = new Date(nowMs);
  const refused = new Set<string>();
  await withTransaction(pool, async (client) => {
    const states = await lockBreakers(
      client,
      gated.map((c) => c.endpointId),
      now,
    );
    const transitions: { endpointId: string; transition: BreakerTransition }[] = [];
    const releases: { deliveryId: string; retryAt: Date }[] = [];
    for (const claim of gated) {
      const state = states.get(claim.endpointId);
      if (!state) continue;
      const result = admit(state, policy, nowMs);
      states.set(claim.endpointId, result.state);
      if (result.transition) transitions.push({ endpointId: claim.endpointId, transition: result.transition });
      if (!result.admitted) {
        refused.add(claim.id);
        releases.push({ deliveryId: claim.id, retryAt: new Date(retryTime(result.state, nowMs)) });
      }
    }
    await saveBreakers(client, states, now);
    await insertBreakerTransitions(client, transitions);
    await releaseClaims(client, workerId, releases, now);
    transitionsOut?.push(...transitions);
  });
  return claims.filter((c) => !refused.has(c.id));
}

/**
 * Records a batch of finished attempts and feeds their outcomes to the endpoints' breakers, in one
 * transaction: the attempt rows and the breaker counts can never disagree. Endpoints with only
 * successes take a one-statement fast path; the others are decided by the pure state machine under
 * row locks. An endpoint whose breaker opens has its waiting deliveries moved to the probe time.
 * Receiver signals (410 Gone, failing for `autoDisableAfterMs`) disable endpoints in the same
 * transaction; the endpoints disabled are returned. What changed is published as operational
 * events (`kapsel.*`, decision 0029) in the same transaction too: one event per breaker opening or
 * closing, per endpoint disabled and per delivery failed for good, never one per attempt.
 */
export async function recordWithBreakers(
  pool: Pool,
  records: readonly AttemptRecord[],
  policy: BreakerPolicy,
  nowMs: number,
  autoDisableAfterMs: number = DEFAULT_AUTO_DISABLE_AFTER_MS,
  transitionsOut?: EndpointTransition[],
): Promise<DisabledEndpoint[]> {
  const now = new Date(nowMs);
  return withTransaction(pool, async (client: PoolClient) => {
    const recorded = await recordAttempts(client, records, now);
    const disabled = await applyReceiverSignals(client, records, nowMs, autoDisableAfterMs);
    const successes = new Map<string, number>();
    const failing = new Set<string>();
    for (const attempt of records) {
      if (breakerResult(attempt) === "failure") failing.add(attempt.endpointId);
      else successes.set(attempt.endpointId, (successes.get(attempt.endpointId) ?? 0) + 1);
    }
    for (const id of failing) successes.delete(id);
    const applied = await addBreakerSuccesses(client, successes, now, policy.windowMs);
    const rest = records.filter((r) => !applied.has(r.endpointId));
    const events: OperationalEvent[] = [];
    if (rest.length > 0) events.push(...(await decideUnderLock(client, rest, policy, nowMs, transitionsOut)));
    for (const d of disabled) {
      events.push(
        endpointDisabled({ tenantId: d.tenantId, endpointId: d.endpointId, detail: d.reason, disabledAtMs: nowMs }),
      );
    }
    // Only deliveries this batch really failed (still ours to update): one event per delivery.
    const failed = new Set(recorded.failedDeliveryIds);
    if (failed.size > 0) {
      events.push(
        ...(await exhaustedDeliveryEvents(
          client,
          records.filter((r) => failed.has(r.deliveryId)),
          nowMs,
        )),
      );
    }
    if (events.length > 0) await publishOperationalEvents(client, events, now);
    return disabled;
  });
}

async function decideUnderLock(
  client: PoolClient,
  records: readonly AttemptRecord[],
  policy: BreakerPolicy,
  nowMs: number,
  transitionsOut?: EndpointTransition[],
): Promise<OperationalEvent[]> {
  const now = new Date(nowMs);
  const tenantOf = new Map(records.map((r) => [r.endpointId, r.tenantId]));
  const states = await lockBreakers(
    client,
    records.map((r) => r.endpointId),
    now,
  );
  const transitions: { endpointId: string; transition: BreakerTransition }[] = [];
  for (const attempt of records) {
    const state = states.get(attempt.endpointId);
    if (!state) continue;
    const result = record(state, policy, nowMs, breakerResult(attempt));
    states.set(attempt.endpointId, result.state);
    if (result.transition) transitions.push({ endpointId: attempt.endpointId, transition: result.transition });
  }
  await saveBreakers(client, states, now);
  await insertBreakerTransitions(client, transitions);
  transitionsOut?.push(...transitions);
  const deferrals = [...states.entries()]
    .filter(([, state]) => state.state === "open")
    .map(([endpointId, state]) => ({ endpointId, until: new Date(retryTime(state, nowMs)) }));
  await deferPendingDeliveries(client, deferrals, now);
  return transitions.flatMap(({ endpointId, transition }) => {
    const tenantId = tenantOf.get(endpointId);
    const event =
      tenantId === undefined
        ? null
        : breakerTransitionEvent({ tenantId, endpointId, transition, state: states.get(endpointId) });
    return event ? [event] : [];
  });
}

/**
 * The breaker tracks whether the endpoint is reachable and healthy: a permanent 4xx means it
 * answered (the request was refused), so only retryable failures count against it.
 */
function breakerResult(attempt: AttemptRecord): "success" | "failure" {
  return attempt.result === "retryable_failure" ? "failure" : "success";
}

function retryTime(state: BreakerState, nowMs: number): number {
  // Half-open with every probe slot taken: look again shortly.
  return Math.max(nowMs, nextProbeAt(state) ?? nowMs + 1000);
}
