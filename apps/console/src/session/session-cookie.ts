/** The session cookie: the tenant's API key, httpOnly so page scripts can never read it. */
import { cookies, headers } from "next/headers";

export const SESSION_COOKIE = "kapsel_session";
/** Sessions last a working week; signing out (or revoking the key) ends them sooner. */
const MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** The API key of the signed-in tenant, or undefined when nobody is signed in. */
export async function readSessionKey(): Promise<string | undefined> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  return value && value.length > 0 ? value : undefined;
}

async function isHttpsRequest(): Promise<boolean> {
  const h = await headers();
  return h.get("x-forwarded-proto") === "https";
}

export async function writeSessionKey(apiKey: string): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, apiKey, {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: await isHttpsRequest(),
    maxAge: MAX_AGE_SECONDS,
  });
}

export async function clearSessionKey(): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: await isHttpsRequest(),
    maxAge: 0,
  });
}
