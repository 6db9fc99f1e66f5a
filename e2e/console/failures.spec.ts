import { createEndpointViaApi, expect, test } from "./fixtures.ts";

// Small retry settings so the story fits in seconds: 3 attempts per event, backoff 1.5 s to 3 s
// (slow enough that retries land while the event page is open). The breaker keeps its defaults:
// it opens once 10 outcomes in its 60 s window are at least half failures (docs/delivery-policy.md).
const POLICY = { maxAttempts: 3, backoffBaseMs: 1_500, backoffCapMs: 3_000 };

test("a failing receiver: retries on the timeline, the breaker opens, then reset and replay deliver", async ({
  page,
  signIn,
  stack,
  graphql,
  setReceiverMode,
}) => {
  await setReceiverMode("fail");
  const endpointId = await createEndpointViaApi(graphql, { name: "Flaky receiver", url: stack.receiverUrl, ...POLICY });
  const sendTestEvent = async () =>
    (
      await graphql<{ sendTestEvent: { event: { id: string } } }>(
        "mutation Send($id: ID!) { sendTestEvent(endpointId: $id) { event { id } } }",
        { id: endpointId },
      )
    ).sendTestEvent.event.id;
  await signIn();

  const firstEvent = await test.step("retries appear on the open event page until the event fails", async () => {
    await page.goto(`/endpoints/${endpointId}`);
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByTestId("test-event-link").click();
    await expect(page).toHaveURL(/\/events\/evt_\w+$/);
    const eventId = new URL(page.url()).pathname.split("/").pop()!;
    await page.evaluate(() => Object.assign(globalThis, { kapselNoReload: true }));
    const attempts = page.getByTestId("attempt");
    await expect(attempts.first()).toHaveAttribute("data-result", "RETRYABLE_FAILURE");
    await expect(attempts.first()).toContainText("500");
    await expect(attempts).toHaveCount(3);
    for (const attempt of await attempts.all())
      await expect(attempt).toHaveAttribute("data-result", "RETRYABLE_FAILURE");
    await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "FAILED");
    await expect(page.getByTestId("next-retry")).toHaveCount(0);
    expect(await page.evaluate(() => (globalThis as { kapselNoReload?: boolean }).kapselNoReload)).toBe(true);
    return eventId;
  });

  const others = await test.step("more failures open the endpoint's breaker", async () => {
    // Four more events, three failures each: enough even if the breaker's window rolled over meanwhile.
    const ids = [await sendTestEvent(), await sendTestEvent(), await sendTestEvent(), await sendTestEvent()];
    await page.goto(`/endpoints/${endpointId}`);
    // The endpoint page is not live: reload until the worker has recorded enough failures.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("breaker-badge").first()).toHaveAttribute("data-state", "OPEN", { timeout: 1_000 });
    }).toPass({ timeout: 45_000 });
    await expect(page.getByTestId("breaker-badge").first()).toHaveText("Open");
    await expect(page.getByTestId("breaker-transition").first()).toBeVisible();
    return ids;
  });

  await test.step("once the receiver recovers: reset the breaker and replay the failed event", async () => {
    await setReceiverMode("ok");
    await page.getByRole("button", { name: "Reset breaker" }).click();
    await expect(page.getByTestId("breaker-badge").first()).toHaveAttribute("data-state", "CLOSED");

    await page.goto(`/events/${firstEvent}`);
    await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "FAILED");
    await page.getByRole("button", { name: "Replay", exact: true }).click();
    await expect(page.getByTestId("attempt")).toHaveCount(4);
    await expect(page.getByTestId("attempt").nth(3)).toHaveAttribute("data-result", "SUCCESS");
    await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "DELIVERED");
  });

  await test.step("Replay failed delivers every other event of the endpoint", async () => {
    await page.goto(`/endpoints/${endpointId}`);
    // datetime-local is in the browser's time zone: ten minutes ago, formatted there.
    const since = await page.evaluate(() => {
      const d = new Date(Date.now() - 10 * 60_000);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await page.getByLabel("Failed since").fill(since);
    await page.getByRole("button", { name: "Replay failed" }).click();
    await expect(page.getByRole("status").filter({ hasText: /replayed/i })).toBeVisible();
    await expect(async () => {
      await page.reload();
      for (const id of [firstEvent, ...others]) {
        const row = page.locator(`[data-testid="event-row"][data-event-id="${id}"]`);
        await expect(row.getByTestId("event-status")).toHaveText("Delivered", { timeout: 1_000 });
      }
    }).toPass({ timeout: 45_000 });
  });
});
