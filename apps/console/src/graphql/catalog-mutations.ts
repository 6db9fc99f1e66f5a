/** Event-type catalog changes, sent from the browser through /api/graphql (payloads nullable, decision 0019). */

/** A user error of the catalog mutations; INVALID_SCHEMA carries the schema's problems. */
export interface CatalogUserError {
  code: string;
  message: string;
  field: string[] | null;
  schemaErrors?: { path: string; message: string }[];
}

const CATALOG_USER_ERROR_FIELDS = `userErrors { code message field ... on InvalidSchemaError { schemaErrors { path message } } }`;

export interface CreateEventTypeInput {
  name: string;
  description: string;
  schema?: unknown;
}
export const CREATE_EVENT_TYPE = `mutation CreateEventType($input: CreateEventTypeInput!) {
  createEventType(input: $input) { eventType { id name } ${CATALOG_USER_ERROR_FIELDS} }
}`;
export interface CreateEventTypeData {
  createEventType: { eventType: { id: string; name: string } | null; userErrors: CatalogUserError[] } | null;
}

export const ARCHIVE_EVENT_TYPE = `mutation ArchiveEventType($id: ID!) {
  archiveEventType(id: $id) { eventType { id archived } ${CATALOG_USER_ERROR_FIELDS} }
}`;
export const UNARCHIVE_EVENT_TYPE = `mutation UnarchiveEventType($id: ID!) {
  unarchiveEventType(id: $id) { eventType { id archived } ${CATALOG_USER_ERROR_FIELDS} }
}`;
export interface ArchiveEventTypeData {
  archiveEventType?: { userErrors: CatalogUserError[] } | null;
  unarchiveEventType?: { userErrors: CatalogUserError[] } | null;
}
