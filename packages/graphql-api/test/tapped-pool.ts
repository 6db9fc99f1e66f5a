import type { Pool, PoolClient } from "@kapsel/db";

export interface TappedStatement {
  /** The statement's name when it has one (e.g. gql_event_payloads), else its text. */
  sql: string;
  values: readonly unknown[];
  /** Bytes of the bytea values in the rows it returned: what it brought into the API process. */
  bytesRead: number;
}

export interface Tap {
  /** Pass as `readPool`: tenants' query operations run their statements on its connections. */
  pool: Pool;
  /** Every statement sent over its connections, once answered. */
  statements: TappedStatement[];
  /** While set, statements it answers true for wait (before they are sent) until `releaseHeld()`. */
  hold: ((statement: { sql: string; values: readonly unknown[] }) => boolean) | null;
  /** Statements waiting now. */
  readonly held: number;
  releaseHeld(): void;
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * `pool`, with the statements its connections run watched by the test: what they read, and a gate
 * that holds chosen ones (e.g. a payload read) open for as long as the test wants.
 */
export function tapPool(pool: Pool): Tap {
  let waiting: Array<() => void> = [];
  const tap: Tap = {
    pool: undefined as unknown as Pool,
    statements: [],
    hold: null,
    get held() {
      return waiting.length;
    },
    releaseHeld() {
      const released = waiting;
      waiting = [];
      for (const go of released) go();
    },
  };
  const tapped = (client: PoolClient): PoolClient => {
    const query: Query = async (...args) => {
      const [config, maybeValues] = args;
      const named = typeof config === "object" && config !== null ? (config as { name?: string; text?: string }) : null;
      const sql = named ? (named.name ?? named.text ?? "") : String(config);
      const values = ((named as { values?: unknown[] } | null)?.values ?? maybeValues ?? []) as unknown[];
      if (tap.hold?.({ sql, values })) await new Promise<void>((resolve) => waiting.push(resolve));
      const result = (await (client.query as unknown as Query)(...args)) as { rows?: Record<string, unknown>[] };
      let bytesRead = 0;
      for (const row of result.rows ?? [])
        for (const value of Object.values(row)) if (Buffer.isBuffer(value)) bytesRead += value.length;
      tap.statements.push({ sql, values, bytesRead });
      return result;
    };
    return new Proxy(client, {
      get(target, property) {
        if (property === "query") return query;
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
  tap.pool = new Proxy(pool, {
    get(target, property) {
      if (property === "connect") return async () => tapped(await target.connect());
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return tap;
}
