import { describeDisableReason, failingSinceChanges, shouldAutoDisable } from "@kapsel/core";
import {
  type AttemptRecord,
  type DisabledEndpoint,
  disableEndpoints,
  type EndpointToDisable,
  type PoolClient,
  trackEndpointHealth,
} from "@kapsel/db";

/**
 * What a batch of attempts says about the endpoints themselves, applied in the transaction that
 * records them: a 410 Gone disables its endpoint at once; an endpoint with no success for
 * `autoDisableAfterMs` (0: never) while attempts kept failing is disabled as "failing". Returns the
 * endpoints disabled by this batch, for the worker's log.
 */
export async function applyReceiverSignals(
  client: PoolClient,
  records: readonly AttemptRecord[],
  nowMs: number,
  autoDisableAfterMs: number,
): Promise<DisabledEndpoint[]> {
  const changes = failingSinceChanges(
    records.map((r) => ({ endpointId: r.endpointId, ok: r.result === "success", atMs: r.startedAt.getTime() })),
  );
  const failing = await trackEndpointHealth(client, changes);
  const toDisable: EndpointToDisable[] = [];
  const gone = new Set<string>();
  for (const r of records) {
    if (!r.disablesEndpoint || gone.has(r.endpointId)) continue;
    gone.add(r.endpointId);
    toDisable.push({
      endpointId: r.endpointId,
      reason: describeDisableReason({ kind: "gone", atMs: r.startedAt.getTime() }),
    });
  }
  for (const f of failing) {
    if (gone.has(f.endpointId) || f.status === "disabled") continue;
    const failingSinceMs = f.failingSince.getTime();
    if (!shouldAutoDisable({ failingSinceMs, nowMs, afterMs: autoDisableAfterMs })) continue;
    toDisable.push({
      endpointId: f.endpointId,
      reason: describeDisableReason({
        kind: "failing",
        sinceMs: failingSinceMs,
        afterMs: autoDisableAfterMs,
        atMs: nowMs,
      }),
    });
  }
  return disableEndpoints(client, toDisable, new Date(nowMs));
}
