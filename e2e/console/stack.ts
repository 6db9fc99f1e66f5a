import { readFileSync } from "node:fs";

/** What the global setup started, for the specs (they run in other processes). */
export interface ConsoleStack {
  consoleUrl: string;
  apiUrl: string;
  apiKey: string;
  receiverUrl: string;
  receiverControlUrl: string;
}

export const STACK_FILE_ENV = "KAPSEL_CONSOLE_E2E_STACK";

export function readStack(): ConsoleStack {
  const file = process.env[STACK_FILE_ENV];
  if (!file) throw new Error(`${STACK_FILE_ENV} is not set: run the suite with playwright test -c e2e/console`);
  return JSON.parse(readFileSync(file, "utf8")) as ConsoleStack;
}
