import type { Pool, PoolClient } from "@kapsel/db";
import { beginSql, type TenantScope, tenantScopedPool } from "./tenant-pool.ts";

type QueryArgs = [config: unknown, ...rest: unknown[]];
type AnyQuery = (...args: QueryArgs) => Promise<unknown>;

/**
 * A tenant's database for one GraphQL request. Until `pin()`, each statement runs in a tenant
 * transaction of its own (tenantScopedPool: mutations and subscriptions, whose writes commit as
 * they happen). After `pin()` (a query operation: reads only), the request's statements share one
 * pooled connection and one READ ONLY tenant transaction, opened at the first statement and ended
 * by `finish()`: two extra round trips per request instead of two per statement. DataLoader batches
 * stay one statement each; statements that arrive together are sent one after the other.
 */
export class TenantRequestSession {
  /** Pass this to resolvers, loaders and DeliveryAdmin. */
  readonly db: Pool;
  private readonly scoped: Pool;
  private readonly begin: string;
  private pinned = false;
  private finished = false;
  private client: PoolClient | null = null;
  private open = false;
  private broken = false;
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * `pool` serves every statement that may write; `readPool` (a read replica when the operator
   * configured one, else the same pool) serves the pinned read-only transaction.
   */
  constructor(
    pool: Pool,
    scope: TenantScope,
    private readonly readPool: Pool = pool,
  ) {
    this.scoped = tenantScopedPool(pool, scope);
    this.begin = beginSql(scope, "READ ONLY");
    const query = ((...args: QueryArgs) =>
      this.pinned && !this.finished ? this.enqueue(args) : (this.scoped.query as AnyQuery)(...args)) as Pool["query"];
    const scoped = this.scoped;
    this.db = new Proxy(scoped, {
      get(target, property) {
        if (property === "query") return query;
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  /** From now on the request only reads: share one connection and one read-only transaction. */
  pin(): void {
    if (!this.finished) this.pinned = true;
  }

  /** Ends the shared transaction and gives its connection back. Idempotent; never throws. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.tail.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.open) {
      // Read only: COMMIT and ROLLBACK are the same; a failure only means the connection is gone.
      await client.query("COMMIT").catch(() => {
        this.broken = true;
      });
    }
    client.release(this.broken || undefined);
  }

  private enqueue(args: QueryArgs): Promise<unknown> {
    const run = this.tail.then(
      () => this.run(args),
      () => this.run(args),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async run(args: QueryArgs): Promise<unknown> {
    if (this.broken) throw new Error("the request's database connection failed");
    this.client ??= await this.readPool.connect();
    const client = this.client;
    try {
      if (!this.open) {
        this.open = true;
        await client.query(this.begin);
      }
      return await (client.query as AnyQuery)(...args);
    } catch (error) {
      // A failed statement aborts the transaction: roll back, and the next statement begins anew
      // (nothing is lost: the transaction only read).
      this.open = false;
      await client.query("ROLLBACK").catch(() => {
        this.broken = true;
      });
      throw error;
    }
  }
}
