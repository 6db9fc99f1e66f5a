import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** What a test saw of one subscription. */
export interface Subscription {
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary result shapes
  results: any[];
  error: unknown;
  completed: boolean;
  /** Completes it from the client's side. */
  unsubscribe(): void;
}

/**
 * graphql-ws clients of one API for a test file; `disposeAll` in an afterEach. graphql-ws
 * acknowledges connections, not subscriptions: before causing the update a subscription should
 * see, wait until the server counts it (GraphQLHarness.liveSubscribers).
 */
export function wsClients(wsUrl: string) {
  const clients: Client[] = [];
  return {
    connect(key: string | null, options: { webSocketImpl?: unknown } = {}): Client {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: options.webSocketImpl ?? WebSocket,
        connectionParams: key === null ? {} : { authorization: `Bearer ${key}` },
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription {
      const sub: Subscription = { results: [], error: undefined, completed: false, unsubscribe: () => undefined };
      sub.unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (result) => sub.results.push(result),
          error: (error) => {
            sub.error = error;
          },
          complete: () => {
            sub.completed = true;
          },
        },
      );
      return sub;
    },
    async disposeAll(): Promise<void> {
      for (const client of clients.splice(0)) await client.dispose();
    },
  };
}

/** Resolves once the client got connection_ack (the server authenticated and registered the connection). */
export function acknowledged(client: Client): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = client.on("connected", () => {
      off();
      resolve();
    });
  });
}
