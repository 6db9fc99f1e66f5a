import { expect, screenshot, test } from "./fixtures.ts";

test("create an endpoint, send a test event, watch it delivered live, and verify its receipt", async ({
  page,
  signIn,
  stack,
  graphql,
  setReceiverMode,
}, testInfo) => {
  await setReceiverMode("ok");
  await signIn();

  const endpointId = await test.step("create an endpoint for the receiver", async () => {
    await page.getByRole("link", { name: "New endpoint" }).click();
    await expect(page).toHaveURL(/\/endpoints\/new$/);
    await page.getByLabel("Name").fill("Orders service");
    await page.getByLabel("URL").fill(stack.receiverUrl);
    // A verified scheme by default; "None" needs its meaning confirmed before the form is sent.
    await expect(page.getByLabel("Source signature")).toHaveValue("STANDARD_WEBHOOKS");
    await expect(page.getByLabel(/Source secret/)).toBeVisible();
    await page.getByLabel("Source signature").selectOption("NONE");
    const confirmation = page.getByLabel(/anyone who knows this endpoint's ingest URL can post events/);
    await expect(confirmation).not.toBeChecked();
    await expect(page.getByTestId("unverified-source-warning")).toContainText("Kapsel will sign and deliver them");
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "tick the confirmation" })).toBeVisible();
    await expect(page).toHaveURL(/\/endpoints\/new$/);
    await confirmation.check();
    await page.getByRole("button", { name: "Create endpoint" }).click();
    await expect(page.getByTestId("secret-once")).toContainText("whsec_");
    await page.getByRole("link", { name: "Go to endpoint" }).click();
    await expect(page).toHaveURL(/\/endpoints\/ep_\w+$/);
    const id = new URL(page.url()).pathname.split("/").pop()!;
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Orders service");
    await expect(page.getByTestId("endpoint-status")).toHaveText("Active");
    await expect(page.getByTestId("breaker-badge").first()).toHaveAttribute("data-state", "CLOSED");
    return id;
  });

  const eventId = await test.step("send a test event", async () => {
    await page.getByRole("button", { name: "Send test event" }).click();
    const link = page.getByTestId("test-event-link");
    await expect(link).toHaveAttribute("href", /\/events\/evt_\w+$/);
    const id = (await link.getAttribute("href"))!.split("/").pop()!;
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/events/${id}$`));
    return id;
  });

  await test.step("the event page shows the delivery on its timeline", async () => {
    await expect(page.getByRole("heading", { level: 1 })).toContainText(eventId);
    await expect(page.getByTestId("live-indicator")).toHaveText("Live");
    await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "DELIVERED");
    const first = page.getByTestId("attempt");
    await expect(first).toHaveCount(1);
    await expect(first).toHaveAttribute("data-result", "SUCCESS");
    await expect(first).toContainText("200");
    await expect(page.getByTestId("payload")).toContainText("kapsel.test");
    await expect(page.getByTestId("payload-sha256")).toHaveText(/[0-9a-f]{64}/);
  });

  await test.step("a new attempt appears live, without a reload", async () => {
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(globalThis, { kapselNoReload: true }));
    // Replayed from outside the browser: only the live stream can bring the new attempt in. The
    // receiver answers slowly this time, so the page waits on an attempt in flight.
    await setReceiverMode("slow");
    const replay = await graphql<{ replayEvent: { userErrors: unknown[] } }>(
      "mutation Replay($id: ID!) { replayEvent(eventId: $id) { userErrors { code } } }",
      { id: eventId },
    );
    expect(replay.replayEvent.userErrors).toEqual([]);
    await expect(page.getByTestId("attempt")).toHaveCount(2);
    await expect(page.getByTestId("attempt").nth(1)).toHaveAttribute("data-result", "SUCCESS");
    await expect(page.getByTestId("attempt").nth(1)).toContainText("ok, slowly"); // its own response
    await setReceiverMode("ok");
    await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "DELIVERED");
    expect(await page.evaluate(() => (globalThis as { kapselNoReload?: boolean }).kapselNoReload)).toBe(true);
    await screenshot(page, testInfo, "event");
  });

  await test.step("the attempt's receipt verifies in the browser against the pinned log key", async () => {
    await page.getByRole("button", { name: "Receipt for attempt 1" }).click();
    const panel = page.getByTestId("receipt-panel");
    await expect(panel.getByTestId("receipt-status")).toHaveAttribute("data-verdict", "verified");
    await expect(panel.getByTestId("receipt-status")).toContainText("Verified");
    // ...by the log's own key (name+keyid+data), which the launcher pinned for the console.
    const keys = (await (await fetch(`${stack.apiUrl}/attestation/keys`)).json()) as {
      keys: { verifier_key: string }[];
    };
    const keyId = keys.keys[0]!.verifier_key.split("+")[1]!;
    await expect(panel.getByTestId("receipt-status")).toContainText(keyId);
    const checks = panel.getByTestId("receipt-check");
    await expect(checks.first()).toBeVisible();
    await expect(checks.and(page.locator('[data-ok="false"]'))).toHaveCount(0);
    await expect(checks.and(page.locator('[data-check="checkpoint_signature"]'))).toHaveAttribute("data-ok", "true");
    await expect(panel).not.toContainText("Verifier key not pinned");
    await expect(panel.getByRole("link", { name: "Download JSON" })).toHaveAttribute(
      "download",
      /^receipt-att_\w+\.json$/,
    );
    await expect(panel.getByTestId("verify-command")).toContainText("npx kapsel-verify");
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, testInfo, "receipt");
  });

  await test.step("the endpoint lists the event as delivered", async () => {
    await page.goto(`/endpoints/${endpointId}`);
    const row = page.locator(`[data-testid="event-row"][data-event-id="${eventId}"]`);
    await expect(row.getByTestId("event-status")).toHaveText("Delivered");
    await screenshot(page, testInfo, "endpoint");
    await page.getByRole("link", { name: "Endpoints" }).first().click();
    const endpointRow = page.locator(`[data-testid="endpoint-row"][data-endpoint-id="${endpointId}"]`);
    await expect(endpointRow).toContainText("Orders service");
    await expect(endpointRow.getByTestId("breaker-badge")).toHaveText("Closed");
    await screenshot(page, testInfo, "endpoints");
  });
});
