import { describe, expect, it } from "vitest";
import { cookieIsSecure } from "../src/session/session-cookie.ts";
import { SESSION_TTL_MS, SessionStore } from "../src/session/session-store.ts";

describe("server-side console sessions", () => {
  it("map a random id to the key until it is ended or expires", () => {
    let now = 1_000_000;
    const store = new SessionStore(() => now);
    const id = store.create("kap_sk_one");
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(id).not.toContain("kap_sk");
    expect(store.apiKey(id)).toBe("kap_sk_one");
    expect(store.apiKey("forged")).toBeUndefined();
    const other = store.create("kap_sk_one");
    expect(other).not.toBe(id);
    store.end(id);
    expect(store.apiKey(id)).toBeUndefined(); // signed out: the old cookie is worthless
    expect(store.apiKey(other)).toBe("kap_sk_one");
    now += SESSION_TTL_MS;
    expect(store.apiKey(other)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("marks the cookie Secure except on loopback", () => {
    for (const host of ["console.example.com", "10.0.0.5:3200", "kapsel.local", null]) {
      expect(cookieIsSecure(host)).toBe(true);
    }
    for (const host of ["127.0.0.1:3200", "localhost:3200", "localhost", "[::1]:3200"]) {
      expect(cookieIsSecure(host)).toBe(false);
    }
  });
});
