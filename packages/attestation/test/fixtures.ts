// Shared test data (not a test file: vitest only collects *.test.ts).
import type { AttemptLeafFields } from "../src/index.ts";

export const SAMPLE_ATTEMPT: AttemptLeafFields = {
  attempt_id: "att_01JABCDEFGHJKMNPQRSTVWXYZ0",
  event_id: "evt_01JABCDEFGHJKMNPQRSTVWXYZ0",
  tenant_id: "ten_01JABCDEFGHJKMNPQRSTVWXYZ0",
  endpoint_id: "ep_01JABCDEFGHJKMNPQRSTVWXYZ0",
  url: "https://receiver.example/hooks?x=1&y=\u00e9",
  attempt_number: 2,
  payload_sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  requested_at: "2026-01-02T03:04:05.678Z",
  duration_ms: 123,
  outcome: { status: 503, error_class: "http_5xx", result: "retryable_failure" },
  response_body_sha256: null,
};

/** SHA-256("hello"), the payload behind SAMPLE_ATTEMPT.payload_sha256. */
export const SAMPLE_PAYLOAD = new TextEncoder().encode("hello");

export function attemptNumber(n: number): AttemptLeafFields {
  return { ...SAMPLE_ATTEMPT, attempt_id: `att_${String(n).padStart(26, "0")}`, attempt_number: n };
}
