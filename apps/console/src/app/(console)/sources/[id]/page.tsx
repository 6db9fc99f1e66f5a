import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CopyButton } from "../../../../components/copy-button.tsx";
import { ErrorState } from "../../../../components/states.tsx";
import { formatTimestamp } from "../../../../format/format.ts";
import { SOURCE_DETAIL, type SourceDetailData } from "../../../../graphql/catalog-queries.ts";
import { describeFailure } from "../../../../graphql/graphql-result.ts";
import { serverGraphql } from "../../../../graphql/server-client.ts";
import { schemeLabel } from "../../../../view/source-schemes.ts";

export const metadata: Metadata = { title: "Source · Kapsel" };

/**
 * A source's settings. It links to the endpoint it was made with, whose page lists events, rather
 * than listing them again (its events may fan out further through subscriptions, docs/routing.md).
 */
export default async function SourcePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const result = await serverGraphql<SourceDetailData>({
    operationName: "SourceDetail",
    query: SOURCE_DETAIL,
    variables: { id },
  });
  if (result.kind !== "data") {
    return (
      <>
        <h1>Source {id}</h1>
        <ErrorState title="This source could not be loaded." message={describeFailure(result)} />
      </>
    );
  }
  const source = result.data.source;
  if (source === null) notFound();
  const hmac = source.scheme === "HMAC_SHA256";
  const generic = hmac || source.scheme === "NONE";
  return (
    <>
      <p className="breadcrumbs">
        <Link href="/sources">Sources</Link> / {source.name || source.id}
      </p>
      <h1 className="break">{source.name || <span className="mono">{source.id}</span>}</h1>
      <dl className="settings">
        <div>
          <dt>Id</dt>
          <dd className="mono">{source.id}</dd>
        </div>
        <div>
          <dt>Ingest URL</dt>
          <dd>
            <code className="mono break" data-testid="ingest-url">
              {source.ingestUrl}
            </code>{" "}
            <CopyButton value={source.ingestUrl} label="Copy the ingest URL" />
          </dd>
        </div>
        <div>
          <dt>Scheme</dt>
          <dd>{schemeLabel(source.scheme)}</dd>
        </div>
        {hmac ? (
          <>
            <div>
              <dt>Signature header</dt>
              <dd className="mono">{source.header ?? "—"}</dd>
            </div>
            <div>
              <dt>Encoding / prefix</dt>
              <dd className="mono">
                {source.encoding ?? "—"} {source.prefix ? `/ ${source.prefix}` : ""}
              </dd>
            </div>
          </>
        ) : null}
        <div>
          <dt>Timestamp tolerance</dt>
          <dd>{source.toleranceSeconds} s</dd>
        </div>
        {generic ? (
          <>
            <div>
              <dt>Type header</dt>
              <dd className="mono" data-testid="type-header">
                {source.typeHeader ?? "—"}
              </dd>
            </div>
            <div>
              <dt>Type pointer</dt>
              <dd className="mono" data-testid="type-pointer">
                {source.typePointer ?? "—"}
              </dd>
            </div>
          </>
        ) : (
          <div>
            <dt>Event type</dt>
            <dd>Derived by the {schemeLabel(source.scheme)} rule (docs/routing.md)</dd>
          </div>
        )}
        {source.rotationEndsAt ? (
          <div>
            <dt>Previous secret accepted until</dt>
            <dd>{formatTimestamp(source.rotationEndsAt)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Created</dt>
          <dd>{formatTimestamp(source.createdAt)}</dd>
        </div>
        <div>
          <dt>Feeds endpoint</dt>
          <dd>
            {source.endpoint ? (
              <Link href={`/endpoints/${source.endpoint.id}`}>{source.endpoint.name || source.endpoint.url}</Link>
            ) : (
              "—"
            )}
          </dd>
        </div>
      </dl>
      <section className="stack" aria-labelledby="source-events">
        <h2 id="source-events">Events</h2>
        {source.endpoint ? (
          <p>
            This source's events, with their types, are listed on{" "}
            <Link href={`/endpoints/${source.endpoint.id}`}>its endpoint's page</Link>.
          </p>
        ) : (
          <p className="muted">This source feeds no endpoint.</p>
        )}
        <p className="hint">
          The scheme and secret are edited on the endpoint; the type header and pointer with GraphQL{" "}
          <code>updateEndpoint</code> (docs/graphql.md).
        </p>
      </section>
    </>
  );
}
