import { bucketCapacity, msUntilToken, retryAfterSeconds } from "@kapsel/core";
import { leaseRateTokens, type Pool } from "@kapsel/db";
import type { TenantModel } from "../models.ts";

export type TestEventAdmission = { outcome: "admitted" } | { outcome: "limited"; retryAfterSeconds: number };

const ADMITTED: TestEventAdmission = { outcome: "admitted" };

/**
 * A test event is an event: it spends one token of its tenant's ingest rate limit (decision 0015),
 * taken from the bucket row every ingest process leases from, by the same statement
 * (leaseRateTokens) with the same capacity, so ingest and test events together stay within the
 * tenant's budget. One token per test event, not a lease to spend later: the API keeps none, so
 * nothing it takes lapses unspent. A tenant without a limit costs nothing.
 */
export async function admitTestEvent(
  db: Pool,
  tenant: Pick<TenantModel, "id" | "ingestRatePerSecond" | "ingestRateBurst">,
  burstSeconds: number,
  nowMs: number,
): Promise<TestEventAdmission> {
  const ratePerSecond = tenant.ingestRatePerSecond;
  if (ratePerSecond === null) return ADMITTED;
  const capacity = bucketCapacity(ratePerSecond, burstSeconds, tenant.ingestRateBurst);
  const leased = await leaseRateTokens(db, { tenantId: tenant.id, ratePerSecond, capacity, want: 1, nowMs });
  // Null: the tenant is gone (its key authenticated a moment ago); the insert finds no endpoint.
  if (leased === null || leased.granted === 1) return ADMITTED;
  return { outcome: "limited", retryAfterSeconds: retryAfterSeconds(msUntilToken(leased.tokens, ratePerSecond)) };
}
