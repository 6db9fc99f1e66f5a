import pg from "pg";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  connectionString: string;
  max?: number;
  /** Called when an idle connection dies (e.g. the server restarted); the pool replaces it. */
  onIdleError?: (error: Error) => void;
  applicationName?: string;
}

// bigint (int8) columns come back as strings by default; Kapsel's int8 values (leaf indexes, tree
// sizes) stay far below 2^53, so numbers are safe and far easier to use.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "kapsel",
  });
  // Without a listener, an idle client's error (server restart) would crash the process.
  pool.on("error", (error) => options.onIdleError?.(error));
  // A connection that dies while checked out (e.g. between two statements of a transaction when
  // the server restarts) emits "error" on its client, which pg-pool does not listen to then: that
  // crashed the process. The client's next query fails instead, and the pool discards it on release.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

/** True when PostgreSQL answers a trivial query. */
export async function isReachable(pool: Pool): Promise<boolean> {
  try {
    await pool.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

/** Runs `work` in one transaction on one connection; rolls back if it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
