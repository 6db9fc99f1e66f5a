"use client";
/**
 * Fetches one attempt's receipt in the browser (operation AttemptReceipt) and verifies it here,
 * with @kapsel/attestation, against the pinned log keys: the console's server is not trusted
 * to say "verified".
 */
import { useCallback, useEffect, useState } from "react";
import { browserGraphql } from "../../graphql/browser-client.ts";
import { ATTEMPT_RECEIPT, type AttemptReceiptData } from "../../graphql/queries.ts";
import { receiptFetchState } from "../../receipts/receipt-fetch-state.ts";
import { judgeReceipt } from "../../receipts/receipt-verdict.ts";
import { verifyCommand } from "../../receipts/verify-command.ts";
import { type ReceiptPanelState, ReceiptPanelView } from "./receipt-panel-view.tsx";

interface Props {
  attemptId: string;
  pinnedKeys: readonly string[];
}

export function ReceiptPanel({ attemptId, pinnedKeys }: Props) {
  const [state, setState] = useState<ReceiptPanelState>({ kind: "loading" });
  const [json, setJson] = useState<string | null>(null);
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);

  const load = useCallback(async () => {
    setState({ kind: "loading" });
    const fetched = receiptFetchState(
      await browserGraphql<AttemptReceiptData>({
        operationName: "AttemptReceipt",
        query: ATTEMPT_RECEIPT,
        variables: { id: attemptId },
      }),
    );
    if (fetched.kind === "ready") {
      setJson(fetched.json);
      setState({ kind: "verdict", verdict: judgeReceipt(fetched.json, attemptId, pinnedKeys) });
    } else {
      setState(fetched);
    }
  }, [attemptId, pinnedKeys]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (json === null) return;
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [json]);

  return (
    <ReceiptPanelView
      recordId={attemptId}
      state={state}
      downloadUrl={downloadUrl}
      command={verifyCommand(attemptId, pinnedKeys)}
      onRetry={() => void load()}
    />
  );
}
