import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPool, startEmbeddedPostgres } from "@kapsel/db";
import { freePort, notifyAttemptAgain, waitFor } from "@kapsel/test-support";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { bannerCurl, bannerPublishCurl, bannerValue, launchNpmStart, processesMentioning } from "./launcher-process.ts";

const sh = promisify(execFile);
const VERIFY_BIN = fileURLToPath(new URL("../packages/verify-cli/bin/kapsel-verify.mjs", import.meta.url));

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kapsel-quick-start-"));
  await chmod(root, 0o755);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** npm re-raises the SIGINT it got, so it ends by signal; the launcher itself must have stopped cleanly. */
function expectCleanStop(result: { code: number | null; signal: NodeJS.Signals | null }, output: string): void {
  expect(result.code === 0 || result.signal === "SIGINT").toBe(true);
  expect(output).toContain("Kapsel stopped.");
}

/** npm may return before its children finish shutting down; they must all be gone within 20 s. */
async function groupIsGone(pgid: number): Promise<boolean> {
  const gone = () => {
    try {
      process.kill(-pgid, 0);
      return false;
    } catch {
      return true;
    }
  };
  return waitFor(gone, 20_000, 100).then(
    () => true,
    () => false,
  );
}

describe("README quick start: npm start", () => {
  it("starts on an embedded PostgreSQL, accepts the printed curl, stops cleanly on Ctrl-C, and reuses its data", async () => {
    const dataDir = join(root, "embedded");
    const env = {
      DEMO_RECEIVER_PORT: String(await freePort()),
      KAPSEL_DATA_DIR: dataDir,
      KAPSEL_POSTGRES_PORT: String(await freePort()),
      INGEST_PORT: String(await freePort()),
      API_PORT: String(await freePort()),
      CONSOLE_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      API_METRICS_PORT: String(await freePort()),
      ATTEST_MAX_DELAY_MS: "200",
    };
    const first = launchNpmStart(env);
    let banner: string;
    try {
      banner = await first.banner;
    } catch (error) {
      await first.interrupt();
      throw error;
    }
    expect(banner).toContain(`Ingest:     http://127.0.0.1:${env.INGEST_PORT}/ingest/<endpoint_id>`);
    const apiKey = bannerValue(banner, "Demo tenant API key");
    const endpointId = bannerValue(banner, "Demo endpoint id");
    expect(apiKey).toMatch(/^kap_sk_/);

    // Metrics: printed on the private listeners (loopback), not on the public ingest or API port.
    for (const [label, port] of [
      ["Worker metrics", env.WORKER_METRICS_PORT],
      ["API metrics", env.API_METRICS_PORT],
    ] as const) {
      const url = `http://127.0.0.1:${port}/metrics`;
      expect(banner).toMatch(new RegExp(`${label}:\\s+${url.replaceAll(".", "\\.")}  \\(private listener\\)`));
      expect(await (await fetch(url)).text()).toMatch(/^kapsel_metrics_database_up 1$/m);
    }
    expect((await fetch(`http://127.0.0.1:${env.INGEST_PORT}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${env.API_PORT}/metrics`)).status).toBe(404);

    // The printed console URL serves the sign-in page.
    const consoleUrl = bannerValue(banner, "Console");
    expect(consoleUrl).toBe(`http://127.0.0.1:${env.CONSOLE_PORT}`);
    const signIn = await fetch(`${consoleUrl}/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain("API key");

    // The SSRF allow-list opens the demo receiver's port only (issue #11, finding 7): the other
    // loopback services npm start runs are not destinations a demo tenant may create.
    const apiBase = bannerValue(banner, "GraphQL").replace(/\/graphql$/, "");
    const createEndpoint = async (url: string) => {
      const response = await fetch(`${apiBase}/graphql`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) {
            endpoint { id } userErrors { code kapselCode ... on UrlNotAllowedError { reason } } } }`,
          variables: { input: { name: "Probe", url, sourceScheme: "GITHUB" } },
        }),
      });
      return ((await response.json()) as { data: { createEndpoint: unknown } }).data.createEndpoint;
    };
    for (const port of [env.KAPSEL_POSTGRES_PORT, env.WORKER_METRICS_PORT, env.API_METRICS_PORT, env.API_PORT]) {
      expect(await createEndpoint(`http://127.0.0.1:${port}/`)).toEqual({
        endpoint: null,
        userErrors: [{ code: "URL_NOT_ALLOWED", kapselCode: "E4010", reason: "loopback" }],
      });
    }
    // The demo receiver's own port stays open: a second endpoint there is fine.
    const demoPath = (await createEndpoint(`http://127.0.0.1:${env.DEMO_RECEIVER_PORT}/other`)) as {
      endpoint: { id: string } | null;
    };
    expect(demoPath.endpoint?.id).toMatch(/^ep_/);

    // The printed command, run as a user would paste it.
    const { stdout } = await sh("sh", ["-c", bannerCurl(banner)]);
    const answer = JSON.parse(stdout) as { event_id: string; status: string };
    expect(answer.status).toBe("accepted");

    const password = (await readFile(join(dataDir, "postgres-password"), "utf8")).trim();
    const pool = createPool({
      connectionString: `postgresql://kapsel:${password}@127.0.0.1:${env.KAPSEL_POSTGRES_PORT}/kapsel`,
      max: 1,
    });
    // The worker delivers it to the demo receiver, which checks the Standard Webhooks signature.
    const delivered = new RegExp(
      `\\[demo receiver\\] ${answer.event_id} received \\(attempt (att_\\w+)\\), signature verified`,
    );
    await waitFor(() => delivered.test(first.output()));
    const attemptId = delivered.exec(first.output())![1]!;
    await waitFor(async () => {
      const { rows } = await pool.query("SELECT status FROM deliveries WHERE event_id = $1", [answer.event_id]);
      return rows[0]?.status === "delivered";
    });
    const { rows } = await pool.query(
      "SELECT e.endpoint_id, a.response_status, a.result FROM events e JOIN delivery_attempts a ON a.event_id = e.id WHERE e.id = $1",
      [answer.event_id],
    );
    expect(rows).toEqual([{ endpoint_id: endpointId, response_status: 200, result: "success" }]);

    // The printed publish command: the demo tenant's own event, routed by the demo endpoint's
    // subscription to the publish source, reaches the demo receiver signed.
    const published = JSON.parse((await sh("sh", ["-c", bannerPublishCurl(banner)])).stdout) as {
      event_id: string;
      status: string;
    };
    expect(published.status).toBe("accepted");
    await waitFor(() =>
      new RegExp(`\\[demo receiver\\] ${published.event_id} received \\(attempt att_\\w+\\), signature verified`).test(
        first.output(),
      ),
    );
    const publishedRows = await pool.query(
      "SELECT e.endpoint_id, e.type, d.endpoint_id AS delivered_to FROM events e JOIN deliveries d ON d.event_id = e.id WHERE e.id = $1",
      [published.event_id],
    );
    expect(publishedRows.rows).toEqual([{ endpoint_id: null, type: "demo.published", delivered_to: endpointId }]);

    // The attempt's receipt, from the API the banner printed, verifies offline with the log's key.
    const apiUrl = /Attestation: (http:\/\/\S+)\/attestation\/checkpoint/.exec(banner)![1]!;
    let receipt: Response | null = null;
    await waitFor(async () => {
      receipt = await fetch(`${apiUrl}/attestation/receipts/${attemptId}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return receipt.status === 200;
    });
    const receiptFile = join(root, "demo-receipt.json");
    await writeFile(receiptFile, await receipt!.text());
    const keys = (await (await fetch(`${apiUrl}/attestation/keys`)).json()) as { keys: { verifier_key: string }[] };
    const verified = await sh(process.execPath, [VERIFY_BIN, receiptFile, "--key", keys.keys[0]!.verifier_key]);
    expect(verified.stdout).toContain(`VERIFIED: attempt ${attemptId} of event ${answer.event_id}`);

    // Live updates on the running platform: subscribe to the event's attempts, replay it through a
    // mutation, and the new attempt arrives over the WebSocket.
    const live = createClient({
      url: `${apiUrl.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
    });
    const arrived: number[] = [];
    const failed: unknown[] = [];
    live.subscribe<{ eventAttempts: { attemptNumber: number } }>(
      {
        query: `subscription($id: ID!) { eventAttempts(eventId: $id) { attemptNumber } }`,
        variables: { id: answer.event_id },
      },
      {
        next: (msg) => (msg.data ? arrived.push(msg.data.eventAttempts.attemptNumber) : failed.push(msg.errors)),
        error: (error) => failed.push(error),
        complete: () => undefined,
      },
    );
    // Registered once it receives something: the first attempt's notification, sent again by hand
    // (as its trigger did) until it arrives.
    await waitFor(async () => {
      if (arrived.length > 0 || failed.length > 0) return true;
      await notifyAttemptAgain(pool, answer.event_id);
      return false;
    });
    expect(failed).toEqual([]);
    expect(new Set(arrived)).toEqual(new Set([1]));
    const replay = await fetch(`${apiUrl}/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($id: ID!) { replayEvent(eventId: $id) { userErrors { code } } }`,
        variables: { id: answer.event_id },
      }),
    });
    expect(await replay.json()).toEqual({ data: { replayEvent: { userErrors: [] } } });
    await waitFor(() => arrived.includes(2) || failed.length > 0);
    expect(failed).toEqual([]);
    expect(arrived.filter((n) => n !== 1)).toEqual([2]);
    await live.dispose();
    await pool.end();

    const stopped = await first.interrupt();
    expect(await groupIsGone(first.child.pid!)).toBe(true);
    expectCleanStop(stopped, first.output());
    expect(await processesMentioning(join(dataDir, "postgres"))).toEqual([]);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false); // clean shutdown

    // Second start: same data, same demo credentials, the event is still there.
    const second = launchNpmStart(env);
    try {
      const again = await second.banner;
      expect(bannerValue(again, "Demo tenant API key")).toBe(apiKey);
      expect(bannerValue(again, "Demo endpoint id")).toBe(endpointId);
      expect((await fetch(`${bannerValue(again, "Console")}/healthz`)).status).toBe(200);
      const repeat = JSON.parse((await sh("sh", ["-c", bannerCurl(again)])).stdout) as { status: string };
      expect(repeat.status).toBe("accepted");
    } finally {
      const stopped = await second.interrupt();
      expect(await groupIsGone(second.child.pid!)).toBe(true);
      expectCleanStop(stopped, second.output());
    }
    expect(await processesMentioning(join(dataDir, "postgres"))).toEqual([]);
  });

  it("uses DATABASE_URL instead of an embedded PostgreSQL when it is set", async () => {
    const externalDir = join(root, "external-pg");
    const external = await startEmbeddedPostgres({
      dataDir: externalDir,
      port: await freePort(),
      password: "external",
      settings: { fsync: "off" },
    });
    const dataDir = join(root, "with-database-url");
    try {
      const admin = createPool({ connectionString: external.url, max: 1 });
      await admin.query("CREATE DATABASE app");
      await admin.end();
      const env = {
        DEMO_RECEIVER_PORT: String(await freePort()),
        KAPSEL_DATA_DIR: dataDir,
        DATABASE_URL: external.urlFor("app"),
        INGEST_PORT: String(await freePort()),
        API_PORT: String(await freePort()),
        CONSOLE_PORT: String(await freePort()),
      };
      const launched = launchNpmStart(env);
      try {
        const banner = await launched.banner;
        expect(banner).toContain("Database:   DATABASE_URL (external PostgreSQL)");
        const answer = JSON.parse((await sh("sh", ["-c", bannerCurl(banner)])).stdout) as { event_id: string };
        const pool = createPool({ connectionString: external.urlFor("app"), max: 1 });
        const { rowCount } = await pool.query("SELECT 1 FROM events WHERE id = $1", [answer.event_id]);
        await pool.end();
        expect(rowCount).toBe(1);
      } finally {
        const stopped = await launched.interrupt();
        expect(await groupIsGone(launched.child.pid!)).toBe(true);
        expectCleanStop(stopped, launched.output());
      }
      expect(existsSync(join(dataDir, "postgres"))).toBe(false); // no embedded server was started
    } finally {
      await external.stop();
    }
  });

  it("refuses bad configuration with a clear message per setting", async () => {
    const launched = launchNpmStart({
      KAPSEL_DATA_DIR: join(root, "bad"),
      INGEST_PORT: "seventy",
      DATABASE_URL: "mysql://nope",
    });
    await expect(launched.banner).rejects.toThrow(/exited with/);
    const output = launched.output();
    expect(output).toContain("Invalid configuration:");
    expect(output).toContain(`INGEST_PORT: must be a port number 0-65535 (got "seventy")`);
    expect(output).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
