import type { Metadata } from "next";
import { SignInForm } from "../../components/sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in · Kapsel" };

export default function SignInPage() {
  return (
    <main className="sign-in">
      <div className="card sign-in-card">
        <p className="brand">Kapsel</p>
        <h1>Sign in</h1>
        <p className="muted">See where your webhooks went, and prove it.</p>
        <SignInForm />
      </div>
    </main>
  );
}
