import pg from "pg";

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

export interface ListenConnectionOptions {
  /** Where to connect (a pool's options or a connection string). */
  config: pg.ClientConfig;
  /** Shown in pg_stat_activity, so operators and tests can find the connection. */
  applicationName: string;
  channels: readonly string[];
  onNotification(channel: string, payload: string | undefined): void;
  /** After every successful (re)connect: notifications sent while it was down are lost. */
  onConnected?(): void;
  /** A connect attempt failed; the next one follows in `retryMs`. */
  onConnectFailed(error: unknown, retryMs: number): void;
}

/**
 * One dedicated connection that LISTENs on `channels` (LISTEN needs a session, so not a pooled
 * connection). If it drops, it reconnects with capped exponential backoff (100 ms to 10 s) until
 * stopped. Serves the delivery workers' wake-ups and the API's live updates.
 */
export class ListenConnection {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = MIN_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ListenConnectionOptions) {}

  /** Settles once the first attempt succeeded or failed (a failure retries in the background). */
  start(): Promise<void> {
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ ...this.options.config, application_name: this.options.applicationName });
    client.on("notification", (message) => this.options.onNotification(message.channel, message.payload));
    client.on("error", () => this.reconnect(client));
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(this.options.channels.map((channel) => `LISTEN ${channel}`).join("; "));
      // Stopped while connecting: do not keep a connection nobody will close.
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.retryMs = MIN_RETRY_MS;
      this.options.onConnected?.();
    } catch (error) {
      this.options.onConnectFailed(error, this.retryMs);
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || (this.client !== null && this.client !== client)) return;
    if (this.timer) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
