import type { Roles } from "@kapsel/config";
import { metricsLine } from "./banner.ts";

/** What `npm start` prints when KAPSEL_ROLES runs only some roles: what runs, and no demo. */
export function rolesBanner(options: {
  roles: Roles;
  ingestUrl: string | null;
  workerMetricsUrl: string | null;
  apiUrl: string | null;
  apiMetricsUrl: string | null;
  /** Whether METRICS_TOKEN is set. */
  metricsToken: boolean;
  consoleUrl?: string | undefined;
  database: string;
}): string {
  const { roles } = options;
  const lines = ["", `Kapsel is running these roles: ${roles.names.join(", ")}.`];
  if (options.ingestUrl) {
    lines.push(`  Ingest:     ${options.ingestUrl}/ingest/<endpoint_id>  (health and ready on the same port)`);
  }
  if (roles.deliver) lines.push("  Delivery:   claiming due events from the database");
  if (roles.attest) lines.push("  Attestation: committing attempts to the signed log");
  if (options.workerMetricsUrl)
    lines.push(metricsLine("Worker metrics", options.workerMetricsUrl, options.metricsToken));
  if (options.apiUrl) lines.push(`  API:        ${options.apiUrl}/graphql`);
  if (options.apiMetricsUrl) lines.push(metricsLine("API metrics", options.apiMetricsUrl, options.metricsToken));
  if (options.consoleUrl) lines.push(`  Console:    ${options.consoleUrl}`);
  lines.push(
    `  Database:   ${options.database}`,
    "  No demo data (it is created only when every role runs); see docs/operations.md.",
    "",
    "Press Ctrl-C to stop.",
    "",
  );
  return lines.join("\n");
}
