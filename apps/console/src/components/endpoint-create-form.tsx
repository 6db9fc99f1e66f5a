"use client";
/**
 * New endpoint: name, URL, how sources sign (a verified scheme unless the user confirms what "none"
 * means); then the signing secret, shown once.
 */
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { CREATE_ENDPOINT, type CreateEndpointData } from "../graphql/mutations.ts";
import { runMutation } from "../graphql/run-mutation.ts";
import { createInput, UNVERIFIED_SOURCE_CONFIRMATION } from "../view/endpoint-create.ts";
import { DEFAULT_SOURCE_SCHEME, SOURCE_SCHEMES } from "../view/source-schemes.ts";
import { SecretOnce } from "./secret-once.tsx";
import { UserErrors } from "./user-errors.tsx";

interface Created {
  id: string;
  signingSecret: string | null;
  sourceSecret: string | null;
}

/** Shown while "None" is chosen: the form is not sent until this is ticked. */
export function UnverifiedSourceConfirmation() {
  return (
    <div className="alert alert-warn stack" data-testid="unverified-source-warning">
      <p>
        <strong>No verification.</strong> Kapsel cannot tell genuine webhooks from forged ones for this endpoint.
      </p>
      <div className="field field-check">
        <input id="ep-ack-unverified" name="acknowledgeUnverifiedSource" type="checkbox" required />
        <label htmlFor="ep-ack-unverified">{UNVERIFIED_SOURCE_CONFIRMATION}</label>
      </div>
    </div>
  );
}

export function EndpointCreateForm() {
  const [scheme, setScheme] = useState<string>(DEFAULT_SOURCE_SCHEME);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const option = SOURCE_SCHEMES.find((s) => s.value === scheme);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const built = createInput({
      name: String(form.get("name") ?? ""),
      url: String(form.get("url") ?? ""),
      sourceScheme: form.get("sourceScheme"),
      sourceSecret: String(form.get("sourceSecret") ?? ""),
      acknowledgeUnverifiedSource: form.get("acknowledgeUnverifiedSource") === "on",
    });
    if (!built.ok) {
      setErrors(built.messages);
      return;
    }
    const input = built.input;
    setBusy(true);
    const outcome = await runMutation(
      { operationName: "CreateEndpoint", query: CREATE_ENDPOINT, variables: { input } },
      (d: CreateEndpointData) => d.createEndpoint,
    );
    setBusy(false);
    if (!outcome.ok) {
      setErrors(outcome.messages);
      return;
    }
    setErrors([]);
    const { endpoint, signingSecret, sourceSecret } = outcome.payload;
    if (endpoint) setCreated({ id: endpoint.id, signingSecret, sourceSecret });
  }

  if (created) {
    return (
      <section className="card stack" aria-labelledby="created-heading">
        <h2 id="created-heading">Endpoint created</h2>
        <p>
          Sources post webhooks to <code className="mono">/ingest/{created.id}</code> on your Kapsel ingest address.
          Kapsel signs every delivery with this secret (Standard Webhooks); give it to your receiver so it can check
          signatures.
        </p>
        {created.signingSecret ? <SecretOnce label="Signing secret" secret={created.signingSecret} /> : null}
        {created.sourceSecret ? (
          <SecretOnce
            label="Source secret (configure your source with it)"
            secret={created.sourceSecret}
            testId="source-secret-once"
          />
        ) : null}
        <p>
          <Link href={`/endpoints/${created.id}`} className="button button-primary">
            Go to endpoint
          </Link>
        </p>
      </section>
    );
  }

  return (
    <form className="card stack form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="ep-name">Name</label>
        <input id="ep-name" name="name" required maxLength={200} placeholder="Orders" />
      </div>
      <div className="field">
        <label htmlFor="ep-url">URL</label>
        <input id="ep-url" name="url" type="url" required placeholder="https://hooks.example.com/orders" />
        <p className="hint">Where Kapsel delivers. Private and loopback addresses are refused unless allow-listed.</p>
      </div>
      <div className="field">
        <label htmlFor="ep-scheme">Source signature</label>
        <select id="ep-scheme" name="sourceScheme" value={scheme} onChange={(e) => setScheme(e.target.value)}>
          {SOURCE_SCHEMES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <p className="hint">How the sender signs the webhooks it posts to Kapsel, so ingest can reject forgeries.</p>
      </div>
      {scheme === "NONE" ? (
        <UnverifiedSourceConfirmation />
      ) : (
        <div className="field">
          <label htmlFor="ep-source-secret">Source secret{option?.secretRequired ? "" : " (optional)"}</label>
          <input id="ep-source-secret" name="sourceSecret" type="password" autoComplete="off" />
          <p className="hint">
            {option?.secretRequired
              ? "The secret the source issued."
              : "Leave empty and Kapsel generates one, shown once."}
          </p>
        </div>
      )}
      <UserErrors messages={errors} />
      <p>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Creating…" : "Create endpoint"}
        </button>
      </p>
    </form>
  );
}
