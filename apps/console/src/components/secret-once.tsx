"use client";
/** A secret shown once, with a Copy button. It is never fetched again: the API cannot show it. */
import { useState } from "react";

interface Props {
  label: string;
  secret: string;
  testId?: string;
}

export function SecretOnce({ label, secret, testId = "secret-once" }: Props) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }
  return (
    <div className="secret-once">
      <p className="secret-label">{label}</p>
      <p className="secret-row">
        <code data-testid={testId} className="mono secret-value">
          {secret}
        </code>
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
      </p>
      <p className="hint" role="status">
        {copied === "copied"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Copying is blocked here: select the secret and copy it by hand."
            : "Store it now: it will not be shown again."}
      </p>
    </div>
  );
}
