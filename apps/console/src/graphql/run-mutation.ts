/**
 * Runs a mutation from the browser and folds every way it can go wrong (transport, GraphQL
 * errors, user errors) into messages for people, or the payload on success.
 */
import { browserGraphql } from "./browser-client.ts";
import { describeFailure, type GraphqlRequest } from "./graphql-result.ts";
import type { UserError } from "./types.ts";

export type MutationOutcome<P> = { ok: true; payload: P } | { ok: false; messages: string[] };

export async function runMutation<D, P extends { userErrors: UserError[] }>(
  request: GraphqlRequest,
  pick: (data: D) => P | null,
): Promise<MutationOutcome<P>> {
  const result = await browserGraphql<D>(request);
  if (result.kind !== "data") return { ok: false, messages: [describeFailure(result)] };
  // Payloads are nullable (decision 0019); a null one comes with errors, so this is a safety net.
  const payload = pick(result.data);
  if (payload === null) return { ok: false, messages: ["The API answered without a result for this change."] };
  if (payload.userErrors.length > 0) return { ok: false, messages: payload.userErrors.map((e) => e.message) };
  return { ok: true, payload };
}
