import { ListenConnection } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";

export const EVENTS_CHANNEL = "kapsel_events";

/**
 * LISTENs for new events on a dedicated connection and calls `onWake`. If the connection drops it
 * reconnects (ListenConnection); meanwhile the worker's polling keeps delivering, and after every
 * (re)connect it wakes once in case it missed notifications.
 */
export class WakeupListener {
  private readonly connection: ListenConnection;

  constructor(connectionString: string, onWake: () => void, logger: Logger) {
    this.connection = new ListenConnection({
      config: { connectionString },
      applicationName: "kapsel-listener",
      channels: [EVENTS_CHANNEL],
      onNotification: () => onWake(),
      onConnected: () => onWake(),
      onConnectFailed: (error, retryMs) =>
        logger.warn({ err: error, retryMs }, "event listener could not connect; polling meanwhile"),
    });
  }

  start(): void {
    void this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }
}
