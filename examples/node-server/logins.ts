// Pending logins, server-side. The browser gets an opaque random handle; the pendingRef stays here, so
// nothing the page holds (or leaks through an extension, a log or a shared screen) can redeem the session
// without going through this server, and a handle is worthless once it expired or was used.
import { randomBytes } from 'node:crypto';

/** One login the server waits for. `waiter` aborts the status request currently waiting on it, if any. */
export interface PendingLogin {
  readonly pendingRef: string;
  readonly expiresAt: number;
  waiter: AbortController | undefined;
}

export class LoginStore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #logins = new Map<string, PendingLogin>();

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Stores a pendingRef under a new 192-bit handle; returns the handle. */
  add(pendingRef: string): string {
    this.#prune();
    const handle = randomBytes(24).toString('base64url');
    this.#logins.set(handle, { pendingRef, expiresAt: this.#now() + this.#ttlMs, waiter: undefined });
    return handle;
  }

  /** The live login for `handle`, or undefined when it is unknown, used or expired. */
  get(handle: string): PendingLogin | undefined {
    const login = this.#logins.get(handle);
    if (login && login.expiresAt <= this.#now()) this.#logins.delete(handle);
    return login && login.expiresAt > this.#now() ? login : undefined;
  }

  delete(handle: string): void {
    this.#logins.delete(handle);
  }

  /** Every entry has the same lifetime, so the expired ones are the oldest: drop them from the front. */
  #prune(): void {
    for (const [handle, login] of this.#logins) {
      if (login.expiresAt > this.#now()) return;
      this.#logins.delete(handle);
    }
  }
}
