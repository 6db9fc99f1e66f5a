// The receipt panel on audit records (docs/receipts.md, section 2a): verified in the browser with
// @kapsel/attestation like an attempt's receipt, with the audit record's own checks and summary.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ReceiptPanelView } from "../src/components/receipts/receipt-panel-view.tsx";
import { judgeReceipt } from "../src/receipts/receipt-verdict.ts";
import { verifyCommand } from "../src/receipts/verify-command.ts";
import { buildAuditReceipt, buildReceipt, otherVerifierKey } from "./receipt-fixture.ts";

function checks(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/data-testid="receipt-check" data-check="([a-z_]+)" data-ok="(true|false)"/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
}

function render(recordId: string, verdict: ReturnType<typeof judgeReceipt>, key = ""): string {
  return renderToStaticMarkup(
    <ReceiptPanelView
      recordId={recordId}
      state={{ kind: "verdict", verdict }}
      downloadUrl="blob:receipt"
      command={verifyCommand(recordId, key ? [key] : [])}
    />,
  );
}

describe("<ReceiptPanelView> with an audit receipt", () => {
  it("verifies it against the pinned key and says what the audit record proves", async () => {
    const built = await buildAuditReceipt(4);
    const verdict = judgeReceipt(built.json, built.auditId, [built.verifierKey]);
    expect(verdict).toMatchObject({ verdict: "verified", kind: "audit", leafIndex: 4, treeSize: 5 });
    const html = render(built.auditId, verdict, built.verifierKey);
    expect(html).toMatch(/data-testid="receipt-status" data-verdict="verified"/);
    expect(checks(html)).toEqual({
      receipt_format: "true",
      leaf_decodes: "true",
      leaf_hash: "true",
      inclusion: "true",
      checkpoint_signature: "true",
      checkpoint_size_matches: "true",
      audit_matches: "true",
    });
    expect(html).toContain("Audit record: ok");
    expect(html).toContain(
      "Audit record: rotateEndpointSecret on ep_01JABCDEFGHJKMNPQRSTVWXYZ0 by key_01JABCDEFGHJKMNPQRSTVWXYZ0 at 2026-11-23T10:05:00.000Z, a secret was rotated.",
    );
    expect(html).toContain(`download="receipt-${built.auditId}.json"`);
    expect(html).toContain(`npx kapsel-verify receipt-${built.auditId}.json --key ${built.verifierKey}`);
  });

  it("fails the leaf hash when the audit record was altered in transit", async () => {
    const built = await buildAuditReceipt();
    const leaf = built.receipt.leaf.replace('"operation":"rotateEndpointSecret"', '"operation":"updateEndpoint"');
    expect(leaf).not.toBe(built.receipt.leaf);
    const verdict = judgeReceipt(JSON.stringify({ ...built.receipt, leaf }), built.auditId, [built.verifierKey]);
    expect(verdict).toMatchObject({ verdict: "failed", failedCheck: "leaf_hash" });
    const html = render(built.auditId, verdict);
    expect(html).toMatch(/data-verdict="failed" data-failed-check="leaf_hash"/);
    expect(html).not.toContain("receipt-audit-summary");
  });

  it("fails the signature against a key that did not sign it", async () => {
    const built = await buildAuditReceipt();
    const verdict = judgeReceipt(built.json, built.auditId, [otherVerifierKey()]);
    expect(verdict).toMatchObject({ verdict: "failed", failedCheck: "checkpoint_signature" });
  });

  it("refuses an attempt's receipt offered for an audit record, and an audit receipt offered for an attempt", async () => {
    const attempt = await buildReceipt();
    const audit = await buildAuditReceipt();
    const wrongKind = judgeReceipt(attempt.json, audit.auditId, [attempt.verifierKey]);
    expect(wrongKind).toMatchObject({ verdict: "failed", failedCheck: "audit_matches" });
    expect(wrongKind.checks.at(-1)?.detail).toBe(
      `the receipt is for attempt ${attempt.attemptId}, not audit record ${audit.auditId}`,
    );
    const reverse = judgeReceipt(audit.json, attempt.attemptId, [audit.verifierKey]);
    expect(reverse).toMatchObject({ verdict: "failed", failedCheck: "attempt_matches" });
  });

  it("says an audit record is pending while it waits for a checkpoint", () => {
    const html = renderToStaticMarkup(
      <ReceiptPanelView
        recordId="aud_01JABCDEFGHJKMNPQRSTVWXYZ0"
        state={{ kind: "pending" }}
        downloadUrl={null}
        command=""
      />,
    );
    expect(html).toContain("Pending: this audit record is not in a signed checkpoint yet.");
  });
});
