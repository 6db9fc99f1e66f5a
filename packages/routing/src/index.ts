// Public surface of @kapsel/routing: the pure, I/O-free decisions of event routing (issue #12):
// event type names and their JSON Schemas, type derivation per source scheme, type patterns, payload filters and
// subscription matching. Explicit names only, so what is public is a deliberate choice.
export {
  type CachedSchemaResult,
  type CatalogCheck,
  type CatalogEntry,
  CompiledSchemaCache,
  checkCatalogEntry,
} from "./catalog-check.ts";
export {
  type CompileSubscriptionResult,
  compileSubscription,
  type SubscriptionDefinition,
  type SubscriptionError,
} from "./compile-subscription.ts";
export {
  type DerivedEventType,
  type DeriveEventTypeInput,
  deriveEventType,
  type EventTypeSettings,
  MAX_TYPE_HEADER_LENGTH,
  type TypeHeaderResult,
  validateTypeHeader,
} from "./derive-event-type.ts";
export {
  type CompiledEventSchema,
  type CompileEventSchemaResult,
  compileEventSchema,
  EVENT_SCHEMA_FORMATS,
  type EventPayloadResult,
  validateEventPayload,
} from "./event-schema.ts";
export { EVENT_SCHEMA_DIALECT, EVENT_SCHEMA_LIMITS, type EventSchemaError } from "./event-schema-guard.ts";
export {
  type EventTypeNameResult,
  isReservedEventTypeName,
  isValidEventTypeName,
  MAX_EVENT_TYPE_NAME_LENGTH,
  RESERVED_EVENT_TYPE_SEGMENT,
  UNKNOWN_EVENT_TYPE,
  validateEventTypeName,
} from "./event-type-name.ts";
export { MAX_TYPE_POINTER_LENGTH, type TypePointerResult, validateTypePointer } from "./json-pointer.ts";
export { type LazyPayload, lazyJsonPayload, parsedPayload, parseJsonBody } from "./lazy-payload.ts";
export { type CompiledSubscription, matchSubscriptions, type RoutableEvent } from "./match-subscriptions.ts";
export {
  type CompiledPayloadFilter,
  type CompilePayloadFilterResult,
  compilePayloadFilter,
} from "./payload-filter.ts";
export {
  type FilterError,
  PAYLOAD_FILTER_LIMITS,
  PAYLOAD_FILTER_OPERATORS,
  TYPE_ALIASES,
  type TypeAlias,
  validatePayloadFilter,
} from "./payload-filter-grammar.ts";
export {
  compileRoutingTable,
  DEFAULT_ROUTING_INLINE_MAX,
  type InlineRouting,
  type InvalidSubscription,
  type RoutedDelivery,
  type RoutingTable,
  routeEvent,
  routeEventInline,
  type StoredSubscriptionDefinition,
} from "./routing-table.ts";
export {
  type CompiledTypePatterns,
  type CompileTypePatternsResult,
  compileTypePatterns,
  MAX_TYPE_PATTERNS,
  matchesType,
  type TypePatternError,
} from "./type-pattern.ts";
