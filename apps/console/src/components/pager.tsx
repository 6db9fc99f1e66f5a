import Link from "next/link";

/**
 * The list pages' paging: "First page" once past the first, "Next page" while there is one. The
 * caller builds both links, since each list keeps its own filters in the query string.
 */
export function Pager({
  label,
  firstHref,
  nextHref,
  onLaterPage,
}: {
  label: string;
  firstHref: string;
  /** The next page's URL; null on the last page. */
  nextHref: string | null;
  onLaterPage: boolean;
}) {
  return (
    <nav className="pager" aria-label={label}>
      {onLaterPage ? <Link href={firstHref}>First page</Link> : null}
      {nextHref ? (
        <Link href={nextHref} className="button">
          Next page
        </Link>
      ) : null}
    </nav>
  );
}

/** The next page's URL from a connection's pageInfo, or null on the last page. */
export function nextPageHref(
  pageInfo: { hasNextPage: boolean; endCursor: string | null },
  href: (encodedCursor: string) => string,
): string | null {
  return pageInfo.hasNextPage && pageInfo.endCursor ? href(encodeURIComponent(pageInfo.endCursor)) : null;
}
