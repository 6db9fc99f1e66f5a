"use client";
import { useActionState } from "react";
import { type SignInState, signIn } from "../session/session-actions.ts";

const INITIAL: SignInState = { error: null };

export function SignInForm() {
  const [state, action, pending] = useActionState(signIn, INITIAL);
  return (
    <form action={action} className="stack">
      <div className="field">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="current-password"
          placeholder="kap_sk_…"
          required
          aria-describedby={state.error ? "sign-in-error" : "api-key-help"}
        />
        <p id="api-key-help" className="hint">
          Your tenant's API key. It stays on this console's server, in an httpOnly cookie.
        </p>
      </div>
      {state.error ? (
        <p id="sign-in-error" role="alert" className="alert alert-error">
          {state.error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
