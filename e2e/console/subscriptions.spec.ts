import { createEndpointViaApi, expect, test } from "./fixtures.ts";

// An endpoint's subscriptions in the console (issue #12; docs/console.md, docs/routing.md): the
// API validates, and each INVALID_SUBSCRIPTION is shown next to the field it leads to.

test("a subscription with an invalid filter shows the error at the filter; fixed, it is saved and listed", async ({
  page,
  signIn,
  stack,
  graphql,
}) => {
  const endpointId = await createEndpointViaApi(graphql, { name: "Finance", url: stack.receiverUrl });
  const demoSourceId = `src_${stack.demoEndpointId.slice("ep_".length)}`;
  await signIn();
  await page.goto(`/endpoints/${endpointId}`);

  const section = page.getByRole("region", { name: "Subscriptions" });
  // Every endpoint starts with one subscription: its own source, every type, no filter.
  const own = section.getByTestId("subscription-row");
  await expect(own).toHaveCount(1);
  await expect(own.getByTestId("subscription-patterns")).toHaveText("*");
  await expect(own.getByTestId("subscription-filter")).toHaveText("none");

  await section.getByRole("button", { name: "New subscription" }).click();
  const form = section.getByTestId("subscription-form");
  await form.getByLabel("Only these sources").selectOption(demoSourceId);
  await form.getByLabel("Type patterns").fill("invoice.*\ninvoice.*.paid");
  const filter = form.getByLabel("Payload filter (JSON, optional)");
  await filter.fill('{"amount": {"$gte": [100]}}');
  await form.getByLabel("Description (optional)").fill("Large invoices from the demo source");
  await form.getByRole("button", { name: "Save subscription" }).click();

  // Both problems, each at its field, and nothing saved.
  await expect(form.getByTestId("sub-new-filter-errors")).toContainText("At amount.$gte: $gte takes a number");
  await expect(filter).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByTestId("sub-new-patterns-errors")).toContainText('Pattern 2 ("invoice.*.paid")');
  await expect(section.getByTestId("subscription-row")).toHaveCount(1);

  await form.getByLabel("Type patterns").fill("invoice.*");
  await filter.fill('{"amount": {"$gte": 100}}');
  await form.getByRole("button", { name: "Save subscription" }).click();
  await expect(section.getByTestId("subscription-form")).toHaveCount(0);

  const rows = section.getByTestId("subscription-row");
  await expect(rows).toHaveCount(2);
  const created = rows.filter({ hasText: "Large invoices from the demo source" });
  await expect(created.getByTestId("subscription-patterns")).toHaveText("invoice.*");
  await expect(created.getByTestId("subscription-filter")).toHaveText('{"amount":{"$gte":100}}');
  await expect(created.getByTestId("subscription-sources")).toContainText(/demo/i);

  // Deleting asks first, then the subscription is gone.
  await created.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this subscription?" });
  await dialog.getByRole("button", { name: "Delete subscription" }).click();
  await expect(section.getByTestId("subscription-row")).toHaveCount(1);
});
