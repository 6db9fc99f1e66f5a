import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "../styles/base.css";
import "../styles/components.css";
import "../styles/event.css";

export const metadata: Metadata = {
  title: "Kapsel console",
  description: "Manage webhook endpoints and investigate deliveries.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
