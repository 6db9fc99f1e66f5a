import { apiError } from "../errors.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../pagination.ts";

/** A `first` of a plain list (not a connection): 0 to 100, default 20. */
export function listSize(first: number | null | undefined): number {
  const n = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw apiError("BAD_USER_INPUT", `first must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return n;
}

export const MAX_STATS_WINDOW_HOURS = 720;

export function statsWindow(windowHours: number | null | undefined): number {
  const n = windowHours ?? 24;
  if (!Number.isInteger(n) || n < 1 || n > MAX_STATS_WINDOW_HOURS) {
    throw apiError("BAD_USER_INPUT", `windowHours must be between 1 and ${MAX_STATS_WINDOW_HOURS}.`);
  }
  return n;
}
