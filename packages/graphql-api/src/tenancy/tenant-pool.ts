import type { Pool, PoolClient } from "@kapsel/db";
import pg from "pg";

/** The setting the row-level security policies compare tenant_id with (migration 20261123080000). */
export const TENANT_SETTING = "kapsel.tenant_id";

/** The role the API's tenant statements run as (API_DATABASE_ROLE) and whose rows they may see. */
export interface TenantScope {
  role: string;
  tenantId: string;
}

type QueryArgs = [config: unknown, ...rest: unknown[]];
type AnyQuery = (...args: QueryArgs) => Promise<unknown>;

/*
 * Opens a tenant's transaction: one simple-protocol message, so one round trip. SET LOCAL and
 * set_config(..., true) end with the transaction, so a pooled connection never carries a role or a
 * tenant past it, whatever happens to it afterwards.
 */
export function beginSql(scope: TenantScope, mode: "" | "READ ONLY" = ""): string {
  return `BEGIN${mode ? ` ${mode}` : ""}; SET LOCAL ROLE ${pg.escapeIdentifier(scope.role)}; SELECT set_config('${TENANT_SETTING}', ${pg.escapeLiteral(scope.tenantId)}, true)`;
}

const sqlText = (config: unknown): string =>
  typeof config === "string" ? config : String((config as { text?: unknown } | null)?.text ?? "");

/**
 * Runs one statement in its own tenant transaction on `client`. If even ROLLBACK fails, the
 * connection is in an unknown state: `onBroken` says so, and its holder destroys it.
 */
async function scopedStatement(
  client: PoolClient,
  begin: string,
  args: QueryArgs,
  onBroken: () => void,
): Promise<unknown> {
  try {
    await client.query(begin);
    const result = await (client.query as AnyQuery)(...args);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(onBroken);
    throw error;
  }
}

/**
 * The pool as one tenant sees it under row-level security: every statement runs as `scope.role`
 * with kapsel.tenant_id set to `scope.tenantId`, in a transaction of its own (BEGIN + settings in
 * one round trip, the statement, COMMIT), so DataLoader batches stay one statement each.
 * `connect()` hands out a client whose `BEGIN` opens such a transaction (withTransaction works
 * unchanged); a statement sent on it outside BEGIN … COMMIT is wrapped like a pool query, so
 * every statement sent through this object starts under the role. (This guards against forgotten
 * filters in our own SQL, which never changes roles; it is no sandbox for arbitrary SQL.)
 */
export function tenantScopedPool(pool: Pool, scope: TenantScope): Pool {
  const begin = beginSql(scope);
  const query = (async (...args: QueryArgs) => {
    const client = await pool.connect();
    let broken = false;
    try {
      return await scopedStatement(client, begin, args, () => {
        broken = true;
      });
    } finally {
      client.release(broken || undefined);
    }
  }) as unknown as Pool["query"];
  const connect = (async () => scopedClient(await pool.connect(), begin)) as unknown as Pool["connect"];
  return new Proxy(pool, {
    get(target, property) {
      if (property === "query") return query;
      if (property === "connect") return connect;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function scopedClient(client: PoolClient, begin: string): PoolClient {
  let open = false;
  let broken = false;
  const onBroken = () => {
    broken = true;
  };
  const query = (async (...args: QueryArgs) => {
    const text = sqlText(args[0]).trim().toUpperCase();
    if (!open) {
      if (text !== "BEGIN") return scopedStatement(client, begin, args, onBroken);
      // Open from here on even if a setting fails: the caller's ROLLBACK must reach the server.
      open = true;
      return client.query(begin);
    }
    if (text === "BEGIN") throw new Error("a tenant transaction is already open on this connection");
    if (text === "COMMIT" || text === "ROLLBACK") open = false;
    return (client.query as AnyQuery)(...args);
  }) as unknown as PoolClient["query"];
  // A client given back inside an open transaction is destroyed rather than pooled mid-transaction.
  const release = (error?: Error | boolean) => {
    const unfinished = open || broken;
    open = false;
    return client.release(unfinished ? (error ?? true) : error);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === "query") return query;
      if (property === "release") return release;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
