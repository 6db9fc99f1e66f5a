import { createTestDatabase, type TestDatabase, waitFor } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ListenConnection } from "../src/index.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function backends(applicationName: string): Promise<number[]> {
  const { rows } = await db.pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    [applicationName],
  );
  return rows.map((r) => r.pid);
}

function listen(applicationName: string, received: string[], connected: { count: number }) {
  return new ListenConnection({
    config: { connectionString: db.url },
    applicationName,
    channels: ["test_a", "test_b"],
    onNotification: (channel, payload) => received.push(`${channel}:${payload}`),
    onConnected: () => connected.count++,
    onConnectFailed: () => undefined,
  });
}

describe("ListenConnection", () => {
  it("hears every channel, and reconnects (calling onConnected again) when its backend is terminated", async () => {
    const received: string[] = [];
    const connected = { count: 0 };
    const connection = listen("listen-test-reconnect", received, connected);
    await connection.start();
    await db.pool.query("SELECT pg_notify('test_a', 'one'), pg_notify('test_b', 'two')");
    await waitFor(() => received.length === 2);
    expect(received).toEqual(["test_a:one", "test_b:two"]);

    const [pid] = await backends("listen-test-reconnect");
    await db.pool.query("SELECT pg_terminate_backend($1)", [pid]);
    await waitFor(() => connected.count === 2, 10_000);
    await db.pool.query("SELECT pg_notify('test_a', 'three')");
    await waitFor(() => received.length === 3);
    await connection.stop();
    await waitFor(async () => (await backends("listen-test-reconnect")).length === 0);
  });

  it("keeps no connection when stopped while still connecting", async () => {
    const connected = { count: 0 };
    const connection = listen("listen-test-stop-early", [], connected);
    const started = connection.start();
    await connection.stop();
    await started; // the first attempt has finished: it connected, saw stop() and closed again
    expect(connected.count).toBe(0);
    // The server sees the closed connection's backend go (a kept connection would stay forever).
    await waitFor(async () => (await backends("listen-test-stop-early")).length === 0);
  });
});
