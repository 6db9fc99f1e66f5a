// Public surface of @kapsel/operational-events: Kapsel's `kapsel.*` events about a tenant's own
// deliveries (issue #12, decision 0029): their catalog entries and schemas, their payloads, and
// publishing them from the tenant's system source inside the transaction that records them.
export {
  OPERATIONAL_EVENT_NAMES,
  OPERATIONAL_EVENT_TYPES,
  OPERATIONAL_EVENT_VERSION,
  type OperationalEventType,
  type OperationalEventTypeDefinition,
} from "./event-types.ts";
export { breakerTransitionEvent, exhaustedDeliveryEvents, type FailedAttempt } from "./from-delivery.ts";
export {
  breakerClosed,
  breakerOpened,
  deliveryExhausted,
  endpointDisabled,
  type OperationalEvent,
  type OperationalPayload,
  secretRotationEnding,
} from "./payloads.ts";
export { type PublishedOperationalEvents, publishOperationalEvents } from "./publish.ts";
export { publishRotationEndings, type RotationEndingsResult } from "./rotation-endings.ts";
