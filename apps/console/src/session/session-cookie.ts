/** The session cookie: a random session id (session-store.ts), httpOnly, never the API key itself. */
import { cookies, headers } from "next/headers";
import { SESSION_TTL_MS, sessionStore } from "./session-store.ts";

export const SESSION_COOKIE = "kapsel_session";

/** The API key of the signed-in tenant, or undefined when nobody is signed in. */
export async function readSessionKey(): Promise<string | undefined> {
  return sessionStore().apiKey((await cookies()).get(SESSION_COOKIE)?.value);
}

/** For route handlers, which get the request's cookies directly. */
export function sessionKeyOf(cookieValue: string | undefined): string | undefined {
  return sessionStore().apiKey(cookieValue);
}

/**
 * `Secure` always, except when the console is reached on loopback over plain http (`npm start`):
 * browsers would drop a Secure cookie there. Anything else is expected behind https.
 */
export function cookieIsSecure(host: string | null): boolean {
  const name = (host ?? "").replace(/:\d+$/, "").toLowerCase();
  return !(name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name));
}

export async function writeSessionKey(apiKey: string): Promise<void> {
  const jar = await cookies();
  sessionStore().end(jar.get(SESSION_COOKIE)?.value); // a fresh id on every sign-in
  jar.set(SESSION_COOKIE, sessionStore().create(apiKey), {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: cookieIsSecure((await headers()).get("host")),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export async function clearSessionKey(): Promise<void> {
  const jar = await cookies();
  sessionStore().end(jar.get(SESSION_COOKIE)?.value);
  jar.set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: cookieIsSecure((await headers()).get("host")),
    maxAge: 0,
  });
}
