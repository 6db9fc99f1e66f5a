import { ListenConnection, type ListenConnectionOptions } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { addToKeyedSet } from "./keyed-sets.ts";

/** Sent by the trigger on delivery_attempts: '<tenant_id> <event_id> <attempt_id>'. */
export const ATTEMPTS_CHANNEL = "kapsel_attempts";
/** Sent by the trigger on circuit_breaker_transitions: '<endpoint_id>'. */
export const BREAKERS_CHANNEL = "kapsel_breakers";
/** Migration 20261123100000_api_key_revocation_notify: the id of each API key just revoked. */
export const API_KEYS_CHANNEL = "kapsel_api_keys";
/** The listener's application_name in pg_stat_activity. */
export const LIVE_UPDATES_APPLICATION_NAME = "kapsel-live-updates";

/** A new attempt of an event. */
export interface AttemptNotice {
  tenantId: string;
  eventId: string;
  attemptId: string;
}

type Listener<T> = (notice: T) => void;

/**
 * The process's live updates: one dedicated connection LISTENs on the attempt and breaker channels
 * (the triggers of migration 20261123040000_live_updates) and on revoked API keys (20261123100000),
 * and fans each notification out to the subscribers of its key (an event id, an endpoint id).
 * Nothing is kept for keys nobody subscribes to. If the connection drops it reconnects
 * (ListenConnection); subscribers stay registered, and notifications sent while it was down are
 * lost, as LISTEN offers no replay.
 */
export class LiveUpdates {
  private readonly connection: ListenConnection;
  private readonly attempts = new Map<string, Set<Listener<AttemptNotice>>>();
  private readonly breakers = new Map<string, Set<Listener<string>>>();
  private readonly revokedKeyListeners = new Set<Listener<string>>();
  private readonly reconnectListeners = new Set<() => void>();
  private connectedOnce = false;

  constructor(config: ListenConnectionOptions["config"], logger: Logger) {
    this.connection = new ListenConnection({
      config,
      applicationName: LIVE_UPDATES_APPLICATION_NAME,
      channels: [ATTEMPTS_CHANNEL, BREAKERS_CHANNEL, API_KEYS_CHANNEL],
      onNotification: (channel, payload) => this.dispatch(channel, payload),
      onConnected: () => {
        if (this.connectedOnce) for (const listener of [...this.reconnectListeners]) listener();
        this.connectedOnce = true;
      },
      onConnectFailed: (error, retryMs) =>
        logger.warn({ err: error, retryMs }, "live updates listener could not connect; retrying"),
    });
  }

  /** Connects; settles once the first attempt succeeded or failed (a failure retries in the background). */
  start(): Promise<void> {
    return this.connection.start();
  }

  async stop(): Promise<void> {
    this.attempts.clear();
    this.breakers.clear();
    this.revokedKeyListeners.clear();
    this.reconnectListeners.clear();
    await this.connection.stop();
  }

  /** Calls `listener` for each new attempt of `eventId`; returns the function that unsubscribes. */
  onAttempt(eventId: string, listener: Listener<AttemptNotice>): () => void {
    return addToKeyedSet(this.attempts, eventId, listener);
  }

  /** Calls `listener` (with the endpoint id) after each transition of `endpointId`'s breaker. */
  onBreaker(endpointId: string, listener: Listener<string>): () => void {
    return addToKeyedSet(this.breakers, endpointId, listener);
  }

  /** Calls `listener` with the id of every API key revoked from now on; returns the function that stops it. */
  onKeyRevoked(listener: Listener<string>): () => void {
    this.revokedKeyListeners.add(listener);
    return () => this.revokedKeyListeners.delete(listener);
  }

  /**
   * Calls `listener` after each reconnect of the listening connection: notifications sent while it
   * was down are lost, so whoever depends on one (a key revocation) must look again.
   */
  onReconnected(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** How many keys have subscribers (tests check that nothing is kept after unsubscribing). */
  get subscribedKeys(): number {
    return this.attempts.size + this.breakers.size;
  }

  /**
   * How many subscribers are registered, over all keys: a test waits for its subscription to count
   * here before it causes the update (a subscription gets only what happens after it registered).
   */
  get subscribers(): number {
    let count = 0;
    for (const listeners of [...this.attempts.values(), ...this.breakers.values()]) count += listeners.size;
    return count;
  }

  private dispatch(channel: string, payload: string | undefined): void {
    if (channel === ATTEMPTS_CHANNEL) {
      const [tenantId, eventId, attemptId] = (payload ?? "").split(" ");
      if (!tenantId || !eventId || !attemptId) return;
      for (const listener of [...(this.attempts.get(eventId) ?? [])]) listener({ tenantId, eventId, attemptId });
    } else if (channel === BREAKERS_CHANNEL && payload) {
      for (const listener of [...(this.breakers.get(payload) ?? [])]) listener(payload);
    } else if (channel === API_KEYS_CHANNEL && payload) {
      for (const listener of [...this.revokedKeyListeners]) listener(payload);
    }
  }
}

/**
 * An async iterator fed by pushes: what a subscription resolver returns. `return()` (the client
 * completed, or the socket closed) runs `cleanup` once and ends the iteration. Pushes are queued
 * while the consumer is busy, so none is lost or reordered.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private done = false;
  private cleanup: (() => void) | null = null;

  onReturn(cleanup: () => void): void {
    this.cleanup = cleanup;
  }

  push(value: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter({ value, done: false });
    else this.queue.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.cleanup?.();
      this.cleanup = null;
      for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
