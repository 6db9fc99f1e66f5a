import type { Pool } from "@kapsel/db";
import type { LeafModel } from "../models.ts";

/**
 * Committed leaves of the tenant's attempts among `attemptIds` (attempts still waiting for the
 * committer are absent). Served by merkle_leaves' unique attempt_id and the attempts primary key.
 */
export async function leavesByAttempt(
  db: Pool,
  tenantId: string,
  attemptIds: readonly string[],
): Promise<Map<string, LeafModel>> {
  const { rows } = await db.query<{ attempt_id: string; leaf_index: number; leaf: Buffer }>({
    name: "gql_leaves_by_attempt",
    text: `SELECT l.attempt_id, l.leaf_index, l.leaf
             FROM merkle_leaves l JOIN delivery_attempts a ON a.id = l.attempt_id
            WHERE a.tenant_id = $1 AND l.attempt_id = ANY($2::text[])`,
    values: [tenantId, attemptIds],
  });
  return new Map(rows.map((r) => [r.attempt_id, { attemptId: r.attempt_id, leafIndex: r.leaf_index, leaf: r.leaf }]));
}
