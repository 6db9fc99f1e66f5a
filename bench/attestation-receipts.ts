import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { verifyReceipt } from "@kapsel/attestation";
import { TEST_SECRETS_PUBLIC_KEY } from "@kapsel/test-support";
import { readyPort, startChild } from "./child-process.ts";
import type { Cleanup } from "./cleanup.ts";

const API_ENTRY = fileURLToPath(new URL("../apps/api/src/main.ts", import.meta.url));

export interface ApiProcess {
  pid: number;
  port: number;
  /** From fork to the IPC "ready" message (tsx compile, imports, pool, listen). */
  startMs: number;
  stop(): Promise<void>;
}

/** A NEW apps/api process (as e2e/api-process.ts starts it): nothing cached, no connection open yet. */
export async function startApi(cleanup: Cleanup, databaseUrl: string): Promise<ApiProcess> {
  const started = performance.now();
  const child = await startChild("API", API_ENTRY, {
    KAPSEL_SECRETS_PUBLIC_KEY: TEST_SECRETS_PUBLIC_KEY,
    ...process.env,
    DATABASE_URL: databaseUrl,
    API_PORT: "0",
    METRICS_PORT: "0", // the private metrics listener: any free port
    LOG_LEVEL: "warn",
  });
  const stop = () => child.stop(10_000);
  cleanup.defer("stop API process", stop);
  const port = await readyPort(child, "apiPort");
  return { pid: child.pid, port, startMs: performance.now() - started, stop };
}

export interface ReceiptRun {
  latenciesMs: number[];
  seconds: number;
  /** Response bodies, in the order of the ids requested. */
  bodies: string[];
}

// node:http with keep-alive rather than fetch: it is loaded already, so the first request does not
// also pay for lazily loading undici in the client, which would be charged to the API.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function getReceipt(port: number, apiKey: string, attemptId: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: `/attestation/receipts/${attemptId}`,
        headers: { authorization: `Bearer ${apiKey}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** GET every receipt, `concurrency` requests in flight; each latency is one request's round trip. */
export async function requestReceipts(port: number, apiKey: string, ids: readonly string[], concurrency: number) {
  const run: ReceiptRun = { latenciesMs: [], seconds: 0, bodies: new Array<string>(ids.length) };
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const sent = performance.now();
      const answer = await getReceipt(port, apiKey, ids[i]!);
      run.latenciesMs.push(performance.now() - sent);
      if (answer.status !== 200) throw new Error(`receipt for ${ids[i]}: HTTP ${answer.status} ${answer.body}`);
      run.bodies[i] = answer.body;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

export function closeClientSockets(): void {
  agent.destroy();
}

/** Every receipt must verify against the log's own key (not the receipt's) and be for the attempt asked for. */
export function verifyReceipts(
  bodies: readonly string[],
  ids: readonly string[],
  verifierKey: string,
  treeSize: number,
) {
  const failures: string[] = [];
  bodies.forEach((body, i) => {
    const receipt = JSON.parse(body) as { tree_size?: unknown };
    const result = verifyReceipt(receipt, { trustedKeys: [verifierKey] });
    const problem = !result.ok
      ? result.checks.find((c) => c.status !== "pass")
      : result.leaf?.attempt_id !== ids[i]
        ? `leaf is for ${result.leaf?.attempt_id}`
        : receipt.tree_size !== treeSize
          ? `tree_size ${receipt.tree_size}, log has ${treeSize}`
          : null;
    if (problem) failures.push(`${ids[i]}: ${JSON.stringify(problem)}`);
  });
  if (failures.length > 0) {
    throw new Error(
      `${failures.length} of ${bodies.length} receipts did not verify:\n${failures.slice(0, 5).join("\n")}`,
    );
  }
  return bodies.length;
}
