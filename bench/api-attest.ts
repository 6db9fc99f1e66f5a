import { encodeAttemptLeaf } from "@kapsel/attestation";
import { commitBatch, type LogSigner } from "@kapsel/attestation-log";
import type { Pool } from "@kapsel/db";

/*
 * Puts every seeded attempt into the attestation log the way production does: a leaf per attempt
 * encoded by the real encodeAttemptLeaf (as packages/delivery/src/attempt-record.ts does), queued
 * in pending_leaves, then moved into the log by the real committer (commitBatch), which stores
 * the leaves, node hashes and a signed checkpoint. Chunks bound the bench's memory.
 */

const READ_SQL = `
SELECT a.id, a.event_id, a.tenant_id, a.endpoint_id, a.request_url, a.attempt_number, a.started_at, a.duration_ms,
       a.response_status, a.result::text, encode(e.payload_sha256, 'hex') AS payload_hex,
       encode(a.response_body_sha256, 'hex') AS body_hex
  FROM delivery_attempts a JOIN events e ON e.id = a.event_id
 WHERE a.id > $1 ORDER BY a.id LIMIT $2`;

interface AttemptRow {
  id: string;
  event_id: string;
  tenant_id: string;
  endpoint_id: string;
  request_url: string;
  attempt_number: number;
  started_at: Date;
  duration_ms: number;
  response_status: number | null;
  result: "success" | "retryable_failure" | "permanent_failure";
  payload_hex: string;
  body_hex: string | null;
}

export interface AttestResult {
  leaves: number;
  treeSize: number;
  encodeSeconds: number;
  commitSeconds: number;
}

export async function attestAllAttempts(pool: Pool, logSigner: LogSigner, chunk = 50_000): Promise<AttestResult> {
  let leaves = 0;
  const encodeStart = performance.now();
  for (let after = ""; ; ) {
    const { rows } = await pool.query<AttemptRow>(READ_SQL, [after, chunk]);
    if (rows.length === 0) break;
    const leafBytes = rows.map((r) =>
      Buffer.from(
        encodeAttemptLeaf({
          attempt_id: r.id,
          event_id: r.event_id,
          tenant_id: r.tenant_id,
          endpoint_id: r.endpoint_id,
          url: r.request_url,
          attempt_number: r.attempt_number,
          payload_sha256: r.payload_hex,
          requested_at: r.started_at.toISOString(),
          duration_ms: r.duration_ms,
          // The leaf records transport errors only; an HTTP status is the outcome itself.
          outcome: {
            status: r.response_status,
            error_class: r.response_status === null ? "timeout" : null,
            result: r.result,
          },
          response_body_sha256: r.body_hex,
        }),
      ),
    );
    // Queued when the attempt finished, so the log holds attempts in the order they happened.
    await pool.query(
      `INSERT INTO pending_leaves (attempt_id, leaf, enqueued_at)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::timestamptz[])`,
      [rows.map((r) => r.id), leafBytes, rows.map((r) => new Date(r.started_at.getTime() + r.duration_ms))],
    );
    leaves += rows.length;
    after = rows.at(-1)!.id;
  }
  const commitStart = performance.now();
  let treeSize = 0;
  for (;;) {
    const result = await commitBatch(pool, logSigner, chunk, Date.now());
    if (result.outcome === "nothing_pending") break;
    if (result.outcome !== "committed") throw new Error(`commitBatch gave ${JSON.stringify(result)}`);
    treeSize = result.treeSize;
  }
  if (treeSize !== leaves) throw new Error(`log has ${treeSize} leaves, ${leaves} attempts were queued`);
  return {
    leaves,
    treeSize,
    encodeSeconds: (commitStart - encodeStart) / 1000,
    commitSeconds: (performance.now() - commitStart) / 1000,
  };
}

/** `count` random attested attempts of `tenantId`, for the receipt query to rotate through. */
export async function randomAttestedAttempts(pool: Pool, tenantId: string, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ attempt_id: string }>(
    `SELECT l.attempt_id FROM merkle_leaves l JOIN delivery_attempts a ON a.id = l.attempt_id
      WHERE a.tenant_id = $1 ORDER BY random() LIMIT $2`,
    [tenantId, count],
  );
  return rows.map((r) => r.attempt_id);
}
