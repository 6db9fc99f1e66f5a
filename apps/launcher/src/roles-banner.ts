import type { Roles } from "@kapsel/config";

/** What `npm start` prints when KAPSEL_ROLES runs only some roles: what runs, and no demo. */
export function rolesBanner(options: {
  roles: Roles;
  ingestUrl: string | null;
  workerMetricsUrl: string | null;
  apiUrl: string | null;
  consoleUrl?: string | undefined;
  database: string;
}): string {
  const { roles } = options;
  const lines = ["", `Kapsel is running these roles: ${roles.names.join(", ")}.`];
  if (options.ingestUrl) {
    lines.push(`  Ingest:     ${options.ingestUrl}/ingest/<endpoint_id>  (health, ready, metrics on the same port)`);
  }
  if (roles.deliver) lines.push("  Delivery:   claiming due events from the database");
  if (roles.attest) lines.push("  Attestation: committing attempts to the signed log");
  if (options.workerMetricsUrl) lines.push(`  Worker metrics: ${options.workerMetricsUrl}/metrics`);
  if (options.apiUrl) lines.push(`  API:        ${options.apiUrl}/graphql  ${options.apiUrl}/metrics`);
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
