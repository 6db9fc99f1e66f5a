import { redirect } from "next/navigation";
import { readSessionKey } from "../session/session-cookie.ts";

/** `/`: the endpoints when signed in, else the sign-in page. */
export default async function Home(): Promise<never> {
  redirect((await readSessionKey()) ? "/endpoints" : "/sign-in");
}
