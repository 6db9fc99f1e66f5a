import { createHmac } from "node:crypto";
import { createEndpointViaApi, expect, test } from "./fixtures.ts";

// Sources and the event-type catalog in the console (issue #12; docs/console.md).

test("the sources list shows the demo endpoint's source with its ingest URL", async ({ page, signIn, stack }) => {
  await signIn();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources" }).click();
  await expect(page).toHaveURL(/\/sources$/);
  const demoSourceId = `src_${stack.demoEndpointId.slice("ep_".length)}`;
  const row = page.locator(`[data-testid="source-row"][data-source-id="${demoSourceId}"]`);
  await expect(row.getByTestId("ingest-url")).toHaveText(`/ingest/${demoSourceId}`);
  await expect(row).toContainText("GitHub");
  await expect(row.getByRole("button", { name: /Copy the ingest URL/ })).toBeVisible();
  await expect(row.getByRole("link", { name: /demo/i }).last()).toHaveAttribute(
    "href",
    `/endpoints/${stack.demoEndpointId}`,
  );
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/sources/${demoSourceId}$`));
  await expect(page.getByTestId("ingest-url")).toHaveText(`/ingest/${demoSourceId}`);
  await expect(page.getByRole("link", { name: "its endpoint's page" })).toHaveAttribute(
    "href",
    `/endpoints/${stack.demoEndpointId}`,
  );
});

test("creating an event type shows INVALID_SCHEMA next to the schema, and a valid one is listed", async ({
  page,
  signIn,
}) => {
  const name = `invoice.paid${Date.now().toString(36)}`;
  await signIn();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Event types" }).click();
  await page.getByRole("link", { name: "New event type" }).click();
  await expect(page).toHaveURL(/\/event-types\/new$/);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description (optional)").fill("An invoice was paid");
  const schema = page.getByLabel("JSON Schema (optional)");
  await schema.fill('{"type": "object", "properties": {"id": {"type": "strang"}}}');
  await page.getByRole("button", { name: "Create event type" }).click();
  const problems = page.getByTestId("schema-problems");
  await expect(problems).toContainText("/properties/id/type");
  await expect(schema).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/event-types\/new$/);

  await schema.fill('{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}');
  await page.getByRole("button", { name: "Create event type" }).click();
  await expect(page).toHaveURL(/\/event-types\/etp_\w+$/);
  await expect(page.getByTestId("event-type-name")).toHaveText(name);
  await expect(page.getByTestId("event-type-origin")).toHaveText("Declared");
  await expect(page.getByTestId("event-type-schema")).toContainText('"required"');

  await page.getByRole("link", { name: "Event types" }).first().click();
  const row = page.locator(`[data-testid="event-type-row"][data-event-type="${name}"]`);
  await expect(row).toContainText("Declared");
  await expect(row).toContainText("Yes");

  // The same name again is a CONFLICT, shown at the name field.
  await page.goto("/event-types/new");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create event type" }).click();
  await expect(page.getByTestId("et-name-errors")).toContainText("exists already");
});

test("an ingested event's type is shown on its event page and in its endpoint's list", async ({
  page,
  signIn,
  stack,
  graphql,
}) => {
  const secret = "e2e-github-source-secret";
  const endpointId = await createEndpointViaApi(graphql, {
    name: "GitHub pushes",
    url: stack.receiverUrl,
    sourceScheme: "GITHUB",
    sourceSecret: secret,
  });
  const body = Buffer.from('{"action":"opened","issue":{"number":1}}');
  const sourceId = `src_${endpointId.slice("ep_".length)}`;
  const response = await fetch(`${stack.ingestBaseUrl}/ingest/${sourceId}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      // GitHub's scheme (docs/signatures.md): HMAC-SHA256 of the body, hex, after "sha256=".
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    },
    body,
  });
  expect(response.status).toBe(202);
  const { event_id: eventId } = (await response.json()) as { event_id: string };

  await signIn();
  await page.goto(`/endpoints/${endpointId}`);
  const row = page.locator(`[data-testid="event-row"][data-event-id="${eventId}"]`);
  await expect(row.getByTestId("event-type")).toHaveText("issues.opened");
  await row.getByRole("link", { name: eventId }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${eventId}$`));
  await expect(page.getByTestId("event-type")).toHaveText("issues.opened");
  // The source link leads to the source the event came in through.
  await page.getByTestId("event-source").click();
  await expect(page.getByTestId("ingest-url")).toHaveText(`/ingest/${sourceId}`);
});
