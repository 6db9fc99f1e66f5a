/** How the payload viewer shows an event's bytes: pretty JSON, raw text, or base64 (noted). Pure. */
import type { PayloadEncoding } from "../graphql/types.ts";

export interface PayloadView {
  kind: "json" | "text" | "base64" | "purged";
  text: string;
  note: string;
}

export function payloadView(payload: string | null, encoding: PayloadEncoding | null): PayloadView {
  if (payload === null) {
    return { kind: "purged", text: "", note: "The payload was removed by retention; its SHA-256 remains." };
  }
  if (encoding === "BASE64") {
    return { kind: "base64", text: payload, note: "Not valid UTF-8: shown in base64." };
  }
  try {
    const parsed: unknown = JSON.parse(payload);
    return { kind: "json", text: JSON.stringify(parsed, null, 2), note: "JSON, pretty printed." };
  } catch {
    return { kind: "text", text: payload, note: "Shown as received." };
  }
}
