import type { WebSocket } from "ws";
import { addToKeyedSet } from "../live/keyed-sets.ts";

export interface KeySocketLimits {
  /** Open WebSockets one tenant API key may hold; one more is closed with 4429. */
  maxSocketsPerKey: number;
  /** Subscriptions running at once under one tenant API key, over all its sockets. */
  maxSubscriptionsPerKey: number;
}

export const DEFAULT_KEY_SOCKET_LIMITS: KeySocketLimits = { maxSocketsPerKey: 20, maxSubscriptionsPerKey: 100 };

/**
 * The open sockets and running subscriptions of each tenant API key: a revoked key's sockets are
 * closed at once, and one key cannot hold more than its share of the API's sockets and
 * subscriptions (each costs memory and a listener; issue #11, finding 7).
 */
export class KeySockets {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly running = new Map<string, number>();

  constructor(private readonly limits: KeySocketLimits) {}

  /** Registers a socket of the key and returns its remover, or null when the key is at its limit. */
  add(apiKeyId: string, socket: WebSocket): (() => void) | null {
    if ((this.sockets.get(apiKeyId)?.size ?? 0) >= this.limits.maxSocketsPerKey) return null;
    return addToKeyedSet(this.sockets, apiKeyId, socket);
  }

  /** Counts one more running subscription of the key; false when it is at its limit. */
  trySubscribe(apiKeyId: string): boolean {
    const running = this.running.get(apiKeyId) ?? 0;
    if (running >= this.limits.maxSubscriptionsPerKey) return false;
    this.running.set(apiKeyId, running + 1);
    return true;
  }

  unsubscribe(apiKeyId: string, count = 1): void {
    const left = (this.running.get(apiKeyId) ?? 0) - count;
    if (left > 0) this.running.set(apiKeyId, left);
    else this.running.delete(apiKeyId);
  }

  /** The keys with open sockets (to re-check after revocations may have been missed). */
  keys(): string[] {
    return [...this.sockets.keys()];
  }

  close(apiKeyId: string, code: number, reason: string): void {
    for (const socket of this.sockets.get(apiKeyId) ?? []) socket.close(code, reason);
  }
}
