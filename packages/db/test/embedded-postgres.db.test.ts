import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "@kapsel/test-support";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../src/embedded-postgres.ts";

// This test kills PostgreSQL on purpose, so it runs a server of its own instead of the shared one.
let root: string;
let server: EmbeddedPostgres | null = null;
/** The backend the test leaves orphaned; ended here if the test failed before it was. */
let busyPid = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-embedded-pg-"));
  await chmod(root, 0o755); // the server runs as the `postgres` OS user when we are root
});
afterAll(async () => {
  if (busyPid > 0 && isAlive(busyPid)) process.kill(busyPid, "SIGKILL");
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startEmbeddedPostgres after a crash", () => {
  it("starts again on the same data after its postmaster was SIGKILLed while a backend was busy, and recovers", async () => {
    const options = { dataDir: join(root, "data"), port: await freePort(), password: "pw", settings: { fsync: "off" } };
    server = await startEmbeddedPostgres(options);
    const first = server;
    const admin = new pg.Client({ connectionString: first.url });
    await admin.connect();
    await admin.query("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");

    // A backend busy with a long computation does not notice its postmaster's death, and keeps
    // the old shared memory attached: a new postmaster refuses to start while it lives.
    const busy = new pg.Client({ connectionString: first.url });
    await busy.connect();
    busy.on("error", () => undefined);
    const running = busy.query("SELECT count(*) FROM generate_series(1, 1000000000)").catch(() => undefined);
    await waitFor(async () => {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%generate_series%' AND pid <> pg_backend_pid()",
      );
      busyPid = rows[0]?.pid ?? 0;
      return busyPid > 0;
    });
    admin.on("error", () => undefined);

    process.kill(first.pid!, "SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(isAlive(busyPid)).toBe(true); // orphaned, still computing

    server = await startEmbeddedPostgres(options);
    expect(server.pid).not.toBe(first.pid);
    expect(isAlive(busyPid)).toBe(false);
    await running;
    await Promise.all([busy.end().catch(() => undefined), admin.end().catch(() => undefined)]);

    const check = new pg.Client({ connectionString: server.url });
    await check.connect();
    const { rows } = await check.query("SELECT n FROM kept");
    await check.end();
    expect(rows).toEqual([{ n: 42 }]);
  });
});
