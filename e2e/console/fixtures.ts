import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createPool } from "@kapsel/db";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import type { ReceiverMode } from "./controllable-receiver.ts";
import { type ConsoleStack, readStack } from "./stack.ts";

const IMAGES_DIR = fileURLToPath(new URL("../../docs/images/", import.meta.url));

export interface ConsoleFixtures {
  stack: ConsoleStack;
  /** Signs in through the form, as a person would, and lands on Endpoints. */
  signIn: (page?: Page) => Promise<void>;
  /** Calls the API's GraphQL directly with the demo key (for setup a spec is not about). */
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  setReceiverMode: (mode: ReceiverMode) => Promise<void>;
  /** Runs SQL on the stack's database, for setup neither the API nor the console offers yet. */
  sql: <R extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;
}

export const test = base.extend<ConsoleFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright fixtures take their dependencies by destructuring
  stack: async ({}, use) => {
    await use(readStack());
  },
  baseURL: async ({ stack }, use) => {
    await use(stack.consoleUrl);
  },
  signIn: async ({ page, stack }, use) => {
    await use(async (target = page) => {
      await target.goto("/sign-in");
      await target.getByLabel("API key").fill(stack.apiKey);
      await target.getByRole("button", { name: "Sign in" }).click();
      await expect(target).toHaveURL(/\/endpoints$/);
    });
  },
  graphql: async ({ stack }, use) => {
    await use(async <T>(query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${stack.apiUrl}/graphql`, {
        method: "POST",
        headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (!response.ok || body.errors || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
      return body.data;
    });
  },
  setReceiverMode: async ({ stack }, use) => {
    await use(async (mode) => {
      const response = await fetch(`${stack.receiverControlUrl}?mode=${mode}`, { method: "POST" });
      if (!response.ok) throw new Error(`receiver refused mode ${mode}: ${await response.text()}`);
    });
  },
  sql: async ({ stack }, use) => {
    const pool = createPool({ connectionString: stack.databaseUrl, max: 1 });
    try {
      await use(async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => {
        const { rows } = await pool.query<R>(text, values);
        return rows;
      });
    } finally {
      await pool.end();
    }
  },
});

export { expect };

/**
 * A 1280×800 screenshot of the page, attached to the test's report; with
 * KAPSEL_UPDATE_SCREENSHOTS=1 also written to docs/images/console-<name>.png for the README.
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  const body = await page.screenshot({ animations: "disabled", caret: "hide" });
  await testInfo.attach(`console-${name}.png`, { body, contentType: "image/png" });
  if (process.env.KAPSEL_UPDATE_SCREENSHOTS === "1") {
    await mkdir(IMAGES_DIR, { recursive: true });
    await writeFile(`${IMAGES_DIR}console-${name}.png`, body);
  }
}

/** Creates an endpoint through the API, for specs about what happens after creation. */
export async function createEndpointViaApi(
  graphql: ConsoleFixtures["graphql"],
  input: Record<string, unknown>,
): Promise<string> {
  const data = await graphql<{
    createEndpoint: { endpoint: { id: string } | null; userErrors: { code: string; message: string }[] };
  }>(
    `mutation CreateEndpoint($input: CreateEndpointInput!) {
      createEndpoint(input: $input) { endpoint { id } userErrors { code message } }
    }`,
    { input: { sourceScheme: "NONE", acknowledgeUnverifiedSource: true, ...input } },
  );
  const { endpoint, userErrors } = data.createEndpoint;
  if (!endpoint) throw new Error(`createEndpoint refused: ${JSON.stringify(userErrors)}`);
  return endpoint.id;
}
