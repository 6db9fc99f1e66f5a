/**
 * The new-event-type form's logic, kept out of the component so it is unit-tested: reading the
 * fields (the schema is JSON text) and placing the API's user errors next to the field they name.
 */
import type { CatalogUserError, CreateEventTypeInput } from "../graphql/catalog-mutations.ts";

export type EventTypeField = "name" | "description" | "schema";

export interface EventTypeFormErrors {
  name: string[];
  description: string[];
  schema: string[];
  /** INVALID_SCHEMA's problems, each with its pointer into the schema. */
  schemaProblems: { path: string; message: string }[];
  /** Errors that name no field (e.g. a transport failure). */
  form: string[];
}

export function noErrors(): EventTypeFormErrors {
  return { name: [], description: [], schema: [], schemaProblems: [], form: [] };
}

export function hasErrors(errors: EventTypeFormErrors): boolean {
  return Object.values(errors).some((list) => list.length > 0);
}

export type BuiltInput = { ok: true; input: CreateEventTypeInput } | { ok: false; errors: EventTypeFormErrors };

/** An empty schema box means "no schema"; text that is not JSON is refused before it is sent. */
export function eventTypeInput(fields: { name: string; description: string; schema: string }): BuiltInput {
  const input: CreateEventTypeInput = { name: fields.name.trim(), description: fields.description.trim() };
  const schemaText = fields.schema.trim();
  if (schemaText !== "") {
    try {
      input.schema = JSON.parse(schemaText);
    } catch (error) {
      const errors = noErrors();
      errors.schema.push(`The schema is not valid JSON: ${(error as Error).message}`);
      return { ok: false, errors };
    }
  }
  return { ok: true, input };
}

const FIELDS: readonly EventTypeField[] = ["name", "description", "schema"];

/** VALIDATION and CONFLICT name `["input", "<field>"]`; INVALID_SCHEMA is always the schema's. */
export function placeUserErrors(userErrors: readonly CatalogUserError[]): EventTypeFormErrors {
  const errors = noErrors();
  for (const e of userErrors) {
    const last = e.field?.[e.field.length - 1];
    const field = e.code === "INVALID_SCHEMA" ? "schema" : FIELDS.find((f) => f === last);
    if (field) errors[field].push(e.message);
    else errors.form.push(e.message);
    if (e.schemaErrors) errors.schemaProblems.push(...e.schemaErrors);
  }
  return errors;
}
