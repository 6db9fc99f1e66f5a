import type { Pool, PoolClient } from "@kapsel/db";
import type { Cursor } from "../pagination.ts";

/** The pool, or one connection of it inside a transaction. */
export type Queryable = Pick<Pool, "query"> | PoolClient;

/** Collects positional parameters while a statement is assembled: `params.add(v)` returns `$n`. */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A timestamp as UTC text with microseconds: the sort key inside cursors. Text (not a JS Date) so
 * that the cursor keeps PostgreSQL's full precision and compares exactly on the next page.
 */
export const utcText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Keyset condition for lists ordered by (time DESC, id DESC): rows strictly after the cursor. The
 * redundant `time <= t` lets PostgreSQL bound its index scan on the time column.
 */
export function afterCursor(params: Params, timeColumn: string, idColumn: string, cursor: Cursor | null): string {
  if (!cursor) return "";
  const t = params.add(cursor.sortAt);
  const id = params.add(cursor.id);
  return ` AND ${timeColumn} <= ${t}::timestamptz AND (${timeColumn} < ${t}::timestamptz OR ${idColumn} < ${id})`;
}

/** Groups rows by a key, keeping their order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
