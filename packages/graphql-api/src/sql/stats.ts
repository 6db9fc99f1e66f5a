import type { Pool } from "@kapsel/db";
import type { StatsModel } from "../models.ts";

interface Row {
  endpoint_id: string;
  total: number;
  succeeded: number;
  retryable: number;
  permanent: number;
  p50: number | null;
  p95: number | null;
}

/**
 * Delivery statistics of the tenant's endpoints since `since`, in one statement. Served by
 * delivery_attempts_endpoint_started_idx (endpoint_id, started_at DESC).
 */
export async function endpointStats(
  db: Pool,
  tenantId: string,
  endpointIds: readonly string[],
  since: Date,
  windowHours: number,
): Promise<Map<string, StatsModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_endpoint_stats",
    text: `SELECT a.endpoint_id, count(*)::int AS total,
                  count(*) FILTER (WHERE a.result = 'success')::int AS succeeded,
                  count(*) FILTER (WHERE a.result = 'retryable_failure')::int AS retryable,
                  count(*) FILTER (WHERE a.result = 'permanent_failure')::int AS permanent,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95
             FROM delivery_attempts a
            WHERE a.tenant_id = $1 AND a.endpoint_id = ANY($2::text[]) AND a.started_at >= $3
            GROUP BY a.endpoint_id`,
    values: [tenantId, endpointIds, since],
  });
  const found = new Map(rows.map((r) => [r.endpoint_id, r]));
  return new Map(
    endpointIds.map((id) => {
      const r = found.get(id);
      return [
        id,
        {
          tenantId,
          endpointId: id,
          windowHours,
          since,
          total: r?.total ?? 0,
          succeeded: r?.succeeded ?? 0,
          retryableFailures: r?.retryable ?? 0,
          permanentFailures: r?.permanent ?? 0,
          successRate: r && r.total > 0 ? r.succeeded / r.total : null,
          p50LatencyMs: r?.p50 ?? null,
          p95LatencyMs: r?.p95 ?? null,
        },
      ];
    }),
  );
}
