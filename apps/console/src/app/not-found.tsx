import Link from "next/link";

export default function NotFound() {
  return (
    <main className="page">
      <h1>Not found</h1>
      <p>There is nothing here. It may belong to another tenant, or it never existed.</p>
      <p>
        <Link href="/endpoints">Back to your endpoints</Link>
      </p>
    </main>
  );
}
