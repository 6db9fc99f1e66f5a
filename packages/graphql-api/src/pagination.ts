import { apiError } from "./errors.ts";

/** Where a page starts: the (time, id) sort key of the last item of the previous page. */
export interface Cursor {
  sortAt: string;
  id: string;
}

/** A page as read from the database: `first` rows plus whether one more exists. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
}

export interface PageArgs {
  first: number;
  after: Cursor | null;
}

export type ListKind =
  | "endpoints"
  | "sources"
  | "events"
  | "deliveries"
  | "attempts"
  | "tenants"
  | "apiKeys"
  | "auditLog"
  | "eventTypes"
  | "eventSubscriptions";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const SORT_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const ID = /^[a-z]{2,3}_[0-9A-HJKMNP-TV-Z]{26}$/;

// Cursors are opaque to clients: base64url of "<list>|<time>|<id>". The list name stops a cursor
// of one list from being used to page another.
export function encodeCursor(kind: ListKind, sortAt: string, id: string): string {
  return Buffer.from(`${kind}|${sortAt}|${id}`, "utf8").toString("base64url");
}

export function decodeCursor(kind: ListKind, cursor: string): Cursor | null {
  if (cursor.length > 200) return null;
  const [k, sortAt, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (k !== kind || rest.length > 0 || !sortAt || !id || !SORT_AT.test(sortAt) || !ID.test(id)) return null;
  return { sortAt, id };
}

/** Validates `first` and `after`; invalid values are the caller's mistake (BAD_USER_INPUT). */
export function parsePageArgs(kind: ListKind, args: { first?: number | null; after?: string | null }): PageArgs {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw apiError("BAD_USER_INPUT", `first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  if (args.after === undefined || args.after === null) return { first, after: null };
  const after = decodeCursor(kind, args.after);
  if (!after) throw apiError("BAD_USER_INPUT", `after is not a cursor of this list (${kind}).`);
  return { first, after };
}

/** Turns `first + 1` fetched rows into a page. */
export function toPage<T>(rows: T[], first: number): Page<T> {
  return rows.length > first ? { rows: rows.slice(0, first), hasNextPage: true } : { rows, hasNextPage: false };
}

export const EMPTY_PAGE: Page<never> = Object.freeze({ rows: [], hasNextPage: false }) as Page<never>;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The Relay connection of a page. */
export function toConnection<T extends { id: string; sortAt: string }>(kind: ListKind, page: Page<T>): Connection<T> {
  const edges = page.rows.map((node) => ({ cursor: encodeCursor(kind, node.sortAt, node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
