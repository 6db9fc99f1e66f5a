"use client";
/** The events list's status filter: changing it loads the first page of that status. */
import { usePathname, useRouter } from "next/navigation";
import type { EventStatus } from "../graphql/types.ts";
import { EVENT_STATUS_LABEL } from "../view/labels.ts";

const OPTIONS: readonly EventStatus[] = ["PENDING", "DELIVERING", "DELIVERED", "FAILED"];

export function EventStatusFilter({ value }: { value: EventStatus | null }) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <div className="field field-inline">
      <label htmlFor="event-status-filter">Status</label>
      <select
        id="event-status-filter"
        value={value ?? ""}
        onChange={(e) => {
          const status = e.target.value;
          router.push(status ? `${pathname}?status=${status}` : pathname);
        }}
      >
        <option value="">All</option>
        {OPTIONS.map((s) => (
          <option key={s} value={s}>
            {EVENT_STATUS_LABEL[s]}
          </option>
        ))}
      </select>
    </div>
  );
}
