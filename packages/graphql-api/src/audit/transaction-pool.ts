import type { Pool, PoolClient } from "@kapsel/db";

type QueryArgs = [config: unknown, ...rest: unknown[]];
type AnyQuery = (...args: QueryArgs) => Promise<unknown>;

const sqlText = (config: unknown): string =>
  (typeof config === "string" ? config : String((config as { text?: unknown } | null)?.text ?? ""))
    .trim()
    .toUpperCase();

/**
 * One open transaction seen as a pool, so code written against a pool (resolvers, loaders,
 * DeliveryAdmin) runs inside it unchanged: every statement goes to `client`, and a nested
 * `withTransaction` (connect, BEGIN, COMMIT or ROLLBACK, release) becomes a savepoint. That is how
 * a mutation's change and its audit record commit together (docs/decisions/0022-audit-log.md).
 */
export function transactionPool(client: PoolClient): Pool {
  let savepoints = 0;
  const query = ((...args: QueryArgs) => (client.query as AnyQuery)(...args)) as unknown as Pool["query"];
  const nested = (): PoolClient => {
    let savepoint: string | null = null;
    const nestedQuery = (async (...args: QueryArgs) => {
      const text = sqlText(args[0]);
      if (text === "BEGIN") {
        savepoint = `kapsel_nested_${++savepoints}`;
        return client.query(`SAVEPOINT ${savepoint}`);
      }
      if (savepoint !== null && (text === "COMMIT" || text === "ROLLBACK")) {
        const name = savepoint;
        savepoint = null;
        return client.query(text === "COMMIT" ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}`);
      }
      return (client.query as AnyQuery)(...args);
    }) as unknown as PoolClient["query"];
    return new Proxy(client, {
      get(target, property) {
        if (property === "query") return nestedQuery;
        // The connection belongs to the outer transaction: giving it back is the outer holder's job.
        if (property === "release") return () => undefined;
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(client as unknown as Pool, {
    get(target, property) {
      if (property === "query") return query;
      if (property === "connect") return async () => nested();
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
