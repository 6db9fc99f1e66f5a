import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Timeline } from "../src/components/event/timeline.tsx";
import { buildTimeline } from "../src/timeline/timeline-model.ts";
import { attemptAt, RETRYING_HISTORY } from "./attempt-fixture.ts";

function render(status: "PENDING" | "DELIVERED", nextAttemptAt: string | null, extra = RETRYING_HISTORY) {
  const model = buildTimeline({ receivedAt: "2026-11-23T10:00:00.000Z", status, nextAttemptAt, attempts: extra });
  const html = renderToStaticMarkup(
    <Timeline
      model={model}
      attemptFooter={(a) => <button type="button">Receipt for attempt {a.attemptNumber}</button>}
    />,
  );
  return new DOMParserLite(html);
}

/** Just enough querying of static markup for assertions, without a DOM library. */
class DOMParserLite {
  constructor(readonly html: string) {}
  attempts(): { id: string; result: string; body: string }[] {
    const re = /<li[^>]*data-testid="attempt" data-attempt-id="([^"]+)" data-result="([^"]+)">([\s\S]*?)<\/li>/g;
    return [...this.html.matchAll(re)].map((m) => ({ id: m[1]!, result: m[2]!, body: m[3]! }));
  }
  axisLefts(): string[] {
    return [...this.html.matchAll(/axis-attempt[^"]*" style="left:([^;"]+)/g)].map((m) => m[1]!);
  }
}

describe("<Timeline>", () => {
  it("renders every attempt in time order with its label, latency, response and receipt button", () => {
    const page = render("PENDING", "2026-11-23T10:00:38.000Z");
    expect(page.html).toContain('data-testid="timeline"');
    const rendered = page.attempts();
    expect(rendered.map((a) => a.id)).toEqual(["att_1", "att_2"]);
    expect(rendered.map((a) => a.result)).toEqual(["RETRYABLE_FAILURE", "RETRYABLE_FAILURE"]);
    expect(rendered[0]!.body).toContain("HTTP 500");
    expect(rendered[0]!.body).toContain("100 ms");
    expect(rendered[0]!.body).toContain("upstream exploded");
    expect(rendered[1]!.body).toContain("timeout");
    expect(rendered[1]!.body).toContain("15 s");
    expect(rendered[1]!.body).toContain("no response within 15000 ms");
    expect(rendered[1]!.body).toContain("Receipt for attempt 2");
  });

  it("places the attempts on the axis by start time", () => {
    const page = render("PENDING", "2026-11-23T10:00:38.000Z");
    expect(page.axisLefts()).toEqual([`${((1 / 38) * 100).toFixed(3)}%`, `${((3 / 38) * 100).toFixed(3)}%`]);
  });

  it("shows the scheduled next retry while one is due, and not after delivery", () => {
    const pending = render("PENDING", "2026-11-23T10:00:38.000Z");
    expect(pending.html).toMatch(/data-testid="next-retry"[^>]*>Next retry at 2026-11-23 10:00:38 UTC</);
    const delivered = render("DELIVERED", null, [
      ...RETRYING_HISTORY,
      attemptAt(3, "2026-11-23T10:00:38.000Z", { responseStatus: 204, responseBody: null, result: "SUCCESS" }),
    ]);
    expect(delivered.html).not.toContain('data-testid="next-retry"');
    expect(delivered.attempts().at(-1)).toMatchObject({ id: "att_3", result: "SUCCESS" });
    expect(delivered.attempts().at(-1)!.body).toContain("HTTP 204");
  });

  it("says so when nothing was attempted yet", () => {
    const html = renderToStaticMarkup(
      <Timeline
        model={buildTimeline({
          receivedAt: "2026-11-23T10:00:00.000Z",
          status: "RECEIVED",
          nextAttemptAt: null,
          attempts: [],
        })}
      />,
    );
    expect(html).toContain("No delivery attempts yet.");
  });
});
