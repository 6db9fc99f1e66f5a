// The console's audit page list: each change with its receipt, verified where the list renders.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AuditLogList } from "../src/components/audit-log-list.tsx";
import type { AuditRecord } from "../src/graphql/queries.ts";
import { AUDIT, buildAuditReceipt } from "./receipt-fixture.ts";

const record = (json: string | null, leafIndex: number | null): AuditRecord => ({
  id: AUDIT.audit_id,
  actor: AUDIT.actor,
  operation: AUDIT.operation,
  targetId: AUDIT.target_id,
  at: AUDIT.at,
  beforeSha256: AUDIT.before_sha256,
  afterSha256: AUDIT.after_sha256,
  rotated: true,
  leafIndex,
  receipt: json === null ? null : { json },
});

describe("<AuditLogList>", () => {
  it("shows who changed what, and verifies a committed record's receipt against the pinned key", async () => {
    const built = await buildAuditReceipt(2);
    const html = renderToStaticMarkup(
      <AuditLogList records={[record(built.json, 2)]} pinnedKeys={[built.verifierKey]} />,
    );
    expect(html).toContain('data-operation="rotateEndpointSecret"');
    expect(html).toContain(AUDIT.target_id);
    expect(html).toContain(AUDIT.actor);
    expect(html).toContain("secret rotated");
    expect(html).toContain("Receipt (log position 2)");
    expect(html).toMatch(/data-testid="receipt-status" data-verdict="verified"/);
  });

  it("marks a record whose leaf is not committed yet as pending, and a receipt altered in transit as failed", async () => {
    const pending = renderToStaticMarkup(<AuditLogList records={[record(null, null)]} pinnedKeys={[]} />);
    expect(pending).toContain("Receipt (pending)");
    expect(pending).toMatch(/data-verdict="pending"/);

    const built = await buildAuditReceipt(2);
    const altered = JSON.stringify({
      ...built.receipt,
      leaf: built.receipt.leaf.replace('"secret":"rotated"', '"secret":"unchanged"'),
    });
    const html = renderToStaticMarkup(<AuditLogList records={[record(altered, 2)]} pinnedKeys={[built.verifierKey]} />);
    expect(html).toMatch(/data-verdict="failed" data-failed-check="leaf_hash"/);
  });
});
