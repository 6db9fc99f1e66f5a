"use client";
/**
 * An endpoint's subscriptions (docs/routing.md, "Subscriptions"): which sources, types and payloads
 * it receives. Each can be edited in place or deleted after a confirmation; one form is open at a
 * time. After a change the page is read again, so the list is what the API holds.
 */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { runMutation } from "../graphql/run-mutation.ts";
import { DELETE_EVENT_SUBSCRIPTION, type DeleteEventSubscriptionData } from "../graphql/subscription-mutations.ts";
import type { EndpointSubscription, SourceOption } from "../graphql/types.ts";
import { filterSummary } from "../view/subscription-form.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { SubscriptionForm } from "./subscription-form.tsx";
import { UserErrors } from "./user-errors.tsx";

type Mode = { kind: "list" } | { kind: "create" } | { kind: "edit"; id: string };

interface Props {
  endpointId: string;
  subscriptions: readonly EndpointSubscription[];
  sources: readonly SourceOption[];
}

function sourcesText(s: EndpointSubscription): string {
  if (s.sources === null) return "All sources";
  if (s.sources.length === 0) return "No source (its sources were deleted)";
  return s.sources.map((src) => src.name || src.id).join(", ");
}

export function SubscriptionSection({ endpointId, subscriptions, sources }: Props) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>({ kind: "list" });
  const [deleting, setDeleting] = useState<EndpointSubscription | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);

  const saved = () => {
    setMode({ kind: "list" });
    router.refresh();
  };

  async function confirmDelete() {
    if (!deleting) return;
    setBusy(true);
    const outcome = await runMutation(
      { operationName: "DeleteEventSubscription", query: DELETE_EVENT_SUBSCRIPTION, variables: { id: deleting.id } },
      (d: DeleteEventSubscriptionData) => d.deleteEventSubscription,
    );
    setBusy(false);
    setDeleting(null);
    setErrors(outcome.ok ? [] : outcome.messages);
    if (outcome.ok) router.refresh();
  }

  return (
    <div className="stack">
      {subscriptions.length === 0 ? (
        <p className="muted">No subscriptions: this endpoint receives no events.</p>
      ) : (
        <div className="table-wrap">
          <table className="events-table">
            <thead>
              <tr>
                <th scope="col">Sources</th>
                <th scope="col">Type patterns</th>
                <th scope="col">Filter</th>
                <th scope="col">Description</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => (
                <tr key={s.id} data-testid="subscription-row" data-subscription-id={s.id}>
                  <td data-label="Sources" data-testid="subscription-sources">
                    {sourcesText(s)}
                  </td>
                  <td data-label="Types" className="mono" data-testid="subscription-patterns">
                    {s.typePatterns.join(", ")}
                  </td>
                  <td data-label="Filter" className="mono break" data-testid="subscription-filter">
                    {filterSummary(s.filter)}
                  </td>
                  <td data-label="Description">{s.description}</td>
                  <td>
                    <button type="button" className="button" onClick={() => setMode({ kind: "edit", id: s.id })}>
                      Edit
                    </button>{" "}
                    <button type="button" className="button button-danger" onClick={() => setDeleting(s)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <UserErrors messages={errors} />
      {mode.kind === "list" ? (
        <p>
          <button type="button" className="button" onClick={() => setMode({ kind: "create" })}>
            New subscription
          </button>
        </p>
      ) : (
        <SubscriptionForm
          key={mode.kind === "edit" ? mode.id : "new"}
          endpointId={endpointId}
          sources={sources}
          initial={mode.kind === "edit" ? subscriptions.find((s) => s.id === mode.id) : undefined}
          onSaved={saved}
          onCancel={() => setMode({ kind: "list" })}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this subscription?"
        confirmLabel="Delete subscription"
        busy={busy}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      >
        <p>
          Events ingested from now on are no longer routed by it. Deliveries it already made stay.
          {deleting?.sources === null && deleting.typePatterns.includes("*")
            ? " If it is the endpoint's only subscription, the endpoint receives nothing more."
            : null}
        </p>
      </ConfirmDialog>
    </div>
  );
}
