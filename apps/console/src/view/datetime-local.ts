/** Converting between <input type="datetime-local"> values (local, no zone) and instants. Pure. */

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** The local wall-clock value for an instant, as datetime-local inputs want it ("2026-11-23T09:15"). */
export function toDateTimeLocal(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The instant a datetime-local value means in the browser's zone, as an ISO string; null if invalid. */
export function fromDateTimeLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
