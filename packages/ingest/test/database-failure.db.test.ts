import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPool, type EmbeddedPostgres, migrate, type Pool, startEmbeddedPostgres } from "@kapsel/db";
import { errorCode, freePort, insertEndpoint, insertTenant, startIngest, waitFor } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// These tests break PostgreSQL on purpose, so they run their own server instead of the shared one.
let root: string;
let port: number;
let server: EmbeddedPostgres;
const options = () => ({ dataDir: join(root, "data"), port, password: "crash-test", settings: { fsync: "off" } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-crash-pg-"));
  await chmod(root, 0o755);
  port = await freePort();
  server = await startEmbeddedPostgres(options());
});
afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe("when the database fails", () => {
  it("answers 503 E3001 with Retry-After when PostgreSQL is unreachable, never 2xx", async () => {
    const deadPool = createPool({
      connectionString: `postgresql://kapsel:x@127.0.0.1:${await freePort()}/kapsel`,
      max: 2,
    });
    const ingest = await startIngest(deadPool);
    try {
      const res = await fetch(`${ingest.url}/ingest/ep_01M84CC7QAW9Y7TVMT6XEJS9PB`, { method: "POST", body: "{}" });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await errorCode(res)).toBe("E3001");
      const ready = await fetch(`${ingest.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await errorCode(ready)).toBe("E3004");
    } finally {
      await ingest.close();
      await deadPool.end();
    }
  });

  it("never acknowledges an event that is not stored when PostgreSQL crashes and restarts under load", async () => {
    const pool: Pool = createPool({ connectionString: server.url, max: 10 });
    await migrate(pool);
    const tenant = await insertTenant(pool);
    const endpoint = await insertEndpoint(pool, tenant.id);
    // A long endpoint cache keeps ingest reaching the commit path (the part under test) while
    // the database is down.
    const ingest = await startIngest(pool, { endpointCacheMs: 600_000 });
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let running = true;

    const client = async (n: number) => {
      let i = 0;
      while (running) {
        const body = JSON.stringify({ client: n, seq: i++ });
        try {
          const res = await fetch(`${ingest.url}/ingest/${endpoint.id}`, { method: "POST", body });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const json = (await res.json()) as { event_id?: string };
          if (res.status >= 200 && res.status < 300) acknowledged.push(json.event_id!);
          else await new Promise((r) => setTimeout(r, 20));
        } catch {
          statuses.set(0, (statuses.get(0) ?? 0) + 1);
        }
      }
    };
    const clients = Array.from({ length: 20 }, (_, n) => client(n));

    try {
      await waitFor(() => acknowledged.length >= 500);
      const beforeCrash = acknowledged.length;
      const unavailableBefore = statuses.get(503) ?? 0;
      await server.kill(); // SIGKILL to postmaster and backends: a crash, mid-commit
      // Down until ingest has been seen answering the crash (503) a few times.
      await waitFor(() => (statuses.get(503) ?? 0) >= unavailableBefore + 20);
      server = await startEmbeddedPostgres(options()); // crash recovery, same data, same port
      await waitFor(() => acknowledged.length >= beforeCrash + 500, 30_000);
    } finally {
      running = false;
      await Promise.all(clients);
      await ingest.close();
    }

    const { rows } = await pool.query<{ id: string }>("SELECT id FROM events WHERE id = ANY($1)", [acknowledged]);
    const stored = new Set(rows.map((r) => r.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    console.log(
      `database crash under load: ${acknowledged.length} acknowledged, ${lost.length} lost, responses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(lost).toEqual([]);
    // The crash really happened while requests were in flight, and ingest recovered by itself.
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    await pool.end();
  });
});
