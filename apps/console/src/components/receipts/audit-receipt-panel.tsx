"use client";
/**
 * One audit record's receipt, verified in the browser with @kapsel/attestation against the pinned
 * log keys, like an attempt's (ReceiptPanel). The receipt JSON came with the audit log page; null
 * means the record is not in a signed checkpoint yet.
 */
import { useEffect, useMemo, useState } from "react";
import { judgeReceipt } from "../../receipts/receipt-verdict.ts";
import { verifyCommand } from "../../receipts/verify-command.ts";
import { type ReceiptPanelState, ReceiptPanelView } from "./receipt-panel-view.tsx";

interface Props {
  auditId: string;
  json: string | null;
  pinnedKeys: readonly string[];
}

export function AuditReceiptPanel({ auditId, json, pinnedKeys }: Props) {
  const state = useMemo<ReceiptPanelState>(
    () => (json === null ? { kind: "pending" } : { kind: "verdict", verdict: judgeReceipt(json, auditId, pinnedKeys) }),
    [json, auditId, pinnedKeys],
  );
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  useEffect(() => {
    if (json === null) return;
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [json]);
  return (
    <ReceiptPanelView
      recordId={auditId}
      state={state}
      downloadUrl={downloadUrl}
      command={verifyCommand(auditId, pinnedKeys)}
    />
  );
}
