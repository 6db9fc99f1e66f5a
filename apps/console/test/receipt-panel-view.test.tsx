import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ReceiptPanelView } from "../src/components/receipts/receipt-panel-view.tsx";
import { judgeReceipt } from "../src/receipts/receipt-verdict.ts";
import { verifyCommand } from "../src/receipts/verify-command.ts";
import { buildReceipt, otherVerifierKey } from "./receipt-fixture.ts";

function checks(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/data-testid="receipt-check" data-check="([a-z_]+)" data-ok="(true|false)"/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
}

describe("<ReceiptPanelView>", () => {
  it("shows a verified receipt with tree size, key id, every check, the download and the offline command", async () => {
    const built = await buildReceipt(2, 5);
    const verdict = judgeReceipt(built.json, built.attemptId, [built.verifierKey]);
    const html = renderToStaticMarkup(
      <ReceiptPanelView
        recordId={built.attemptId}
        state={{ kind: "verdict", verdict }}
        downloadUrl="blob:receipt"
        command={verifyCommand(built.attemptId, [built.verifierKey])}
      />,
    );
    expect(html).toMatch(/data-testid="receipt-status" data-verdict="verified"/);
    expect(html).toContain("Verified");
    expect(html).toContain("checkpoint of 5 entries");
    expect(html).toContain(built.verifierKey.split("+")[1]);
    expect(Object.values(checks(html))).toEqual(["true", "true", "true", "true", "true", "true", "true"]);
    expect(html).toContain(`download="receipt-${built.attemptId}.json"`);
    expect(html).toContain('href="blob:receipt"');
    expect(html).toContain(`npx kapsel-verify receipt-${built.attemptId}.json --key ${built.verifierKey}`);
    expect(html).not.toContain("Verifier key not pinned");
  });

  it("names the failed check and marks it, for a receipt signed by another key than the pinned one", async () => {
    const built = await buildReceipt();
    const verdict = judgeReceipt(built.json, built.attemptId, [otherVerifierKey()]);
    const html = renderToStaticMarkup(
      <ReceiptPanelView
        recordId={built.attemptId}
        state={{ kind: "verdict", verdict }}
        downloadUrl={null}
        command=""
      />,
    );
    expect(html).toMatch(/data-verdict="failed" data-failed-check="checkpoint_signature"/);
    expect(html).toContain("Failed: Checkpoint signature (checkpoint_signature)");
    expect(checks(html)).toMatchObject({ leaf_hash: "true", inclusion: "true", checkpoint_signature: "false" });
  });

  it("warns when no key is pinned", async () => {
    const built = await buildReceipt();
    const verdict = judgeReceipt(built.json, built.attemptId, []);
    const html = renderToStaticMarkup(
      <ReceiptPanelView
        recordId={built.attemptId}
        state={{ kind: "verdict", verdict }}
        downloadUrl={null}
        command=""
      />,
    );
    expect(html).toContain("Verifier key not pinned");
  });

  it("offers to try again while the receipt is pending or failed to load", () => {
    const pending = renderToStaticMarkup(
      <ReceiptPanelView recordId="att_1" state={{ kind: "pending" }} downloadUrl={null} command="" />,
    );
    expect(pending).toMatch(/data-verdict="pending"/);
    expect(pending).toContain("not in a signed checkpoint yet");
    expect(pending).toContain("Try again");
    const error = renderToStaticMarkup(
      <ReceiptPanelView recordId="att_1" state={{ kind: "error", message: "boom" }} downloadUrl={null} command="" />,
    );
    expect(error).toMatch(/data-verdict="error"/);
    expect(error).toContain("boom");
  });
});
