import type { Pool, PoolClient } from "../pool.ts";

export interface TreeHead {
  treeSize: number;
  rootHash: Buffer;
  /** The C2SP signed note, verbatim. */
  checkpoint: string;
  keyId: string;
  createdAt: Date;
}

const COLUMNS = "tree_size, root_hash, checkpoint, key_id, created_at";

interface Row {
  tree_size: number;
  root_hash: Buffer;
  checkpoint: string;
  key_id: string;
  created_at: Date;
}

const toHead = (r: Row): TreeHead => ({
  treeSize: r.tree_size,
  rootHash: r.root_hash,
  checkpoint: r.checkpoint,
  keyId: r.key_id,
  createdAt: r.created_at,
});

// Served by the signed_tree_heads primary key (tree_size), read backwards.
const LATEST_SQL = `SELECT ${COLUMNS} FROM signed_tree_heads ORDER BY tree_size DESC LIMIT 1`;

export async function latestTreeHead(db: Pool | PoolClient): Promise<TreeHead | null> {
  const { rows } = await db.query<Row>({ name: "latest_tree_head", text: LATEST_SQL });
  return rows[0] ? toHead(rows[0]) : null;
}

const AT_SQL = `SELECT ${COLUMNS} FROM signed_tree_heads WHERE tree_size = $1`;

export async function treeHeadAt(db: Pool | PoolClient, treeSize: number): Promise<TreeHead | null> {
  const { rows } = await db.query<Row>({ name: "tree_head_at", text: AT_SQL, values: [treeSize] });
  return rows[0] ? toHead(rows[0]) : null;
}

const INSERT_SQL = `INSERT INTO signed_tree_heads (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)`;

export async function insertTreeHead(client: PoolClient, head: TreeHead): Promise<void> {
  await client.query({
    name: "insert_tree_head",
    text: INSERT_SQL,
    values: [head.treeSize, head.rootHash, head.checkpoint, head.keyId, head.createdAt],
  });
}
