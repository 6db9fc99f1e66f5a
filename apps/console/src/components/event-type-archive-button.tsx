"use client";
/** Archive / Unarchive on a type's page; the page is re-read afterwards so every field agrees. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ARCHIVE_EVENT_TYPE, type ArchiveEventTypeData, UNARCHIVE_EVENT_TYPE } from "../graphql/catalog-mutations.ts";
import { runMutation } from "../graphql/run-mutation.ts";
import type { UserError } from "../graphql/types.ts";
import { UserErrors } from "./user-errors.tsx";

export function EventTypeArchiveButton({ id, archived }: { id: string; archived: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  async function toggle() {
    setBusy(true);
    const outcome = await runMutation(
      archived
        ? { operationName: "UnarchiveEventType", query: UNARCHIVE_EVENT_TYPE, variables: { id } }
        : { operationName: "ArchiveEventType", query: ARCHIVE_EVENT_TYPE, variables: { id } },
      (d: ArchiveEventTypeData) =>
        ((archived ? d.unarchiveEventType : d.archiveEventType) ?? null) as { userErrors: UserError[] } | null,
    );
    setBusy(false);
    setErrors(outcome.ok ? [] : outcome.messages);
    if (outcome.ok) router.refresh();
  }
  return (
    <div className="stack">
      <p>
        <button type="button" className="button" onClick={toggle} disabled={busy}>
          {archived ? "Unarchive" : "Archive"}
        </button>
      </p>
      <UserErrors messages={errors} />
    </div>
  );
}
