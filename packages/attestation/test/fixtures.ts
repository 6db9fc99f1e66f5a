// Shared test data (not a test file: vitest only collects *.test.ts).
import type { AttemptLeafFields, AuditLeafFields } from "../src/index.ts";

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

export const SAMPLE_AUDIT: AuditLeafFields = {
  audit_id: "aud_01JABCDEFGHJKMNPQRSTVWXYZ0",
  tenant_id: "ten_01JABCDEFGHJKMNPQRSTVWXYZ0",
  actor: "key_01JABCDEFGHJKMNPQRSTVWXYZ0",
  operation: "updateEndpoint",
  target_id: "ep_01JABCDEFGHJKMNPQRSTVWXYZ0",
  at: "2026-01-02T03:04:05.678Z",
  before_sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  after_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  secret: "unchanged",
};
