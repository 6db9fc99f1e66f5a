import { newId } from "@kapsel/core";
import type { Page } from "@playwright/test";
import { createEndpointViaApi, expect, screenshot, test } from "./fixtures.ts";

// Issue #12: one event routed to several endpoints has one delivery per endpoint, each with its own
// status, attempts and receipts; the event page shows them side by side. Subscriptions have no API
// yet, so the second one is inserted with SQL (as routing.db.test.ts does).

const card = (page: Page, endpointId: string) =>
  page.locator(`[data-testid="delivery"][data-endpoint-id="${endpointId}"]`);

async function ingest(ingestBaseUrl: string, sourceId: string, body: unknown): Promise<string> {
  const response = await fetch(`${ingestBaseUrl}/ingest/${sourceId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { event_id: string }).event_id;
}

async function sourceOf(graphql: <T>(q: string, v?: Record<string, unknown>) => Promise<T>, endpointId: string) {
  const data = await graphql<{ endpoint: { source: { id: string } } }>(
    "query Src($id: ID!) { endpoint(id: $id) { source { id } } }",
    { id: endpointId },
  );
  return data.endpoint.source.id;
}

test("one event fanned out to two endpoints: each delivery with its own status, attempts and receipts", async ({
  page,
  signIn,
  stack,
  graphql,
  sql,
}, testInfo) => {
  const origin = new URL(stack.receiverUrl).origin;
  const okId = await createEndpointViaApi(graphql, { name: "Fan-out ledger", url: `${origin}/status/200` });
  // Two attempts, 1 to 1.5 s apart: the failing delivery fails for good within seconds.
  const failingId = await createEndpointViaApi(graphql, {
    name: "Fan-out mailer",
    url: `${origin}/status/500`,
    maxAttempts: 2,
    backoffBaseMs: 1_000,
    backoffCapMs: 1_500,
  });
  const sourceId = await sourceOf(graphql, okId);
  // The ledger's source now feeds the mailer too (every type, no filter).
  await sql(
    `INSERT INTO subscriptions (id, tenant_id, endpoint_id, source_ids, type_patterns)
     SELECT $1, tenant_id, $2, ARRAY[$3], ARRAY['*'] FROM endpoints WHERE id = $2`,
    [newId("subscription"), failingId, sourceId],
  );
  const eventId = await ingest(stack.ingestBaseUrl, sourceId, { order: 42, note: "fan-out" });
  await signIn();

  await test.step("the event page shows two deliveries, each on its own timeline, live", async () => {
    await page.goto(`/events/${eventId}`);
    await expect(page.getByTestId("live-indicator")).toHaveText("Live");
    await expect(page.getByTestId("delivery")).toHaveCount(2);
    await expect(page.getByTestId("event-source")).toHaveAttribute("href", `/sources/${sourceId}`);

    const ok = card(page, okId);
    await expect(ok).toHaveAttribute("data-status", "DELIVERED");
    await expect(ok.getByTestId("delivery-endpoint")).toHaveText("Fan-out ledger");
    await expect(ok.getByTestId("delivery-endpoint")).toHaveAttribute("href", `/endpoints/${okId}`);
    await expect(ok.getByTestId("delivery-url")).toHaveText(`${origin}/status/200`);
    await expect(ok.getByTestId("delivery-timing")).toContainText("Delivered");
    await expect(ok.getByTestId("attempt")).toHaveCount(1);
    await expect(ok.getByTestId("attempt")).toHaveAttribute("data-result", "SUCCESS");
    await expect(ok.getByTestId("attempt")).toContainText("HTTP 200");

    // The failing delivery retries (live: the page is not reloaded) and then fails for good.
    const failing = card(page, failingId);
    await expect(failing.getByTestId("delivery-endpoint")).toHaveText("Fan-out mailer");
    await expect(failing.getByTestId("attempt").first()).toHaveAttribute("data-result", "RETRYABLE_FAILURE");
    await expect(failing.getByTestId("attempt").first()).toContainText("HTTP 500");
    await expect(failing).toHaveAttribute("data-status", "FAILED");
    await expect(failing.getByTestId("attempt")).toHaveCount(2);
    await expect(failing.getByTestId("delivery-attempt-count")).toHaveText("2 attempts");
    await expect(failing.getByTestId("delivery-timing")).toContainText("Failed");
    await expect(failing.getByTestId("next-retry")).toHaveCount(0);
    // Neither delivery's attempts leaked into the other's timeline.
    await expect(ok.getByTestId("attempt")).toHaveCount(1);
    await expect(page.getByTestId("delivery-summary")).toHaveText("2 deliveries: 1 delivered, 1 failed");
    await screenshot(page, testInfo, "event-fan-out");
  });

  await test.step("each attempt has its own receipt", async () => {
    const failing = card(page, failingId);
    await failing.getByRole("button", { name: "Receipt for attempt 2" }).click();
    const panel = failing.getByTestId("receipt-panel");
    await expect(panel.getByTestId("receipt-status")).toHaveAttribute("data-verdict", "verified");
    await expect(card(page, okId).getByTestId("receipt-panel")).toHaveCount(0);
  });

  await test.step("Replay delivers the finished deliveries again, each to its own endpoint", async () => {
    await expect(page.getByTestId("replay-hint")).toContainText("to all 2 endpoints");
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    const ok = card(page, okId);
    await expect(ok.getByTestId("attempt")).toHaveCount(2);
    await expect(ok.getByTestId("attempt").nth(1)).toHaveAttribute("data-result", "SUCCESS");
    await expect(ok).toHaveAttribute("data-status", "DELIVERED");
    const failing = card(page, failingId);
    await expect(failing.getByTestId("attempt").nth(2)).toHaveAttribute("data-result", "RETRYABLE_FAILURE");
    await expect(failing.getByTestId("attempt").nth(2)).toContainText("Attempt 3");
  });
});

test("an event that matched no subscription says it was routed to no endpoint", async ({
  page,
  signIn,
  stack,
  graphql,
  sql,
}) => {
  const endpointId = await createEndpointViaApi(graphql, {
    name: "Unsubscribed",
    url: `${new URL(stack.receiverUrl).origin}/status/200`,
  });
  const sourceId = await sourceOf(graphql, endpointId);
  // Without its subscription the source feeds no endpoint: its events are kept, with no delivery.
  await sql("DELETE FROM subscriptions WHERE endpoint_id = $1", [endpointId]);
  const eventId = await ingest(stack.ingestBaseUrl, sourceId, { lonely: true });
  await signIn();

  await page.goto(`/events/${eventId}`);
  await expect(page.getByTestId("delivery-summary")).toHaveText("Routed to no endpoint");
  await expect(page.getByTestId("no-delivery")).toContainText("matched none of its source's subscriptions");
  await expect(page.getByTestId("delivery")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Replay", exact: true })).toBeDisabled();
  await expect(page.getByTestId("payload")).toContainText("lonely");
});
