/** The create-endpoint form's input, built from what was entered. Pure. */
import type { CreateEndpointInput } from "../graphql/mutations.ts";
import { isSourceScheme } from "./source-schemes.ts";

/**
 * The checkbox text a user must tick to create an endpoint that verifies nothing: what NONE means,
 * in the words of docs/security.md.
 */
export const UNVERIFIED_SOURCE_CONFIRMATION =
  "I understand: with no verification, anyone who knows this endpoint's ingest URL can post events to it, and Kapsel will sign and deliver them to my URL like genuine ones.";

export interface CreateValues {
  name: string;
  url: string;
  sourceScheme: unknown;
  sourceSecret: string;
  /** Whether the NONE confirmation checkbox is ticked. */
  acknowledgeUnverifiedSource: boolean;
}

/**
 * The CreateEndpointInput for the form, or why it cannot be sent yet. NONE is sent only with its
 * confirmation ticked (and then with `acknowledgeUnverifiedSource: true`, which the API requires);
 * a scheme the form does not know is refused rather than replaced by one.
 */
export function createInput(
  values: CreateValues,
): { ok: true; input: CreateEndpointInput } | { ok: false; messages: string[] } {
  if (!isSourceScheme(values.sourceScheme)) return { ok: false, messages: ["Choose how the source signs."] };
  const input: CreateEndpointInput = {
    name: values.name.trim(),
    url: values.url.trim(),
    sourceScheme: values.sourceScheme,
  };
  if (input.sourceScheme === "NONE") {
    if (!values.acknowledgeUnverifiedSource) {
      return {
        ok: false,
        messages: [
          "No verification: tick the confirmation below to accept that anyone who knows the ingest URL can send events, or choose a signature scheme.",
        ],
      };
    }
    input.acknowledgeUnverifiedSource = true;
    return { ok: true, input };
  }
  const secret = values.sourceSecret.trim();
  if (secret.length > 0) input.sourceSecret = secret;
  return { ok: true, input };
}
