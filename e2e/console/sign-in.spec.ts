import { expect, screenshot, test } from "./fixtures.ts";

test.describe("signing in", () => {
  test("a wrong key is refused with an error and no session", async ({ page }, testInfo) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByLabel("API key")).toHaveAttribute("type", "password");
    await screenshot(page, testInfo, "sign-in");

    await page.getByLabel("API key").fill("kap_sk_this_is_not_a_real_key_0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    // (Next.js keeps an empty role="alert" route announcer on every page: match the error by its text.)
    await expect(page.getByRole("alert").filter({ hasText: "That API key is not valid" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in$/);

    // Still signed out: a signed-in page sends us back.
    await page.goto("/endpoints");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("the demo key signs in to Endpoints, and Sign out ends the session", async ({ page, signIn, context }) => {
    await signIn();
    await expect(page.getByRole("heading", { level: 1, name: "Endpoints" })).toBeVisible();
    const session = (await context.cookies()).find((cookie) => cookie.name === "kapsel_session");
    // Loopback over http: not Secure (browsers would drop it); anywhere else it is.
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/", secure: false });
    // A server-side session: the cookie is a random id, never the API key.
    expect(session?.value).not.toContain("kap_sk_");
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/endpoints");
    await expect(page).toHaveURL(/\/sign-in$/);
    // Signing out ended the session on the server: the old cookie, put back, is worthless.
    await context.addCookies([session!]);
    await page.goto("/endpoints");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("every page is sent with a content security policy that forbids framing", async ({ page }) => {
    const response = await page.goto("/sign-in");
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
  });
});
