import { randomBytes } from "node:crypto";

/** Sessions last a working week at most; signing out (or revoking the key) ends them sooner. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Bounds memory: past this many, expired sessions are swept, then the oldest dropped. */
const MAX_SESSIONS = 50_000;

interface Session {
  apiKey: string;
  expiresAt: number;
}

/**
 * Server-side sessions (issue #11, finding 7): the browser's cookie holds only a random id; the API
 * key it stands for stays in this process. Signing out deletes the session, so a copied cookie is
 * worthless afterwards, and no cookie ever carries a key. In memory: a console restart signs
 * everyone out, and several console processes need sticky routing (docs/console.md).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for `apiKey`; returns its id (256 random bits, base64url). */
  create(apiKey: string): string {
    if (this.sessions.size >= MAX_SESSIONS) this.makeRoom();
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, { apiKey, expiresAt: this.now() + SESSION_TTL_MS });
    return id;
  }

  /** The API key of a live session, or undefined (unknown, ended or expired). */
  apiKey(id: string | undefined): string | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.apiKey;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private makeRoom(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
  }
}

const GLOBAL_KEY = Symbol.for("kapsel.console.sessions");

/**
 * The process's one store. Next.js may load a module once per server layer (pages, route handlers,
 * server actions), so the store lives on globalThis, not in a module variable.
 */
export function sessionStore(): SessionStore {
  const holder = globalThis as { [GLOBAL_KEY]?: SessionStore };
  holder[GLOBAL_KEY] ??= new SessionStore();
  return holder[GLOBAL_KEY];
}
