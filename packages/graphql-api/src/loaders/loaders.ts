import type { Pool } from "@kapsel/db";
import DataLoader from "dataloader";
import { type ByteUse, type ResponseByteLimits, ResponseBytes } from "../limits/response-bytes.ts";
import type {
  AttemptModel,
  BreakerModel,
  DeliveryModel,
  EncodedBytes,
  EndpointModel,
  EventModel,
  LeafModel,
  SourceModel,
  StatsBucketModel,
  StatsModel,
  TransitionModel,
} from "../models.ts";
import { EMPTY_PAGE, type Page, type PageArgs } from "../pagination.ts";
import { type AttemptOwner, attemptPagesBy, attemptResponseBodies, attemptsByIds } from "../sql/attempts.ts";
import { breakersByEndpoint, transitionsByEndpoint } from "../sql/breakers.ts";
import { deliveriesByEvent, deliveriesByIds } from "../sql/deliveries.ts";
import { type EndpointPageQuery, endpointPagesByTenant, endpointsByIds } from "../sql/endpoints.ts";
import {
  type EventSubscriptionModel,
  eventSubscriptionPagesByEndpoint,
  eventSubscriptionsByIds,
} from "../sql/event-subscriptions.ts";
import { type EventTypeModel, eventTypeSchemas, eventTypesByIds } from "../sql/event-types.ts";
import { eventPagesByEndpoint, eventPayloads, eventsByIds } from "../sql/events.ts";
import { leavesByAttempt } from "../sql/leaves.ts";
import { sourcesByIds } from "../sql/sources.ts";
import { endpointStats } from "../sql/stats.ts";
import { endpointHourlyStats } from "../sql/stats-hourly.ts";

type Batch<V> = (keys: readonly string[]) => Promise<Map<string, V>>;

