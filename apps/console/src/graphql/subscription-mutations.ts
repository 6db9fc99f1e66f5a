/**
 * An endpoint's subscriptions (GraphQL `EventSubscription`, docs/routing.md, "Subscriptions"), changed
 * from the browser through /api/graphql (payloads nullable, decision 0019).
 */
import type { UserError } from "./types.ts";

const ERRORS = "userErrors { code message field }";
const FIELDS = "id allSources sources { id name } typePatterns filter description";

export interface SubscriptionInput {
  /** null: every source of the tenant. */
  sourceIds: string[] | null;
  typePatterns: string[];
  /** null: no filter. */
  filter: unknown;
  description: string;
}

export const CREATE_EVENT_SUBSCRIPTION = `mutation CreateEventSubscription($input: CreateEventSubscriptionInput!) {
  createEventSubscription(input: $input) { eventSubscription { ${FIELDS} } ${ERRORS} }
}`;
export interface CreateEventSubscriptionData {
  createEventSubscription: { eventSubscription: { id: string } | null; userErrors: UserError[] } | null;
}

export const UPDATE_EVENT_SUBSCRIPTION = `mutation UpdateEventSubscription($id: ID!, $input: UpdateEventSubscriptionInput!) {
  updateEventSubscription(id: $id, input: $input) { eventSubscription { ${FIELDS} } ${ERRORS} }
}`;
export interface UpdateEventSubscriptionData {
  updateEventSubscription: { eventSubscription: { id: string } | null; userErrors: UserError[] } | null;
}

export const DELETE_EVENT_SUBSCRIPTION = `mutation DeleteEventSubscription($id: ID!) {
  deleteEventSubscription(id: $id) { deletedEventSubscriptionId ${ERRORS} }
}`;
export interface DeleteEventSubscriptionData {
  deleteEventSubscription: { deletedEventSubscriptionId: string | null; userErrors: UserError[] } | null;
}
