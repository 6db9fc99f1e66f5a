import Link from "next/link";

/** An endpoint or event id that names nothing of this tenant (or was deleted). */
export default function ConsoleNotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>Nothing of yours has this id. It may have been deleted, belong to another tenant, or never have existed.</p>
      <p>
        <Link href="/endpoints">Back to your endpoints</Link>
      </p>
    </>
  );
}
