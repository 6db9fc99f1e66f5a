/**
 * Write operations, sent from the browser through /api/graphql. Every payload is nullable
 * (decision 0019): null when the mutation itself was refused with a GraphQL error.
 */
import { ENDPOINT_SETTINGS_FIELDS, EVENT_STATE_FIELDS, USER_ERROR_FIELDS } from "./fragments.ts";
import type { EndpointSettings, EventState, SourceScheme, UserError } from "./types.ts";

export interface CreateEndpointInput {
  name: string;
  url: string;
  sourceScheme: SourceScheme;
  sourceSecret?: string;
}
export const CREATE_ENDPOINT = `mutation CreateEndpoint($input: CreateEndpointInput!) {
  createEndpoint(input: $input) { endpoint { id name url } signingSecret sourceSecret ${USER_ERROR_FIELDS} }
}`;
export interface CreateEndpointData {
  createEndpoint: {
    endpoint: { id: string; name: string; url: string } | null;
    signingSecret: string | null;
    sourceSecret: string | null;
    userErrors: UserError[];
  } | null;
}

export const UPDATE_ENDPOINT = `mutation UpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
  updateEndpoint(id: $id, input: $input) { endpoint { ${ENDPOINT_SETTINGS_FIELDS} } sourceSecret ${USER_ERROR_FIELDS} }
}`;
export interface UpdateEndpointData {
  updateEndpoint: { endpoint: EndpointSettings | null; sourceSecret: string | null; userErrors: UserError[] } | null;
}

export const PAUSE_ENDPOINT = `mutation PauseEndpoint($id: ID!) { pauseEndpoint(id: $id) { endpoint { id status } ${USER_ERROR_FIELDS} } }`;
export interface PauseEndpointData {
  pauseEndpoint: { userErrors: UserError[] } | null;
}

export const RESUME_ENDPOINT = `mutation ResumeEndpoint($id: ID!) { resumeEndpoint(id: $id) { endpoint { id status } ${USER_ERROR_FIELDS} } }`;
export interface ResumeEndpointData {
  resumeEndpoint: { userErrors: UserError[] } | null;
}

export const DELETE_ENDPOINT = `mutation DeleteEndpoint($id: ID!) { deleteEndpoint(id: $id) { deletedEndpointId ${USER_ERROR_FIELDS} } }`;
export interface DeleteEndpointData {
  deleteEndpoint: { deletedEndpointId: string | null; userErrors: UserError[] } | null;
}

export const ROTATE_SIGNING_SECRET = `mutation RotateSigningSecret($id: ID!, $graceHours: Int!) {
  rotateEndpointSecret(id: $id, kind: SIGNING, graceHours: $graceHours) { secret endpoint { id signingRotationEndsAt } ${USER_ERROR_FIELDS} }
}`;
export interface RotateSigningSecretData {
  rotateEndpointSecret: {
    secret: string | null;
    endpoint: { id: string; signingRotationEndsAt: string | null } | null;
    userErrors: UserError[];
  } | null;
}

export const RESET_BREAKER = `mutation ResetCircuitBreaker($id: ID!) {
  resetCircuitBreaker(endpointId: $id) { previousState ${USER_ERROR_FIELDS} }
}`;
export interface ResetBreakerData {
  resetCircuitBreaker: { previousState: string | null; userErrors: UserError[] } | null;
}

export const SEND_TEST_EVENT = `mutation SendTestEvent($id: ID!) { sendTestEvent(endpointId: $id) { event { id status } ${USER_ERROR_FIELDS} } }`;
export interface SendTestEventData {
  sendTestEvent: { event: { id: string; status: string } | null; userErrors: UserError[] } | null;
}

export const REPLAY_EVENT = `mutation ReplayEvent($id: ID!) { replayEvent(eventId: $id) { event { ${EVENT_STATE_FIELDS} } ${USER_ERROR_FIELDS} } }`;
export interface ReplayEventData {
  replayEvent: { event: EventState | null; userErrors: UserError[] } | null;
}

export const REPLAY_FAILED_EVENTS = `mutation ReplayFailedEvents($id: ID!, $since: DateTime!) {
  replayFailedEvents(endpointId: $id, since: $since) { count ${USER_ERROR_FIELDS} }
}`;
export interface ReplayFailedEventsData {
  replayFailedEvents: { count: number | null; userErrors: UserError[] } | null;
}
