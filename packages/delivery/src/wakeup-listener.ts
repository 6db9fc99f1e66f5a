import type { Logger } from "@kapsel/logger";
import pg from "pg";

export const EVENTS_CHANNEL = "kapsel_events";

/**
 * LISTENs for new events on a dedicated connection and calls `onWake`. If the connection drops it
 * reconnects with capped exponential backoff; meanwhile the worker's polling keeps delivering, and
 * after a reconnect it wakes once in case it missed notifications.
 */
export class WakeupListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = 100;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connectionString: string,
    private readonly onWake: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString, application_name: "kapsel-listener" });
    client.on("notification", () => this.onWake());
    client.on("error", () => this.reconnect(client));
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      this.client = client;
      this.retryMs = 100;
      this.onWake();
    } catch (error) {
      this.logger.warn({ err: error, retryMs: this.retryMs }, "event listener could not connect; polling meanwhile");
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
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }
}
