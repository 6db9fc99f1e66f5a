"use client";
/** The endpoint's operations: test event, pause/resume, rotate secret, reset breaker, delete. */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import {
  DELETE_ENDPOINT,
  type DeleteEndpointData,
  PAUSE_ENDPOINT,
  type PauseEndpointData,
  RESET_BREAKER,
  RESUME_ENDPOINT,
  type ResetBreakerData,
  type ResumeEndpointData,
  ROTATE_SIGNING_SECRET,
  type RotateSigningSecretData,
  SEND_TEST_EVENT,
  type SendTestEventData,
} from "../graphql/mutations.ts";
import { runMutation } from "../graphql/run-mutation.ts";
import type { BreakerState, EndpointStatus, UserError } from "../graphql/types.ts";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { SecretOnce } from "./secret-once.tsx";
import { UserErrors } from "./user-errors.tsx";

interface Props {
  endpointId: string;
  status: EndpointStatus;
  breakerState: BreakerState;
}

/** Hours the previous signing secret keeps signing after a rotation (receivers switch meanwhile). */
const ROTATION_GRACE_HOURS = 24;

export function EndpointActions({ endpointId, status, breakerState }: Props) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [testEventId, setTestEventId] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const variables = { id: endpointId };

  async function act<D, P extends { userErrors: UserError[] }>(
    name: string,
    operationName: string,
    query: string,
    pick: (d: D) => P | null,
    extra: Record<string, unknown> = {},
  ): Promise<P | null> {
    setBusy(name);
    setErrors([]);
    setNotice(null);
    const outcome = await runMutation<D, P>({ operationName, query, variables: { ...variables, ...extra } }, pick);
    setBusy(null);
    if (!outcome.ok) {
      setErrors(outcome.messages);
      return null;
    }
    return outcome.payload;
  }

  async function sendTest() {
    const p = await act("test", "SendTestEvent", SEND_TEST_EVENT, (d: SendTestEventData) => d.sendTestEvent);
    if (p?.event) {
      setTestEventId(p.event.id);
      router.refresh();
    }
  }

  async function pauseOrResume() {
    const pausing = status === "ACTIVE";
    const p = pausing
      ? await act("pause", "PauseEndpoint", PAUSE_ENDPOINT, (d: PauseEndpointData) => d.pauseEndpoint)
      : await act("resume", "ResumeEndpoint", RESUME_ENDPOINT, (d: ResumeEndpointData) => d.resumeEndpoint);
    if (p) {
      setNotice(pausing ? "Paused: events are accepted and held until you resume." : "Resumed: deliveries flow again.");
      router.refresh();
    }
  }

  async function rotate() {
    const p = await act(
      "rotate",
      "RotateSigningSecret",
      ROTATE_SIGNING_SECRET,
      (d: RotateSigningSecretData) => d.rotateEndpointSecret,
      { graceHours: ROTATION_GRACE_HOURS },
    );
    if (p?.secret) {
      setSecret(p.secret);
      router.refresh();
    }
  }

  async function resetBreaker() {
    const p = await act("reset", "ResetCircuitBreaker", RESET_BREAKER, (d: ResetBreakerData) => d.resetCircuitBreaker);
    if (p) {
      setNotice("Breaker closed: waiting events are due now.");
      router.refresh();
    }
  }

  async function remove() {
    const p = await act("delete", "DeleteEndpoint", DELETE_ENDPOINT, (d: DeleteEndpointData) => d.deleteEndpoint);
    setConfirming(false);
    if (p) {
      router.push("/endpoints");
      router.refresh();
    }
  }

  return (
    <section className="card stack" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={sendTest} disabled={busy !== null}>
          {busy === "test" ? "Sending…" : "Send test event"}
        </button>
        <button type="button" className="button" onClick={pauseOrResume} disabled={busy !== null}>
          {status === "ACTIVE" ? "Pause" : "Resume"}
        </button>
        <button type="button" className="button" onClick={rotate} disabled={busy !== null}>
          {busy === "rotate" ? "Rotating…" : "Rotate signing secret"}
        </button>
        <button
          type="button"
          className="button"
          onClick={resetBreaker}
          disabled={busy !== null}
          title={breakerState === "CLOSED" ? "The breaker is already closed." : undefined}
        >
          Reset breaker
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => setConfirming(true)}
          disabled={busy !== null}
        >
          Delete endpoint
        </button>
      </div>
      <UserErrors messages={errors} />
      {notice ? (
        <p role="status" className="alert alert-ok">
          {notice}
        </p>
      ) : null}
      {testEventId ? (
        <p role="status" className="alert alert-ok">
          Test event sent.{" "}
          <Link href={`/events/${testEventId}`} data-testid="test-event-link">
            Follow {testEventId}
          </Link>
        </p>
      ) : null}
      {secret ? (
        <SecretOnce
          label={`New signing secret (the previous one keeps signing for ${ROTATION_GRACE_HOURS} h while your receiver switches)`}
          secret={secret}
        />
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Delete this endpoint?"
        confirmLabel="Delete"
        busy={busy === "delete"}
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      >
        <p>
          It stops accepting and delivering events for good, and its secrets are destroyed. Its events, attempts and
          receipts stay readable. This cannot be undone; to stop deliveries for a while, pause it instead.
        </p>
      </ConfirmDialog>
    </section>
  );
}
