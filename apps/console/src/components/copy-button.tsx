"use client";
/** Copies a non-secret value (e.g. an ingest URL) and says so to assistive technology. */
import { useState } from "react";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <>
      <button type="button" className="button button-quiet" onClick={copy} aria-label={label}>
        Copy
      </button>
      <span className="hint" role="status">
        {state === "copied" ? "Copied." : state === "failed" ? "Copying is blocked here: copy it by hand." : ""}
      </span>
    </>
  );
}
