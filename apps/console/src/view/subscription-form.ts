/**
 * The subscription form's logic, kept out of the component so it is unit-tested: reading the fields
 * (patterns one per line, the filter as JSON text) and placing the API's user errors next to the
 * field they lead to (INVALID_SUBSCRIPTION names the pattern by index and the place in the filter).
 */
import type { SubscriptionInput } from "../graphql/subscription-mutations.ts";
import type { UserError } from "../graphql/types.ts";

export interface SubscriptionFormFields {
  allSources: boolean;
  sourceIds: readonly string[];
  /** One pattern per line (commas separate too). */
  typePatterns: string;
  /** JSON text; empty: no filter. */
  filter: string;
  description: string;
}

export interface SubscriptionFormErrors {
  sources: string[];
  typePatterns: string[];
  filter: string[];
  description: string[];
  /** Errors that name no field of the form (e.g. the endpoint, a limit, a transport failure). */
  form: string[];
}

export function noSubscriptionErrors(): SubscriptionFormErrors {
  return { sources: [], typePatterns: [], filter: [], description: [], form: [] };
}

export function hasSubscriptionErrors(errors: SubscriptionFormErrors): boolean {
  return Object.values(errors).some((list) => list.length > 0);
}

/** Patterns from the text box: one per line or comma-separated, blanks dropped. */
export function splitPatterns(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

export type BuiltSubscriptionInput =
  | { ok: true; input: SubscriptionInput }
  | { ok: false; errors: SubscriptionFormErrors };

/** The input to send; filter text that is not JSON is refused before anything is sent. */
export function subscriptionInput(fields: SubscriptionFormFields): BuiltSubscriptionInput {
  const input: SubscriptionInput = {
    sourceIds: fields.allSources ? null : [...fields.sourceIds],
    typePatterns: splitPatterns(fields.typePatterns),
    filter: null,
    description: fields.description.trim(),
  };
  const filterText = fields.filter.trim();
  if (filterText !== "") {
    try {
      input.filter = JSON.parse(filterText);
    } catch (error) {
      const errors = noSubscriptionErrors();
      errors.filter.push(`The filter is not valid JSON: ${(error as Error).message}`);
      return { ok: false, errors };
    }
  }
  return { ok: true, input };
}

/**
 * Each user error next to its field: `["input", "typePatterns", "2"]` names the third pattern,
 * `["input", "filter", "amount", "$gte"]` a place inside the filter, `["input", "sourceIds", "1"]`
 * the second source chosen.
 */
export function placeSubscriptionErrors(
  userErrors: readonly Pick<UserError, "message" | "field">[],
  patterns: readonly string[],
): SubscriptionFormErrors {
  const errors = noSubscriptionErrors();
  for (const e of userErrors) {
    const [root, field, ...rest] = e.field ?? [];
    if (root !== "input") errors.form.push(e.message);
    else if (field === "typePatterns") {
      const index = rest[0] === undefined ? null : Number(rest[0]);
      errors.typePatterns.push(
        index === null ? e.message : `Pattern ${index + 1} (${JSON.stringify(patterns[index] ?? "")}): ${e.message}`,
      );
    } else if (field === "filter")
      errors.filter.push(rest.length > 0 ? `At ${rest.join(".")}: ${e.message}` : e.message);
    else if (field === "sourceIds") errors.sources.push(e.message);
    else if (field === "description") errors.description.push(e.message);
    else errors.form.push(e.message);
  }
  return errors;
}

/** A one-line summary of a filter for lists; long ones are cut. */
export function filterSummary(filter: unknown, max = 80): string {
  if (filter === null || filter === undefined) return "none";
  const text = JSON.stringify(filter);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
