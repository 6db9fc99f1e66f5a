import type { Pool, PoolClient } from "../pool.ts";

/** A leaf waiting for the committer: an attempt's (attemptId) or an audit record's (auditId). */
export interface PendingLeaf {
  attemptId: string | null;
  auditId: string | null;
  leaf: Buffer;
}

// Oldest first, so leaves enter the log in the order attempts and audit records were recorded.
// Served by pending_leaves_order_idx.
const TAKE_SQL = `
SELECT attempt_id, audit_id, leaf FROM pending_leaves ORDER BY enqueued_at, attempt_id, audit_id LIMIT $1`;

export async function takePendingLeaves(client: PoolClient, limit: number): Promise<PendingLeaf[]> {
  const { rows } = await client.query<{ attempt_id: string | null; audit_id: string | null; leaf: Buffer }>({
    name: "take_pending_leaves",
    text: TAKE_SQL,
    values: [limit],
  });
  return rows.map((r) => ({ attemptId: r.attempt_id, auditId: r.audit_id, leaf: r.leaf }));
}

// Moves leaves from the queue into the log in one statement. Served by primary keys and the
// unique attempt_id / audit_id of pending_leaves.
const APPEND_SQL = `
WITH appended AS (
  INSERT INTO merkle_leaves (leaf_index, attempt_id, audit_id, leaf, leaf_hash, committed_at)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::timestamptz[])
  RETURNING attempt_id, audit_id
)
DELETE FROM pending_leaves
 WHERE attempt_id IN (SELECT attempt_id FROM appended) OR audit_id IN (SELECT audit_id FROM appended)`;

export async function appendLeaves(
  client: PoolClient,
  firstIndex: number,
  leaves: readonly { attemptId: string | null; auditId: string | null; leaf: Buffer; leafHash: Buffer }[],
  committedAt: Date,
): Promise<void> {
  await client.query({
    name: "append_leaves",
    text: APPEND_SQL,
    values: [
      leaves.map((_, i) => firstIndex + i),
      leaves.map((l) => l.attemptId),
      leaves.map((l) => l.auditId),
      leaves.map((l) => l.leaf),
      leaves.map((l) => l.leafHash),
      leaves.map(() => committedAt),
    ],
  });
}

// Counting stops at `threshold`: the committer only needs to know "enough to commit".
// Served by pending_leaves_order_idx.
const BACKLOG_SQL = `
SELECT (SELECT count(*) FROM (SELECT 1 FROM pending_leaves LIMIT $1) s)::int AS count,
       (SELECT min(enqueued_at) FROM pending_leaves) AS oldest`;

export async function pendingLeafBacklog(
  pool: Pool,
  threshold: number,
): Promise<{ count: number; oldest: Date | null }> {
  const { rows } = await pool.query<{ count: number; oldest: Date | null }>({
    name: "pending_leaf_backlog",
    text: BACKLOG_SQL,
    values: [threshold],
  });
  return rows[0] ?? { count: 0, oldest: null };
}

export interface CommittedLeaf {
  attemptId: string;
  leafIndex: number;
  leaf: Buffer;
}

// A tenant sees only its own attempts' leaves. Served by merkle_leaves' unique attempt_id.
const FIND_SQL = `
SELECT l.attempt_id, l.leaf_index, l.leaf
  FROM merkle_leaves l
  JOIN delivery_attempts a ON a.id = l.attempt_id
 WHERE l.attempt_id = $1 AND a.tenant_id = $2`;

export async function findCommittedLeaf(
  pool: Pool,
  tenantId: string,
  attemptId: string,
): Promise<CommittedLeaf | null> {
  const { rows } = await pool.query<{ attempt_id: string; leaf_index: number; leaf: Buffer }>({
    name: "find_committed_leaf",
    text: FIND_SQL,
    values: [attemptId, tenantId],
  });
  const row = rows[0];
  return row ? { attemptId: row.attempt_id, leafIndex: row.leaf_index, leaf: row.leaf } : null;
}

// Whether a tenant's attempt exists but waits for the committer. Served by primary keys.
const PENDING_SQL = `
SELECT 1 FROM pending_leaves p JOIN delivery_attempts a ON a.id = p.attempt_id
 WHERE p.attempt_id = $1 AND a.tenant_id = $2`;

export async function isLeafPending(pool: Pool, tenantId: string, attemptId: string): Promise<boolean> {
  const { rowCount } = await pool.query({ name: "is_leaf_pending", text: PENDING_SQL, values: [attemptId, tenantId] });
  return (rowCount ?? 0) > 0;
}
