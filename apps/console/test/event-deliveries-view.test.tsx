// The event page's deliveries, rendered: one card and one timeline per endpoint, or "Routed to no endpoint".
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EventDeliveries } from "../src/components/event/event-deliveries.tsx";
import { deliveryViews } from "../src/timeline/event-deliveries.ts";
import { eventDelivery, FANNED_OUT, RECEIVED_AT } from "./delivery-fixture.ts";

function render(deliveries = FANNED_OUT, moreDeliveries = false): string {
  return renderToStaticMarkup(
    <EventDeliveries
      eventId="evt_1"
      receivedAt={RECEIVED_AT}
      initialDeliveries={deliveryViews(deliveries)}
      moreDeliveries={moreDeliveries}
      pinnedKeys={[]}
    />,
  );
}

/** Each delivery card's markup (up to the next card), by delivery id. */
function cards(html: string): Map<string, string> {
  const parts = html.split('data-testid="delivery" data-delivery-id="').slice(1);
  return new Map(parts.map((part) => [part.slice(0, part.indexOf('"')), part]));
}

function attemptIds(card: string): string[] {
  return [...card.matchAll(/data-testid="attempt" data-attempt-id="([^"]+)"/g)].map((m) => m[1]!);
}

describe("<EventDeliveries>", () => {
  it("shows every delivery with its endpoint, status, attempts, when, and its own timeline", () => {
    const html = render();
    expect(html).toContain('data-testid="delivery-summary">2 deliveries: 1 delivered, 1 pending<');
    const byId = cards(html);
    expect([...byId.keys()]).toEqual(["dlv_orders", "dlv_billing"]);

    const orders = byId.get("dlv_orders")!;
    expect(orders).toMatch(/<a[^>]*href="\/endpoints\/ep_orders"[^>]*>Orders<\/a>/);
    expect(orders).toContain("https://ep_orders.example/hooks");
    expect(orders).toContain('data-status="DELIVERED"');
    expect(orders).toContain('data-testid="delivery-attempt-count">1 attempt<');
    expect(orders).toContain("Delivered 2026-11-23 10:00:01 UTC");
    expect(attemptIds(orders)).toEqual(["att_orders_1"]);
    expect(orders).not.toContain('data-testid="next-retry"');

    const billing = byId.get("dlv_billing")!;
    expect(billing).toMatch(/<a[^>]*href="\/endpoints\/ep_billing"[^>]*>Billing<\/a>/);
    expect(billing).toContain('data-testid="delivery-attempt-count">2 attempts<');
    expect(billing).toContain("Next attempt at 2026-11-23 10:00:09 UTC");
    expect(billing).toContain("Last error: HTTP 500");
    expect(attemptIds(billing)).toEqual(["att_billing_1", "att_billing_2"]);
    expect(billing).toMatch(/data-testid="next-retry"[^>]*>Next retry at 2026-11-23 10:00:09 UTC</);
    // Each attempt keeps its receipt button.
    expect(billing).toContain("Receipt for attempt 2");
    expect(billing).toContain('aria-controls="receipt-att_billing_2"');
  });

  it("offers replay for the finished deliveries and names them", () => {
    const html = render();
    expect(html).toMatch(/<button type="button" class="button">Replay<\/button>/);
    expect(html).toContain("to the 1 of 2 endpoints whose delivery is finished: Orders.");
  });

  it("says plainly when the event was routed to no endpoint, with nothing to replay", () => {
    const html = render([]);
    expect(html).toContain('data-testid="delivery-summary">Routed to no endpoint<');
    expect(html).toContain('data-testid="no-delivery"');
    expect(cards(html).size).toBe(0);
    expect(html).not.toContain('data-testid="timeline"');
    expect(html).toMatch(/<button type="button" class="button" disabled="">Replay<\/button>/);
  });

  it("says when a delivery or the event has more than is shown", () => {
    const html = render(
      [eventDelivery("dlv_a", { id: "ep_a", name: "A" }, { status: "FAILED", attemptCount: 300 }, [], true)],
      true,
    );
    expect(html).toContain("Only this delivery&#x27;s latest 0 attempts are shown.");
    expect(html).toContain("Only the first 10 deliveries are shown");
  });
});
