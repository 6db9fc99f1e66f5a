"use server";
/** Sign in and sign out, as server actions: only the server ever handles the key. */
import { redirect } from "next/navigation";
import { postToApi } from "../graphql/api-transport.ts";
import { VIEWER, type ViewerData } from "../graphql/queries.ts";
import { clearSessionKey, writeSessionKey } from "./session-cookie.ts";

export interface SignInState {
  error: string | null;
}

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const raw = form.get("apiKey");
  const key = typeof raw === "string" ? raw.trim() : "";
  if (key.length === 0) return { error: "Enter your API key." };
  // A cheap query proves the key: the API answers 401 for unknown or revoked keys.
  const result = await postToApi<ViewerData>(key, { operationName: "Viewer", query: VIEWER });
  switch (result.kind) {
    case "unauthenticated":
      return { error: "That API key is not valid. Check it, or ask for a new one." };
    case "errors":
      if (result.errors.some((e) => e.extensions?.code === "FORBIDDEN")) {
        return {
          error: "That API key is not valid for the console: it is the operator key. Use a tenant key (kap_sk_…).",
        };
      }
      return { error: `Signing in failed: ${result.errors.map((e) => e.message).join(" ")}` };
    case "unavailable":
      return { error: result.message };
    case "data":
      break;
  }
  await writeSessionKey(key);
  redirect("/endpoints");
}

export async function signOut(): Promise<void> {
  await clearSessionKey();
  redirect("/sign-in");
}
