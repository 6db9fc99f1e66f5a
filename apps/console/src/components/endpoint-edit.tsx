"use client";
/** "Edit" opens the endpoint's settings inline; "Save" sends only what changed. */
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { UPDATE_ENDPOINT, type UpdateEndpointData } from "../graphql/mutations.ts";
import { runMutation } from "../graphql/run-mutation.ts";
import type { EndpointSettings } from "../graphql/types.ts";
import { type EditValues, NUMERIC_SETTINGS, updateInput } from "../view/endpoint-edit.ts";
import { UserErrors } from "./user-errors.tsx";

export function EndpointEdit({ endpoint }: { endpoint: EndpointSettings }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      name: String(form.get("name") ?? ""),
      url: String(form.get("url") ?? ""),
      retryAll: form.get("retryAll") === "on",
      ...Object.fromEntries(NUMERIC_SETTINGS.map(({ key }) => [key, String(form.get(key) ?? "")])),
    } as EditValues;
    const built = updateInput(endpoint, values);
    if (!built.ok) {
      setErrors(built.messages);
      return;
    }
    if (Object.keys(built.input).length === 0) {
      setEditing(false);
      return;
    }
    setBusy(true);
    const outcome = await runMutation(
      { operationName: "UpdateEndpoint", query: UPDATE_ENDPOINT, variables: { id: endpoint.id, input: built.input } },
      (d: UpdateEndpointData) => d.updateEndpoint,
    );
    setBusy(false);
    if (!outcome.ok) {
      setErrors(outcome.messages);
      return;
    }
    setErrors([]);
    setEditing(false);
    setSaved(true);
    router.refresh();
  }

  if (!editing) {
    return (
      <p className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => {
            setSaved(false);
            setEditing(true);
          }}
        >
          Edit
        </button>
        {saved ? (
          <span role="status" className="muted">
            Saved.
          </span>
        ) : null}
      </p>
    );
  }

  return (
    <form className="stack form" onSubmit={save} aria-label="Edit endpoint" noValidate>
      <div className="field">
        <label htmlFor="edit-name">Name</label>
        <input id="edit-name" name="name" defaultValue={endpoint.name} maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="edit-url">URL</label>
        <input id="edit-url" name="url" type="url" defaultValue={endpoint.url} />
      </div>
      <div className="field-grid">
        {NUMERIC_SETTINGS.map(({ key, label }) => (
          <div className="field" key={key}>
            <label htmlFor={`edit-${key}`}>{label}</label>
            <input id={`edit-${key}`} name={key} inputMode="numeric" defaultValue={String(endpoint[key])} />
          </div>
        ))}
      </div>
      <div className="field field-check">
        <input id="edit-retry-all" name="retryAll" type="checkbox" defaultChecked={endpoint.retryAllClientErrors} />
        <label htmlFor="edit-retry-all">Retry every 4xx answer</label>
      </div>
      <UserErrors messages={errors} />
      <p className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </p>
    </form>
  );
}
