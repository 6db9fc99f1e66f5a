import type { Pool } from "@kapsel/db";
import { type BreakerModel, type TransitionModel, toEnum } from "../models.ts";
import { groupBy } from "./sql-builder.ts";

interface BreakerRow {
  endpoint_id: string;
  state: string;
  window_started_at: Date;
  window_successes: number;
  window_failures: number;
  opened_at: Date | null;
  cooldown_ms: number;
}

/**
 * Breakers of the tenant's endpoints among `endpointIds`; endpoints without a row yet (never
 * delivered to) are absent. Breakers carry no tenant_id: the join to endpoints scopes them.
 */
export async function breakersByEndpoint(
  db: Pool,
  tenantId: string,
  endpointIds: readonly string[],
): Promise<Map<string, BreakerModel>> {
  const { rows } = await db.query<BreakerRow>({
    name: "gql_breakers_by_endpoint",
    text: `SELECT cb.endpoint_id, cb.state, cb.window_started_at, cb.window_successes, cb.window_failures,
                  cb.opened_at, cb.cooldown_ms
             FROM circuit_breakers cb JOIN endpoints e ON e.id = cb.endpoint_id
            WHERE e.tenant_id = $1 AND cb.endpoint_id = ANY($2::text[])`,
    values: [tenantId, endpointIds],
  });
  return new Map(
    rows.map((r) => [
      r.endpoint_id,
      {
        tenantId,
        endpointId: r.endpoint_id,
        state: toEnum(r.state),
        windowStartedAt: r.window_started_at,
        windowSuccesses: r.window_successes,
        windowFailures: r.window_failures,
        openedAt: r.state === "closed" ? null : r.opened_at,
        nextProbeAt: r.state === "open" && r.opened_at ? new Date(r.opened_at.getTime() + r.cooldown_ms) : null,
        cooldownMs: r.cooldown_ms,
      },
    ]),
  );
}

/** The breaker of an endpoint that was never delivered to: closed, empty window. */
export function initialBreaker(tenantId: string, endpointId: string, since: Date): BreakerModel {
  return {
    tenantId,
    endpointId,
    state: "CLOSED",
    windowStartedAt: since,
    windowSuccesses: 0,
    windowFailures: 0,
    openedAt: null,
    nextProbeAt: null,
    cooldownMs: 30_000, // the column's default
  };
}

interface TransitionRow {
  endpoint_id: string;
  from_state: string;
  to_state: string;
  reason: string;
  at: Date;
}

/** The latest `first` transitions of each of the tenant's endpoints. Served by circuit_breaker_transitions_endpoint_idx. */
export async function transitionsByEndpoint(
  db: Pool,
  tenantId: string,
  endpointIds: readonly string[],
  first: number,
): Promise<Map<string, TransitionModel[]>> {
  const { rows } = await db.query<TransitionRow>({
    name: "gql_transitions_by_endpoint",
    text: `SELECT t.endpoint_id, t.from_state, t.to_state, t.reason, t.at
             FROM endpoints e
             CROSS JOIN LATERAL (
               SELECT t.* FROM circuit_breaker_transitions t
                WHERE t.endpoint_id = e.id ORDER BY t.at DESC, t.id DESC LIMIT $3
             ) t
            WHERE e.tenant_id = $1 AND e.id = ANY($2::text[])
            ORDER BY t.endpoint_id, t.at DESC, t.id DESC`,
    values: [tenantId, endpointIds, first],
  });
  const groups = groupBy(rows, (r) => r.endpoint_id);
  return new Map(
    endpointIds.map((id) => [
      id,
      (groups.get(id) ?? []).map((r) => ({
        from: toEnum(r.from_state),
        to: toEnum(r.to_state),
        reason: r.reason,
        at: r.at,
      })),
    ]),
  );
}
