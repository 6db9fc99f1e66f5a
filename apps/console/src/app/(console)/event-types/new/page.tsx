import type { Metadata } from "next";
import Link from "next/link";
import { EventTypeCreateForm } from "../../../../components/event-type-create-form.tsx";

export const metadata: Metadata = { title: "New event type · Kapsel" };

export default function NewEventTypePage() {
  return (
    <>
      <p className="breadcrumbs">
        <Link href="/event-types">Event types</Link> / New
      </p>
      <h1>New event type</h1>
      <EventTypeCreateForm />
    </>
  );
}
