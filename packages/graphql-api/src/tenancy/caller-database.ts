import type { Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import pg from "pg";
import type { Caller } from "../auth/caller.ts";
import { observedPool, type QueryObserver } from "../observed-pool.ts";
import { TenantRequestSession } from "./request-session.ts";

/** Created by migration 20261123080000_row_level_security. */
export const DEFAULT_DATABASE_ROLE = "kapsel_api";

export interface CallerDatabase {
  db: Pool;
  /** Null for the operator, and when row-level security is off. */
  session: TenantRequestSession | null;
}

/**
 * The database a caller's resolvers get. A tenant's statements run under row-level security, as
 * `role` with the tenant set (TenantRequestSession); the operator key (tenant management, no
 * tenant data) uses the login user's pool. An empty role switches row-level security off for
 * everyone (only to measure its cost). A tenant's query operations read from `readPool` (the read
 * replica, when configured; it needs row-level security on, since only sessions route reads).
 */
export function databaseFor(
  pool: Pool,
  caller: Caller,
  role: string,
  observe: QueryObserver | undefined,
  readPool: Pool = pool,
): CallerDatabase {
  const session =
    caller.role === "tenant" && role !== ""
      ? new TenantRequestSession(pool, { role, tenantId: caller.tenantId }, readPool)
      : null;
  const db = session ? session.db : pool;
  return { db: observe ? observedPool(db, observe) : db, session };
}

export type DatabaseRoleCheck = { ok: true } | { ok: false; problem: string };

const HOW_TO =
  "Run the migrations (they create kapsel_api) and grant the role to the API's login user: " +
  'GRANT kapsel_api TO <user> (docs/operations.md, "The API\'s database role")';

/**
 * Whether the login user may SET ROLE `role` and row-level security then applies to it (not a
 * superuser, not BYPASSRLS, not the tables' owner): otherwise the API would start with tenant
 * isolation silently reduced to its SQL filters. Run once at start.
 */
export async function checkDatabaseRole(pool: Pool, role: string): Promise<DatabaseRoleCheck> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    try {
      await client.query(`SET LOCAL ROLE ${pg.escapeIdentifier(role)}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, problem: `API_DATABASE_ROLE: cannot SET ROLE ${role} (${reason}). ${HOW_TO}.` };
    }
    const { rows } = await client.query<{ active: boolean }>("SELECT row_security_active('events') AS active");
    if (!rows[0]?.active) {
      return {
        ok: false,
        problem: `API_DATABASE_ROLE: row-level security does not apply to ${role} (a superuser, BYPASSRLS, or the tables' owner). Use kapsel_api. ${HOW_TO}.`,
      };
    }
    return { ok: true };
  } finally {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release();
  }
}

/**
 * At start: throws if the role is refused (the API must not serve with it). The API may start
 * while PostgreSQL is down, like the rest of it: then the check is skipped with a warning, and a
 * role that cannot be set fails every tenant request loudly until it is fixed.
 */
export async function requireDatabaseRole(pool: Pool, role: string, logger: Logger): Promise<void> {
  let checked: DatabaseRoleCheck;
  try {
    checked = await checkDatabaseRole(pool, role);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ role, reason }, "could not check API_DATABASE_ROLE at start: the database is unreachable");
    return;
  }
  if (!checked.ok) throw new DatabaseRoleError(checked.problem);
}

/** createGraphQLApi refused API_DATABASE_ROLE (a configuration problem: apps/api exits with it). */
export class DatabaseRoleError extends Error {
  override readonly name = "DatabaseRoleError";
}
