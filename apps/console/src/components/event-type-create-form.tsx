"use client";
/**
 * New event type: name, description, JSON Schema. The API's user errors are shown next to the
 * field they name (INVALID_SCHEMA with every problem and its pointer into the schema).
 */
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { browserGraphql } from "../graphql/browser-client.ts";
import { CREATE_EVENT_TYPE, type CreateEventTypeData } from "../graphql/catalog-mutations.ts";
import { describeFailure } from "../graphql/graphql-result.ts";
import {
  type EventTypeFormErrors,
  eventTypeInput,
  hasErrors,
  noErrors,
  placeUserErrors,
} from "../view/event-type-form.ts";
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

export function EventTypeCreateForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<EventTypeFormErrors>(noErrors());
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const built = eventTypeInput({
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      schema: String(form.get("schema") ?? ""),
    });
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    const result = await browserGraphql<CreateEventTypeData>({
      operationName: "CreateEventType",
      query: CREATE_EVENT_TYPE,
      variables: { input: built.input },
    });
    setBusy(false);
    if (result.kind !== "data") return setErrors({ ...noErrors(), form: [describeFailure(result)] });
    const payload = result.data.createEventType;
    if (payload === null) {
      return setErrors({ ...noErrors(), form: ["The API answered without a result for this change."] });
    }
    if (payload.userErrors.length > 0 || payload.eventType === null) {
      return setErrors(placeUserErrors(payload.userErrors));
    }
    setErrors(noErrors());
    router.push(`/event-types/${payload.eventType.id}`);
  }

  const described = (id: string, messages: readonly unknown[]) => (messages.length > 0 ? id : undefined);
  return (
    <form className="card stack form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="et-name">Name</label>
        <input
          id="et-name"
          name="name"
          required
          maxLength={128}
          placeholder="invoice.paid"
          className="mono"
          aria-invalid={errors.name.length > 0}
          aria-describedby={described("et-name-errors", errors.name)}
        />
        <p className="hint">Dot-separated segments of letters, digits, _ and -. Names never change.</p>
        <FieldErrors id="et-name-errors" messages={errors.name} />
      </div>
      <div className="field">
        <label htmlFor="et-description">Description (optional)</label>
        <input
          id="et-description"
          name="description"
          maxLength={2000}
          aria-invalid={errors.description.length > 0}
          aria-describedby={described("et-description-errors", errors.description)}
        />
        <FieldErrors id="et-description-errors" messages={errors.description} />
      </div>
      <div className="field">
        <label htmlFor="et-schema">JSON Schema (optional)</label>
        <textarea
          id="et-schema"
          name="schema"
          rows={12}
          className="mono"
          spellCheck={false}
          placeholder={'{ "type": "object", "required": ["id"] }'}
          aria-invalid={errors.schema.length + errors.schemaProblems.length > 0}
          aria-describedby={described("et-schema-errors", [...errors.schema, ...errors.schemaProblems])}
        />
        <p className="hint">Draft-07; published payloads of this type must satisfy it (docs/routing.md).</p>
        <div id="et-schema-errors">
          <FieldErrors id="et-schema-messages" messages={errors.schema} />
          {errors.schemaProblems.length > 0 ? (
            <ul className="field-errors text-bad" data-testid="schema-problems">
              {errors.schemaProblems.map((p) => (
                <li key={`${p.path} ${p.message}`}>
                  <code className="mono">{p.path || "(schema)"}</code>: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <UserErrors messages={errors.form} />
      {hasErrors(errors) ? (
        <p className="visually-hidden" role="alert">
          The event type was not created: see the errors above.
        </p>
      ) : null}
      <p>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Creating…" : "Create event type"}
        </button>
      </p>
    </form>
  );
}
