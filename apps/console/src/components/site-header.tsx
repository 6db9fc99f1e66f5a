import Link from "next/link";
import { signOut } from "../session/session-actions.ts";

export function SiteHeader({ tenantName }: { tenantName: string | null }) {
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link href="/endpoints" className="brand">
          Kapsel
        </Link>
        <nav aria-label="Main">
          <Link href="/endpoints">Endpoints</Link>
          <Link href="/sources">Sources</Link>
          <Link href="/event-types">Event types</Link>
          <Link href="/audit">Audit log</Link>
        </nav>
        <div className="site-header-end">
          {tenantName ? (
            <span className="muted tenant-name" title="Signed in as">
              {tenantName}
            </span>
          ) : null}
          <form action={signOut}>
            <button type="submit" className="button button-quiet">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
