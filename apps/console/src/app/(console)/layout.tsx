import type { ReactNode } from "react";
import { SiteHeader } from "../../components/site-header.tsx";
import { VIEWER, type ViewerData } from "../../graphql/queries.ts";
import { serverGraphql } from "../../graphql/server-client.ts";

/** Every signed-in page: the header, and a redirect to /sign-in without a valid session. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const viewer = await serverGraphql<ViewerData>({ operationName: "Viewer", query: VIEWER });
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <SiteHeader tenantName={viewer.kind === "data" ? (viewer.data.viewer?.name ?? null) : null} />
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
