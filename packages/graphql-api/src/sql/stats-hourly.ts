import type { Pool } from "@kapsel/db";
import type { StatsBucketModel } from "../models.ts";

interface Row {
  endpoint_id: string;
  bucket: number;
  total: number;
  succeeded: number;
  p95: number | null;
}

const HOUR_MS = 3_600_000;

/**
 * The tenant's endpoints' attempts since `since`, per hour of the window, in one statement; hours
 * without attempts are filled in here. Served, like endpointStats, by
 * delivery_attempts_endpoint_started_idx (endpoint_id, started_at DESC).
 */
export async function endpointHourlyStats(
  db: Pool,
  tenantId: string,
  endpointIds: readonly string[],
  since: Date,
  windowHours: number,
): Promise<Map<string, StatsBucketModel[]>> {
  const { rows } = await db.query<Row>({
    name: "gql_endpoint_stats_hourly",
    // An attempt stamped after the window's end (clock skew between processes) counts in the last hour.
    text: `SELECT a.endpoint_id,
                  least(floor(extract(epoch FROM a.started_at - $3::timestamptz) / 3600), $4 - 1)::int AS bucket,
                  count(*)::int AS total,
                  count(*) FILTER (WHERE a.result = 'success')::int AS succeeded,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95
             FROM delivery_attempts a
            WHERE a.tenant_id = $1 AND a.endpoint_id = ANY($2::text[]) AND a.started_at >= $3
            GROUP BY 1, 2`,
    values: [tenantId, endpointIds, since, windowHours],
  });
  const found = new Map(rows.map((r) => [`${r.endpoint_id}|${r.bucket}`, r]));
  return new Map(
    endpointIds.map((id) => [
      id,
      Array.from({ length: windowHours }, (_, bucket): StatsBucketModel => {
        const r = found.get(`${id}|${bucket}`);
        return {
          start: new Date(since.getTime() + bucket * HOUR_MS),
          total: r?.total ?? 0,
          succeeded: r?.succeeded ?? 0,
          failed: r ? r.total - r.succeeded : 0,
          successRate: r && r.total > 0 ? r.succeeded / r.total : null,
          p95LatencyMs: r?.p95 ?? null,
        };
      }),
    ]),
  );
}
