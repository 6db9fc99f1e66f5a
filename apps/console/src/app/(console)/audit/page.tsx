import type { Metadata } from "next";
import { AuditLogList } from "../../../components/audit-log-list.tsx";
import { nextPageHref, Pager } from "../../../components/pager.tsx";
import { EmptyState, ErrorState } from "../../../components/states.tsx";
import { pinnedVerifierKeys } from "../../../config/console-env.ts";
import { describeFailure } from "../../../graphql/graphql-result.ts";
import { AUDIT_LOG, AUDIT_PAGE_SIZE, type AuditLogData } from "../../../graphql/queries.ts";
import { serverGraphql } from "../../../graphql/server-client.ts";

export const metadata: Metadata = { title: "Audit log · Kapsel" };

interface Props {
  searchParams: Promise<{ after?: string | string[] }>;
}

export default async function AuditPage({ searchParams }: Props) {
  const { after } = await searchParams;
  const cursor = typeof after === "string" && after.length > 0 ? after : null;
  const result = await serverGraphql<AuditLogData>({
    operationName: "AuditLog",
    query: AUDIT_LOG,
    variables: { first: AUDIT_PAGE_SIZE, after: cursor },
  });
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
      </div>
      <p className="muted lede">
        Every change made with your API keys, newest first. Each one is committed to the attestation log; its receipt is
        verified here, in your browser.
      </p>
      {result.kind !== "data" ? (
        <ErrorState title="The audit log could not be loaded." message={describeFailure(result)} />
      ) : result.data.auditLog.edges.length === 0 ? (
        <EmptyState title={cursor ? "No more changes." : "No changes yet"} />
      ) : (
        <>
          <AuditLogList records={result.data.auditLog.edges.map((e) => e.node)} pinnedKeys={pinnedVerifierKeys()} />
          <Pager
            label="Audit log pages"
            firstHref="/audit"
            onLaterPage={Boolean(cursor)}
            nextHref={nextPageHref(result.data.auditLog.pageInfo, (after) => `/audit?after=${after}`)}
          />
        </>
      )}
    </>
  );
}
