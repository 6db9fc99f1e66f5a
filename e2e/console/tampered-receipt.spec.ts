import { createEndpointViaApi, expect, test } from "./fixtures.ts";

/** Changes one character of the leaf: a digit, so the leaf still decodes but no longer hashes right. */
function tamperLeaf(leaf: string): string {
  const at = leaf.search(/[0-9]/);
  if (at < 0) throw new Error(`leaf has no digit to change: ${leaf}`);
  return `${leaf.slice(0, at)}${(Number(leaf[at]) + 1) % 10}${leaf.slice(at + 1)}`;
}

test("a receipt altered on its way to the browser fails verification there", async ({
  page,
  signIn,
  stack,
  graphql,
  setReceiverMode,
}) => {
  await setReceiverMode("ok");
  const endpointId = await createEndpointViaApi(graphql, { name: "Tamper check", url: stack.receiverUrl });
  const sent = await graphql<{ sendTestEvent: { event: { id: string } } }>(
    "mutation Send($id: ID!) { sendTestEvent(endpointId: $id) { event { id } } }",
    { id: endpointId },
  );
  const eventId = sent.sendTestEvent.event.id;

  // Only the browser's receipt fetch is altered; the page and every other call are untouched.
  let tampered = 0;
  await page.route("**/api/graphql", async (route) => {
    const request = route.request().postDataJSON() as { operationName?: string } | null;
    if (request?.operationName !== "AttemptReceipt") return route.continue();
    const response = await route.fetch();
    const body = (await response.json()) as { data?: { attempt?: { receipt?: { json?: string | null } | null } } };
    const receipt = body.data?.attempt?.receipt;
    if (!receipt?.json) return route.fulfill({ response, json: body }); // still pending: nothing to alter yet
    const document = JSON.parse(receipt.json) as { leaf: string };
    document.leaf = tamperLeaf(document.leaf);
    receipt.json = JSON.stringify(document);
    tampered++;
    return route.fulfill({ response, json: body });
  });

  await signIn();
  await page.goto(`/events/${eventId}`);
  await expect(page.getByTestId("event-status")).toHaveAttribute("data-status", "DELIVERED");
  await page.getByRole("button", { name: "Receipt for attempt 1" }).click();
  const panel = page.getByTestId("receipt-panel");
  await expect(panel.getByTestId("receipt-status")).toHaveAttribute("data-verdict", "failed");
  await expect(panel.getByTestId("receipt-status")).toContainText("Failed:");
  await expect(panel.locator('[data-testid="receipt-check"][data-check="leaf_hash"]')).toHaveAttribute(
    "data-ok",
    "false",
  );
  // The signature over the checkpoint is still good: only the leaf was touched.
  await expect(panel.locator('[data-testid="receipt-check"][data-check="checkpoint_signature"]')).toHaveAttribute(
    "data-ok",
    "true",
  );
  expect(tampered).toBeGreaterThan(0);
});
