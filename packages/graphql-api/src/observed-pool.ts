import type { Pool } from "@kapsel/db";

/** Called with the SQL text of every query the API sends (tests count them; metrics may later). */
export type QueryObserver = (sql: string) => void;

/**
 * The pool, with every `query` reported to `observe` first. Everything else (connect, end, events)
 * is the pool's own, so it can be passed wherever a Pool is expected.
 */
export function observedPool(pool: Pool, observe: QueryObserver): Pool {
  const query = ((config: unknown, ...rest: unknown[]) => {
    observe(typeof config === "string" ? config : String((config as { text?: unknown }).text ?? ""));
    return (pool.query as (...args: unknown[]) => unknown)(config, ...rest);
  }) as Pool["query"];
  return new Proxy(pool, {
    get(target, property) {
      if (property === "query") return query;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
