/** Empty and error states, so no page is ever just blank. */
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ title, message }: { title: string; message: string }) {
  return (
    <div className="alert alert-error" role="alert">
      <p>
        <strong>{title}</strong>
      </p>
      <p>{message}</p>
    </div>
  );
}
