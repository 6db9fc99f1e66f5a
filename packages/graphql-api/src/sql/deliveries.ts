import type { Pool } from "@kapsel/db";
import { type DeliveryModel, toEnum } from "../models.ts";
import { groupBy } from "./sql-builder.ts";

// Deliveries carry the state that changes while an event is delivered (decision 0024). Every read
// is scoped to the tenant in SQL (and by row-level security underneath).
const COLUMNS = `d.id, d.tenant_id, d.event_id, d.endpoint_id, d.subscription_id, d.status, d.attempts, d.next_attempt_at, d.last_error,
  d.delivered_at, d.failed_at, d.created_at, d.updated_at`;

interface Row {
  id: string;
  tenant_id: string;
  event_id: string;
  endpoint_id: string;
  subscription_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  delivered_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toDelivery = (r: Row): DeliveryModel => ({
  id: r.id,
  tenantId: r.tenant_id,
  eventId: r.event_id,
  endpointId: r.endpoint_id,
  subscriptionId: r.subscription_id,
  status: toEnum(r.status),
  attemptCount: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  failedAt: r.failed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The tenant's deliveries among `ids`. Served by the deliveries primary key. */
export async function deliveriesByIds(
  db: Pool,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, DeliveryModel>> {
  const { rows } = await db.query<Row>({
    name: "gql_deliveries_by_ids",
    text: `SELECT ${COLUMNS} FROM deliveries d WHERE d.tenant_id = $1 AND d.id = ANY($2::text[])`,
    values: [tenantId, ids],
  });
  return new Map(rows.map((r) => [r.id, toDelivery(r)]));
}

/**
 * The first `first` deliveries of each of several of the tenant's events, oldest first, in one
 * statement. Served by deliveries_event_endpoint_key (event_id leads it).
 */
export async function deliveriesByEvent(
  db: Pool,
  tenantId: string,
  eventIds: readonly string[],
  first: number,
): Promise<Map<string, DeliveryModel[]>> {
  const { rows } = await db.query<Row>({
    name: "gql_deliveries_by_event",
    text: `SELECT p.* FROM unnest($2::text[]) AS k(event_id)
           CROSS JOIN LATERAL (
             SELECT ${COLUMNS} FROM deliveries d
              WHERE d.tenant_id = $1 AND d.event_id = k.event_id
              ORDER BY d.created_at, d.id LIMIT $3
           ) p
           ORDER BY p.event_id, p.created_at, p.id`,
    values: [tenantId, eventIds, first],
  });
  const groups = groupBy(rows, (r) => r.event_id);
  return new Map(eventIds.map((id) => [id, (groups.get(id) ?? []).map(toDelivery)]));
}
