import type { Page } from "@playwright/test";
import { type ConsoleFixtures, createEndpointViaApi, expect, test } from "./fixtures.ts";

// Issue #12, "Tests": an event the tenant's application publishes (POST /publish) fans out by type
// to the two endpoints subscribed to `order.*` and not to the one subscribed to `invoice.*`; the
// event's page shows both deliveries arrive, live. One subscription is made through the console's
// own form, the others through GraphQL. `npm start`'s demo endpoint subscribes to every type the
// demo tenant publishes (seed-demo.ts), so it gets a delivery too.

const card = (page: Page, endpointId: string) =>
  page.locator(`[data-testid="delivery"][data-endpoint-id="${endpointId}"]`);

type GraphQL = ConsoleFixtures["graphql"];

async function publishSourceId(graphql: GraphQL): Promise<string> {
  const data = await graphql<{ sources: { edges: { node: { id: string; kind: string } }[] } }>(
    "{ sources(first: 100) { edges { node { id kind } } } }",
  );
  const id = data.sources.edges.find((e) => e.node.kind === "PUBLISH")?.node.id;
  if (!id) throw new Error("the demo tenant has no publish source");
  return id;
}

async function subscribe(graphql: GraphQL, input: Record<string, unknown>): Promise<void> {
  const data = await graphql<{ createEventSubscription: { userErrors: unknown[] } }>(
    `mutation($input: CreateEventSubscriptionInput!) {
      createEventSubscription(input: $input) { eventSubscription { id } userErrors { code field message } }
    }`,
    { input },
  );
  expect(data.createEventSubscription.userErrors).toEqual([]);
}

async function setPaused(graphql: GraphQL, id: string, paused: boolean): Promise<void> {
  const mutation = paused ? "pauseEndpoint" : "resumeEndpoint";
  const data = await graphql<Record<string, { userErrors: unknown[] }>>(
    `mutation($id: ID!) { ${mutation}(id: $id) { userErrors { code message } } }`,
    { id },
  );
  expect(data[mutation]?.userErrors).toEqual([]);
}

test("a published order.created reaches the two order.* endpoints, not the invoice.* one, and both deliveries arrive live", async ({
  page,
  signIn,
  stack,
  graphql,
}) => {
  const origin = new URL(stack.receiverUrl).origin;
  const url = `${origin}/status/200`;
  const fulfilment = await createEndpointViaApi(graphql, { name: "Fulfilment", url });
  const analytics = await createEndpointViaApi(graphql, { name: "Order analytics", url });
  const invoicing = await createEndpointViaApi(graphql, { name: "Invoicing", url });
  const source = await publishSourceId(graphql);
  await subscribe(graphql, { endpointId: fulfilment, sourceIds: [source], typePatterns: ["order.*"] });
  await subscribe(graphql, { endpointId: invoicing, sourceIds: [source], typePatterns: ["invoice.*"] });

  await signIn();
  await test.step("the second order.* subscription is made in the console's form", async () => {
    await page.goto(`/endpoints/${analytics}`);
    const section = page.getByRole("region", { name: "Subscriptions" });
    await section.getByRole("button", { name: "New subscription" }).click();
    const form = section.getByTestId("subscription-form");
    await form.getByLabel("Only these sources").selectOption(source);
    await form.getByLabel("Type patterns").fill("order.*");
    await form.getByLabel("Description (optional)").fill("Orders from our application");
    await form.getByRole("button", { name: "Save subscription" }).click();
    await expect(section.getByTestId("subscription-form")).toHaveCount(0);
    const created = section.getByTestId("subscription-row").filter({ hasText: "Orders from our application" });
    await expect(created.getByTestId("subscription-patterns")).toHaveText("order.*");
  });

  // Held until the page is open, so the deliveries are seen arriving rather than found delivered.
  await setPaused(graphql, fulfilment, true);
  await setPaused(graphql, analytics, true);
  const response = await fetch(`${stack.ingestBaseUrl}/publish`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ type: "order.created", payload: { order: "ord_42", total: 1999 } }),
  });
  expect(response.status).toBe(202);
  const eventId = ((await response.json()) as { event_id: string }).event_id;

  const routedTo = () =>
    page.getByTestId("delivery").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-endpoint-id")).sort());
  const expected = [fulfilment, analytics, stack.demoEndpointId].sort();

  await page.goto(`/events/${eventId}`);
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  await expect(page.getByTestId("delivery")).toHaveCount(3);
  expect(await routedTo()).toEqual(expected);
  await expect(card(page, invoicing)).toHaveCount(0);
  for (const id of [fulfilment, analytics]) {
    await expect(card(page, id)).not.toHaveAttribute("data-status", "DELIVERED");
    await expect(card(page, id).getByTestId("attempt")).toHaveCount(0);
  }

  await test.step("resumed, both deliveries arrive on the open page", async () => {
    await setPaused(graphql, fulfilment, false);
    await setPaused(graphql, analytics, false);
    for (const [id, name] of [
      [fulfilment, "Fulfilment"],
      [analytics, "Order analytics"],
    ] as const) {
      const delivery = card(page, id);
      await expect(delivery).toHaveAttribute("data-status", "DELIVERED");
      await expect(delivery.getByTestId("delivery-endpoint")).toHaveText(name);
      await expect(delivery.getByTestId("attempt")).toHaveCount(1);
      await expect(delivery.getByTestId("attempt")).toHaveAttribute("data-result", "SUCCESS");
    }
    await expect(page.getByTestId("delivery-summary")).toHaveText("3 deliveries: 3 delivered");
    expect(await routedTo()).toEqual(expected);
    await expect(card(page, invoicing)).toHaveCount(0);
    await expect(page.getByTestId("payload")).toContainText("ord_42");
  });
});
