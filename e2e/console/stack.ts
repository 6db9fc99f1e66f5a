import { readFileSync } from "node:fs";

/** What the global setup started, for the specs (they run in other processes). */
export interface ConsoleStack {
  consoleUrl: string;
  apiUrl: string;
  apiKey: string;
  /** The ingest server's base URL, e.g. http://127.0.0.1:3000 (senders post to `<it>/ingest/<source id>`). */
  ingestBaseUrl: string;
  /** The endpoint `npm start` seeds for the demo tenant; its source is `src_<same suffix>`. */
  demoEndpointId: string;
  receiverUrl: string;
  receiverControlUrl: string;
  /** The embedded PostgreSQL's URL (the launcher's own role), for setup the API cannot do yet. */
  databaseUrl: string;
}

export const STACK_FILE_ENV = "KAPSEL_CONSOLE_E2E_STACK";

export function readStack(): ConsoleStack {
  const file = process.env[STACK_FILE_ENV];
  if (!file) throw new Error(`${STACK_FILE_ENV} is not set: run the suite with playwright test -c e2e/console`);
  return JSON.parse(readFileSync(file, "utf8")) as ConsoleStack;
}
