import type { Metadata } from "next";
import Link from "next/link";
import { EndpointCreateForm } from "../../../../components/endpoint-create-form.tsx";

export const metadata: Metadata = { title: "New endpoint · Kapsel" };

export default function NewEndpointPage() {
  return (
    <>
      <p className="breadcrumbs">
        <Link href="/endpoints">Endpoints</Link> / New
      </p>
      <h1>New endpoint</h1>
      <EndpointCreateForm />
    </>
  );
}
