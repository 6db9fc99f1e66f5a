import type { FailingSinceChange } from "@kapsel/core";
import type { PoolClient } from "../pool.ts";

export interface FailingEndpoint {
  endpointId: string;
  tenantId: string;
  failingSince: Date;
  status: "active" | "paused" | "disabled";
}

/*
 * Moves endpoints' failing_since by one batch of attempts (failingSinceChanges in @kapsel/core) and
 * returns every endpoint of the batch that is failing now, for the auto-disable rule. Rows are only
 * written (and locked, in id order so that concurrent batches cannot deadlock) when the value
 * changes: the first failure after a success, the first success after failures. A batch of
 * successes for healthy endpoints reads them by primary key and writes nothing. NO KEY UPDATE, like
 * the UPDATE itself: recorded attempts hold KEY SHARE on the endpoint (their foreign key) and must not wait.
 * Served by the endpoints primary key.
 */
const SQL = `
WITH s AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS s(endpoint_id, change, at)
),
locked AS (
  SELECT ep.id
    FROM endpoints ep JOIN s ON s.endpoint_id = ep.id
   WHERE (s.change = 'clear' AND ep.failing_since IS NOT NULL)
      OR (s.change = 'restart' AND ep.failing_since IS DISTINCT FROM s.at)
      OR (s.change = 'continue' AND ep.failing_since IS NULL)
   ORDER BY ep.id
     FOR NO KEY UPDATE OF ep
),
changed AS (
  UPDATE endpoints ep
     SET failing_since = CASE s.change WHEN 'clear' THEN NULL
                                       WHEN 'restart' THEN s.at
                                       ELSE coalesce(ep.failing_since, s.at) END
    FROM s JOIN locked l ON l.id = s.endpoint_id
   WHERE ep.id = s.endpoint_id
  RETURNING ep.id, ep.tenant_id, ep.failing_since, ep.status::text AS status
)
SELECT id, tenant_id, failing_since, status FROM changed WHERE failing_since IS NOT NULL
UNION ALL
SELECT ep.id, ep.tenant_id, ep.failing_since, ep.status::text
  FROM endpoints ep JOIN s ON s.endpoint_id = ep.id
 WHERE s.change <> 'clear' AND ep.failing_since IS NOT NULL AND ep.id NOT IN (SELECT id FROM changed)`;

/** Applies the batch's changes; returns the endpoints that are failing after it. Run inside the record transaction. */
export async function trackEndpointHealth(
  client: PoolClient,
  changes: readonly FailingSinceChange[],
): Promise<FailingEndpoint[]> {
  if (changes.length === 0) return [];
  const { rows } = await client.query<{ id: string; tenant_id: string; failing_since: Date; status: string }>({
    name: "track_endpoint_health",
    text: SQL,
    values: [
      changes.map((c) => c.endpointId),
      changes.map((c) => c.change),
      changes.map((c) => (c.change === "clear" ? null : new Date(c.atMs))),
    ],
  });
  return rows.map((r) => ({
    endpointId: r.id,
    tenantId: r.tenant_id,
    failingSince: r.failing_since,
    status: r.status as FailingEndpoint["status"],
  }));
}
