/** The endpoint edit form's fields, and the update input built from what changed. Pure. */
import type { EndpointSettings } from "../graphql/types.ts";

export type NumericSetting =
  | "maxAttempts"
  | "backoffBaseMs"
  | "backoffCapMs"
  | "connectTimeoutMs"
  | "responseTimeoutMs"
  | "maxInFlight";

export const NUMERIC_SETTINGS: readonly { key: NumericSetting; label: string }[] = [
  { key: "maxAttempts", label: "Max attempts" },
  { key: "backoffBaseMs", label: "Backoff base (ms)" },
  { key: "backoffCapMs", label: "Backoff cap (ms)" },
  { key: "connectTimeoutMs", label: "Connect timeout (ms)" },
  { key: "responseTimeoutMs", label: "Response timeout (ms)" },
  { key: "maxInFlight", label: "Max in flight" },
];

export type EditValues = Record<"name" | "url", string> & Record<NumericSetting, string> & { retryAll: boolean };

/**
 * The UpdateEndpointInput for the edited values: only fields that changed, so nothing is
 * rewritten by accident. Numbers that are not whole numbers are reported here, before any request;
 * ranges are the API's to check (it answers VALIDATION user errors).
 */
export function updateInput(
  current: EndpointSettings,
  values: EditValues,
): { ok: true; input: Record<string, unknown> } | { ok: false; messages: string[] } {
  const input: Record<string, unknown> = {};
  const messages: string[] = [];
  if (values.name.trim() !== current.name) input.name = values.name.trim();
  if (values.url.trim() !== current.url) input.url = values.url.trim();
  for (const { key, label } of NUMERIC_SETTINGS) {
    const text = values[key].trim();
    if (!/^\d+$/.test(text)) {
      messages.push(`${label} must be a whole number.`);
      continue;
    }
    const n = Number(text);
    if (n !== current[key]) input[key] = n;
  }
  if (values.retryAll !== current.retryAllClientErrors) input.retryAllClientErrors = values.retryAll;
  return messages.length > 0 ? { ok: false, messages } : { ok: true, input };
}
