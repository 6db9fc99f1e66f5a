import type { Pool, PoolClient } from "../pool.ts";

export interface MerkleNodeRow {
  level: number;
  index: number;
  hash: Buffer;
}

// One query for all the nodes a proof needs. Served by the merkle_nodes primary key.
const READ_SQL = `
SELECT n.level, n.idx, n.hash
  FROM unnest($1::smallint[], $2::bigint[]) AS q(level, idx)
  JOIN merkle_nodes n ON n.level = q.level AND n.idx = q.idx`;

/** The stored hashes of the requested nodes, in request order; null where a node is not stored. */
export async function readMerkleNodes(
  db: Pool | PoolClient,
  nodes: readonly { level: number; index: number }[],
): Promise<(Buffer | null)[]> {
  if (nodes.length === 0) return [];
  const { rows } = await db.query<{ level: number; idx: number; hash: Buffer }>({
    name: "read_merkle_nodes",
    text: READ_SQL,
    values: [nodes.map((n) => n.level), nodes.map((n) => n.index)],
  });
  const found = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
  return nodes.map((n) => found.get(`${n.level}/${n.index}`) ?? null);
}

const INSERT_SQL = `
INSERT INTO merkle_nodes (level, idx, hash)
SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`;

export async function insertMerkleNodes(client: PoolClient, nodes: readonly MerkleNodeRow[]): Promise<void> {
  if (nodes.length === 0) return;
  await client.query({
    name: "insert_merkle_nodes",
    text: INSERT_SQL,
    values: [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
  });
}