/**
 * The request's DataLoaders: each collects the keys asked for in one tick and answers them with
 * one query, so a page of N items costs the same number of queries as a page of one. Loaders are
 * per request (no cache outlives it) and per tenant: every batch query is scoped to the tenant of
 * the objects that asked, which resolvers take from their parent (itself read within a tenant).
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();
  /** The payload and response-body bytes of this operation's answer, charged before they are read. */
  readonly responseBytes: ResponseBytes;

  constructor(
    private readonly db: Pool,
    /** The request's clock: every time window in one request ends at the same instant. */
    readonly now: Date,
    private readonly byteLimits: ResponseByteLimits,
    /** Shared with the loaders of the same answer on another database (onDatabase). */
    responseBytes?: ResponseBytes,
  ) {
    this.responseBytes = responseBytes ?? new ResponseBytes(byteLimits);
  }

  /** The same answer (clock, byte budget) read through another database: a mutation's transaction. */
  onDatabase(db: Pool): Loaders {
    return new Loaders(db, this.now, this.byteLimits, this.responseBytes);
  }

  endpoint(tenantId: string): DataLoader<string, EndpointModel | null> {
    return this.loader(`endpoint|${tenantId}`, null, (ids) => endpointsByIds(this.db, tenantId, ids));
  }

  /** `live`: false for the source of a deleted endpoint (retired with it). */
  source(tenantId: string): DataLoader<string, (SourceModel & { live: boolean }) | null> {
    return this.loader(`source|${tenantId}`, null, (ids) => sourcesByIds(this.db, tenantId, ids));
  }

  event(tenantId: string): DataLoader<string, EventModel | null> {
    return this.loader(`event|${tenantId}`, null, (ids) => eventsByIds(this.db, tenantId, ids));
  }

  delivery(tenantId: string): DataLoader<string, DeliveryModel | null> {
    return this.loader(`delivery|${tenantId}`, null, (ids) => deliveriesByIds(this.db, tenantId, ids));
  }

  /** Keyed by event id: the event's first `first` deliveries, oldest first. */
  deliveriesOfEvent(tenantId: string, first: number): DataLoader<string, DeliveryModel[]> {
    return this.loader(`deliveriesOfEvent|${tenantId}|${first}`, [], (eventIds) =>
      deliveriesByEvent(this.db, tenantId, eventIds, first),
    );
  }

  attempt(tenantId: string): DataLoader<string, AttemptModel | null> {
    return this.loader(`attempt|${tenantId}`, null, (ids) => attemptsByIds(this.db, tenantId, ids));
  }

  /**
   * The event's payload, charged to the answer's byte budget (by its stored size) before it is
   * read; throws RESPONSE_BUDGET_EXCEEDED instead when it does not fit. Null once purged.
   */
  async payload(event: EventModel, use: ByteUse): Promise<EncodedBytes | null> {
    if (event.payloadStoredBytes === null) return null; // purged: nothing to read
    const key = `payload|${event.tenantId}|${event.id}`;
    await this.responseBytes.charge(key, event.payloadStoredBytes, use, `the payload of ${event.id}`);
    return this.loader(`payload|${event.tenantId}`, null, (ids) => eventPayloads(this.db, event.tenantId, ids)).load(
      event.id,
    );
  }

  /** The attempt's response body, charged like payloads. Null when there is none (or it was purged). */
  async responseBody(attempt: AttemptModel, use: ByteUse): Promise<EncodedBytes | null> {
    if (attempt.responseBodyStoredBytes === null) return null;
    const key = `responseBody|${attempt.tenantId}|${attempt.id}`;
    await this.responseBytes.charge(key, attempt.responseBodyStoredBytes, use, `the response body of ${attempt.id}`);
    return this.loader(`responseBody|${attempt.tenantId}`, null, (ids) =>
      attemptResponseBodies(this.db, attempt.tenantId, ids),
    ).load(attempt.id);
  }

  eventType(tenantId: string): DataLoader<string, EventTypeModel | null> {
    return this.loader(`eventType|${tenantId}`, null, (ids) => eventTypesByIds(this.db, tenantId, ids));
  }

  /** An event type's JSON Schema (up to 64 KiB), charged like payloads before it is read. Null when it has none. */
  async eventTypeSchema(eventType: EventTypeModel): Promise<unknown> {
    if (eventType.schemaBytes === null) return null;
    const key = `eventTypeSchema|${eventType.tenantId}|${eventType.id}`;
    await this.responseBytes.charge(key, eventType.schemaBytes, "copy", `the schema of ${eventType.id}`);
    return this.loader(`eventTypeSchema|${eventType.tenantId}`, null, (ids) =>
      eventTypeSchemas(this.db, eventType.tenantId, ids),
    ).load(eventType.id);
  }

  eventSubscription(tenantId: string): DataLoader<string, EventSubscriptionModel | null> {
    return this.loader(`eventSubscription|${tenantId}`, null, (ids) => eventSubscriptionsByIds(this.db, tenantId, ids));
  }

  /** Keyed by endpoint id (Endpoint.eventSubscriptions). */
  eventSubscriptionPages(tenantId: string, query: PageArgs): DataLoader<string, Page<EventSubscriptionModel>> {
    return this.loader(`eventSubscriptionPages|${tenantId}|${JSON.stringify(query)}`, EMPTY_PAGE, (endpointIds) =>
      eventSubscriptionPagesByEndpoint(this.db, tenantId, endpointIds, query),
    );
  }

  breaker(tenantId: string): DataLoader<string, BreakerModel | null> {
    return this.loader(`breaker|${tenantId}`, null, (ids) => breakersByEndpoint(this.db, tenantId, ids));
  }

  leaf(tenantId: string): DataLoader<string, LeafModel | null> {
    return this.loader(`leaf|${tenantId}`, null, (ids) => leavesByAttempt(this.db, tenantId, ids));
  }

  transitions(tenantId: string, first: number): DataLoader<string, TransitionModel[]> {
    return this.loader(`transitions|${tenantId}|${first}`, [], (ids) =>
      transitionsByEndpoint(this.db, tenantId, ids, first),
    );
  }

  stats(tenantId: string, windowHours: number): DataLoader<string, StatsModel | null> {
    return this.loader(`stats|${tenantId}|${windowHours}`, null, (ids) =>
      endpointStats(this.db, tenantId, ids, this.windowStart(windowHours), windowHours),
    );
  }

  /** The same window as `stats`, hour by hour. */
  hourlyStats(tenantId: string, windowHours: number): DataLoader<string, StatsBucketModel[]> {
    return this.loader(`hourlyStats|${tenantId}|${windowHours}`, [], (ids) =>
      endpointHourlyStats(this.db, tenantId, ids, this.windowStart(windowHours), windowHours),
    );
  }

  private windowStart(windowHours: number): Date {
    return new Date(this.now.getTime() - windowHours * 3_600_000);
  }

  /** Keyed by tenant id (Tenant.endpoints); the resolver allows only the caller's own tenant. */
  endpointPages(query: EndpointPageQuery): DataLoader<string, Page<EndpointModel>> {
    return this.loader(`endpointPages|${JSON.stringify(query)}`, EMPTY_PAGE, (tenantIds) =>
      endpointPagesByTenant(this.db, tenantIds, query),
    );
  }

  eventPages(tenantId: string, query: PageArgs & { status: string | null }): DataLoader<string, Page<EventModel>> {
    return this.loader(`eventPages|${tenantId}|${JSON.stringify(query)}`, EMPTY_PAGE, (endpointIds) =>
      eventPagesByEndpoint(this.db, tenantId, endpointIds, query),
    );
  }

  /** Keyed by event id (`event_id`: all its deliveries' attempts) or by delivery id (`delivery_id`). */
  attemptPages(
    tenantId: string,
    query: PageArgs & { result: string | null },
    owner: AttemptOwner = "event_id",
  ): DataLoader<string, Page<AttemptModel>> {
    return this.loader(`attemptPages|${owner}|${tenantId}|${JSON.stringify(query)}`, EMPTY_PAGE, (ownerIds) =>
      attemptPagesBy(this.db, tenantId, owner, ownerIds, query),
    );
  }

  /**
   * Forgets everything read so far. Mutations call it after a change, so the fields of their payload
   * (and of the mutations after them in the same document) read the new state.
   */
  forgetAll(): void {
    for (const loader of this.loaders.values()) loader.clearAll();
    this.responseBytes.forgetReads();
  }

  /**
   * Empty loaders on the same database, with a byte budget of their own: a subscription reads each
   * of its updates afresh, and each update is an answer of its own.
   */
  fresh(now: Date): Loaders {
    return new Loaders(this.db, now, this.byteLimits);
  }

  private loader<V>(cacheKey: string, missing: V, batch: Batch<V>): DataLoader<string, V> {
    let loader = this.loaders.get(cacheKey) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(async (keys) => {
        const found = await batch(keys);
        return keys.map((key) => (found.has(key) ? (found.get(key) as V) : missing));
      });
      this.loaders.set(cacheKey, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}
