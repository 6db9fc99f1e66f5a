"use client";
/**
 * Create or edit one of an endpoint's subscriptions: sources (all, or some), type patterns, payload
 * filter (JSON), description. The API validates; each INVALID_SUBSCRIPTION is shown next to the field
 * it leads to (the pattern by number, the place inside the filter).
 */
import { type FormEvent, useState } from "react";
import { browserGraphql } from "../graphql/browser-client.ts";
import { describeFailure } from "../graphql/graphql-result.ts";
import {
  CREATE_EVENT_SUBSCRIPTION,
  type CreateEventSubscriptionData,
  UPDATE_EVENT_SUBSCRIPTION,
  type UpdateEventSubscriptionData,
} from "../graphql/subscription-mutations.ts";
import type { EndpointSubscription, SourceOption, UserError } from "../graphql/types.ts";
import {
  hasSubscriptionErrors,
  noSubscriptionErrors,
  placeSubscriptionErrors,
  type SubscriptionFormErrors,
  splitPatterns,
  subscriptionInput,
} from "../view/subscription-form.ts";
import { UserErrors } from "./user-errors.tsx";

function FieldErrors({ id, messages }: { id: string; messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className="field-errors text-bad" data-testid={id}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

interface Props {
  endpointId: string;
  sources: readonly SourceOption[];
  /** The subscription to edit; absent for a new one. */
  initial?: EndpointSubscription;
  onSaved: () => void;
  onCancel: () => void;
}

export function SubscriptionForm({ endpointId, sources, initial, onSaved, onCancel }: Props) {
  const [errors, setErrors] = useState<SubscriptionFormErrors>(noSubscriptionErrors());
  const [busy, setBusy] = useState(false);
  const [allSources, setAllSources] = useState(initial ? initial.allSources : false);
  const prefix = `sub-${initial?.id ?? "new"}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fields = {
      allSources,
      sourceIds: form.getAll("sourceIds").map(String),
      typePatterns: String(form.get("typePatterns") ?? ""),
      filter: String(form.get("filter") ?? ""),
      description: String(form.get("description") ?? ""),
    };
    const built = subscriptionInput(fields);
    if (!built.ok) return setErrors(built.errors);
    setBusy(true);
    const result = initial
      ? await browserGraphql<UpdateEventSubscriptionData>({
          operationName: "UpdateEventSubscription",
          query: UPDATE_EVENT_SUBSCRIPTION,
          variables: { id: initial.id, input: built.input },
        })
      : await browserGraphql<CreateEventSubscriptionData>({
          operationName: "CreateEventSubscription",
          query: CREATE_EVENT_SUBSCRIPTION,
          variables: { input: { endpointId, ...built.input } },
        });
    setBusy(false);
    if (result.kind !== "data") return setErrors({ ...noSubscriptionErrors(), form: [describeFailure(result)] });
    const data = result.data as Partial<CreateEventSubscriptionData & UpdateEventSubscriptionData>;
    const payload = (initial ? data.updateEventSubscription : data.createEventSubscription) ?? null;
    if (payload === null) {
      return setErrors({ ...noSubscriptionErrors(), form: ["The API answered without a result for this change."] });
    }
    if (payload.userErrors.length > 0 || payload.eventSubscription === null) {
      return setErrors(placeSubscriptionErrors(payload.userErrors as UserError[], splitPatterns(fields.typePatterns)));
    }
    setErrors(noSubscriptionErrors());
    onSaved();
  }

  const described = (id: string, messages: readonly unknown[]) => (messages.length > 0 ? id : undefined);
  const chosen = new Set(initial?.sources?.map((s) => s.id) ?? []);
  return (
    <form className="card stack form" onSubmit={submit} noValidate data-testid="subscription-form">
      <h3>{initial ? "Edit subscription" : "New subscription"}</h3>
      <fieldset className="field">
        <legend>Sources</legend>
        <label>
          <input
            type="checkbox"
            name="allSources"
            checked={allSources}
            onChange={(e) => setAllSources(e.currentTarget.checked)}
          />{" "}
          All sources (present and future)
        </label>
        <label htmlFor={`${prefix}-sources`}>Only these sources</label>
        <select
          id={`${prefix}-sources`}
          name="sourceIds"
          multiple
          size={Math.min(6, Math.max(2, sources.length))}
          disabled={allSources}
          defaultValue={[...chosen]}
          aria-invalid={errors.sources.length > 0}
          aria-describedby={described(`${prefix}-sources-errors`, errors.sources)}
        >
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name ? `${s.name} (${s.id})` : s.id}
            </option>
          ))}
        </select>
        <FieldErrors id={`${prefix}-sources-errors`} messages={errors.sources} />
      </fieldset>
      <div className="field">
        <label htmlFor={`${prefix}-patterns`}>Type patterns</label>
        <textarea
          id={`${prefix}-patterns`}
          name="typePatterns"
          rows={3}
          className="mono"
          spellCheck={false}
          defaultValue={initial ? initial.typePatterns.join("\n") : "*"}
          aria-invalid={errors.typePatterns.length > 0}
          aria-describedby={described(`${prefix}-patterns-errors`, errors.typePatterns)}
        />
        <p className="hint">One per line: invoice.paid, invoice.* or * (every type but kapsel.*).</p>
        <FieldErrors id={`${prefix}-patterns-errors`} messages={errors.typePatterns} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-filter`}>Payload filter (JSON, optional)</label>
        <textarea
          id={`${prefix}-filter`}
          name="filter"
          rows={4}
          className="mono"
          spellCheck={false}
          placeholder={'{ "data.object.amount": { "$gte": 1000 } }'}
          defaultValue={initial?.filter == null ? "" : JSON.stringify(initial.filter, null, 2)}
          aria-invalid={errors.filter.length > 0}
          aria-describedby={described(`${prefix}-filter-errors`, errors.filter)}
        />
        <p className="hint">MongoDB-style operators ($eq, $in, $gte, $exists, $and, …; docs/routing.md).</p>
        <FieldErrors id={`${prefix}-filter-errors`} messages={errors.filter} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-description`}>Description (optional)</label>
        <input
          id={`${prefix}-description`}
          name="description"
          maxLength={2000}
          defaultValue={initial?.description ?? ""}
          aria-invalid={errors.description.length > 0}
          aria-describedby={described(`${prefix}-description-errors`, errors.description)}
        />
        <FieldErrors id={`${prefix}-description-errors`} messages={errors.description} />
      </div>
      <UserErrors messages={errors.form} />
      {hasSubscriptionErrors(errors) ? (
        <p className="visually-hidden" role="alert">
          The subscription was not saved: see the errors above.
        </p>
      ) : null}
      <p className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : "Save subscription"}
        </button>{" "}
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </p>
    </form>
  );
}
