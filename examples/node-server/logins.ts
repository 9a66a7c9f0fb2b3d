// Pending logins, server-side. The browser gets an opaque random handle; the pendingRef stays here, so
// nothing the page holds (or leaks through an extension, a log or a shared screen) can redeem the session
// without going through this server, and a handle is worthless once it expired or was used. Each login is
// also found by its link's binding (`el_binding`, `LinkSent.binding`): that is how `GET /verify` knows
// which sign-in a link belongs to, and what to show and check on the confirm page.
import { randomBytes } from 'node:crypto';

/** What the server knows of a login: shown on the confirm page, checked before calling Descope. */
export interface LoginDetails {
  readonly pendingRef: string;
  /** The value the send added to the links' URL. */
  readonly binding: string;
  /** The number shown on the waiting screen: the confirm page asks for it. */
  readonly linkId: string;
  readonly maskedEmail: string | undefined;
  /** The browser and OS that asked, e.g. "Chrome on Windows". */
  readonly device: string;
  /** When it asked, in ms. */
  readonly startedAt: number;
}

/** One login the server waits for. */
export interface PendingLogin extends LoginDetails {
  readonly expiresAt: number;
  /** Aborts the status request currently waiting on it, if any. */
  waiter: AbortController | undefined;
  /**
   * Set when the confirm page was given a wrong number: the login is over, and the next status request
   * says why (then it is forgotten).
   */
  refused: boolean;
}

export class LoginStore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #logins = new Map<string, PendingLogin>();
  readonly #handleByBinding = new Map<string, string>();

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** Stores a login under a new 192-bit handle; returns the handle. */
  add(details: LoginDetails): string {
    this.#prune();
    const handle = randomBytes(24).toString('base64url');
    this.#logins.set(handle, { ...details, expiresAt: this.#now() + this.#ttlMs, waiter: undefined, refused: false });
    this.#handleByBinding.set(details.binding, handle);
    return handle;
  }

  /** The live login for `handle`, or undefined when it is unknown, used or expired. */
  get(handle: string): PendingLogin | undefined {
    const login = this.#logins.get(handle);
    if (login && login.expiresAt <= this.#now()) this.delete(handle);
    return login && login.expiresAt > this.#now() ? login : undefined;
  }

  /** The live, not refused login whose links carry `binding`, with its handle. */
  byBinding(binding: string): { handle: string; login: PendingLogin } | undefined {
    const handle = this.#handleByBinding.get(binding);
    const login = handle === undefined ? undefined : this.get(handle);
    return login && !login.refused ? { handle: handle!, login } : undefined;
  }

  delete(handle: string): void {
    const login = this.#logins.get(handle);
    if (login) this.#handleByBinding.delete(login.binding);
    this.#logins.delete(handle);
  }

  /** Every entry has the same lifetime, so the expired ones are the oldest: drop them from the front. */
  #prune(): void {
    for (const [handle, login] of this.#logins) {
      if (login.expiresAt > this.#now()) return;
      this.delete(handle);
    }
  }
}
