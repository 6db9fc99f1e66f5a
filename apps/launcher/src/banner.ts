import { signSourceRequest } from "@kapsel/webhook-signatures";
import type { SeedResult } from "./seed-demo.ts";

export const DEMO_BODY = '{"type":"demo.hello","data":{"message":"Hello from Kapsel"}}';

/** A curl command that sends a correctly signed demo webhook (GitHub scheme: no timestamp, so it stays valid). */
export function demoCurl(ingestUrl: string, endpointId: string, sourceSecret: string): string {
  const headers = signSourceRequest({ scheme: "github", secret: sourceSecret }, Buffer.from(DEMO_BODY), Date.now());
  const headerArgs = Object.entries(headers)
    .map(([name, value]) => `-H '${name}: ${value}'`)
    .join(" ");
  return `curl -sS -X POST '${ingestUrl}/ingest/${endpointId}' -H 'content-type: application/json' ${headerArgs} --data-raw '${DEMO_BODY}'`;
}

export const DEMO_PUBLISH_BODY = '{"type":"demo.published","payload":{"message":"Hello from your application"}}';

/** A curl command that publishes an event of the demo tenant's own (POST /publish with its API key). */
export function publishCurl(ingestUrl: string, apiKey: string): string {
  return `curl -sS -X POST '${ingestUrl}/publish' -H 'authorization: Bearer ${apiKey}' -H 'content-type: application/json' --data-raw '${DEMO_PUBLISH_BODY}'`;
}

/**
 * Where a process's metrics are: its private listener (METRICS_HOST, loopback by default), never the
 * public ingest or API port (docs/security.md).
 */
export function metricsLine(label: "Worker metrics" | "API metrics", baseUrl: string, token: boolean): string {
  const access = token ? "private listener; Authorization: Bearer <METRICS_TOKEN>" : "private listener";
  return `  ${`${label}:`.padEnd(15)} ${baseUrl}/metrics  (${access})`;
}

export function banner(options: {
  ingestUrl: string;
  apiUrl: string;
  workerMetricsUrl: string;
  apiMetricsUrl: string;
  /** Whether METRICS_TOKEN is set (the banner says a scrape needs it, never its value). */
  metricsToken: boolean;
  /** The console's URL; absent when this launcher does not run the console. */
  consoleUrl?: string | null | undefined;
  receiverUrl: string;
  database: string;
  operatorKeyFile: string;
  seed: SeedResult;
}): string {
  const lines = [
    "",
    "Kapsel is running.",
    ...(options.consoleUrl ? [`  Console:    ${options.consoleUrl}  (sign in with an API key)`] : []),
    `  Ingest:     ${options.ingestUrl}/ingest/<endpoint_id>`,
    `  Publish:    ${options.ingestUrl}/publish  (Authorization: Bearer <API key>; your own events)`,
    `  Health:     ${options.ingestUrl}/health  ${options.ingestUrl}/ready`,
    `  GraphQL:    ${options.apiUrl}/graphql  (Authorization: Bearer <API key>; docs/graphql.md)`,
    `  Attestation: ${options.apiUrl}/attestation/checkpoint  ${options.apiUrl}/attestation/keys`,
    `  Receipts:   ${options.apiUrl}/attestation/receipts/<attempt_id>  (Authorization: Bearer <API key>)`,
    metricsLine("Worker metrics", options.workerMetricsUrl, options.metricsToken),
    metricsLine("API metrics", options.apiMetricsUrl, options.metricsToken),
    `  Database:   ${options.database}`,
    `  Demo receiver: ${options.receiverUrl} (prints every delivery it gets)`,
    `  Operator API key (manages tenants over GraphQL): in ${options.operatorKeyFile}`,
  ];
  if (options.seed.outcome === "skipped") {
    lines.push(`  Demo:       ${options.seed.reason}`);
  } else {
    const { demo } = options.seed;
    lines.push(
      `  Demo tenant API key:  ${demo.apiKey}`,
      `  Demo endpoint id:     ${demo.endpointId}`,
      "",
      "Send a signed demo webhook:",
      `  ${demoCurl(options.ingestUrl, demo.endpointId, demo.sourceSecret)}`,
      "",
      "Publish an event of your own (the demo endpoint subscribes to every type you publish):",
      `  ${publishCurl(options.ingestUrl, demo.apiKey)}`,
    );
  }
  lines.push("", "Press Ctrl-C to stop.", "");
  return lines.join("\n");
}
