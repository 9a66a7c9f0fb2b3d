// The keeper's state and its refresh schedule: the current snapshot and its subscribers, and when the next
// refresh is due. The due time comes from the session's own lifetime (`exp - iat` of the session JWT),
// counted from the moment this device received it, never from comparing this device's clock with the
// server's times: a clock an hour or a day off moves nothing. A floor between refreshes and a backoff after
// failures mean no clock and no answer can make the keeper refresh in a loop.
import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { askedWait, jitter } from '../transport/policy.js';
import { lifetimeMs } from '../utils/jwt-lifetime.js';
import type { SessionKeeperSnapshot } from './create-session-keeper.js';
import type { Kept } from './storage.js';

/**
 * The least time between two refreshes on a timer (or a page becoming visible), counted from the start
 * of the previous attempt, in ms. However short a lifetime a session claims (or an answer repeats), a tab
 * refreshes at most twice a minute, far under Descope's 100 requests per minute per IP shared by every user
 * behind one address. Descope's session lifetimes are minutes long (10 by default), so the floor never
 * delays the refresh of a real session, which comes a minute (or half the lifetime) before its end.
 */
export const MIN_REFRESH_INTERVAL_MS = 30_000;
/** The longest wait after failed refreshes in a row (doubling from the floor above: 30 s, 1, 2, 4, 8 min), in ms. */
export const MAX_REFRESH_BACKOFF_MS = 10 * 60_000;
/** How long before its end a session is refreshed by default, in ms (half its lifetime when that is shorter). */
export const DEFAULT_REFRESH_BEFORE_MS = 60_000;
// Timers take at most 2^31 - 1 ms; a longer delay would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const SIGNED_OUT: SessionKeeperSnapshot = /* @__PURE__ */ Object.freeze({ status: 'signed-out', error: undefined });

export class KeeperState {
  readonly #refresh: () => void;
  /** The app's `refreshBeforeMs`, honoured as given; `undefined` for the default. */
  readonly #refreshBeforeMs: number | undefined;
  readonly #listeners = new Set<(snapshot: SessionKeeperSnapshot) => void>();
  #snapshot = SIGNED_OUT;
  #kept: Kept | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the next refresh is due (`Date.now()` ms); a page becoming visible past it refreshes. */
  #dueAt = Number.POSITIVE_INFINITY;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #failures = 0;
  /** Whether the app was told that its `refreshBeforeMs` cannot be honoured (once per keeper). */
  #warned = false;

  constructor(refresh: () => void, refreshBeforeMs: number | undefined) {
    this.#refresh = refresh;
    this.#refreshBeforeMs = refreshBeforeMs;
  }

  get snapshot(): SessionKeeperSnapshot {
    return this.#snapshot;
  }

  /** The kept session (with when it was received), or none when signed out. */
  get kept(): Kept | undefined {
    return this.#kept;
  }

  get due(): boolean {
    return Date.now() >= this.#dueAt;
  }

  subscribe(listener: (snapshot: SessionKeeperSnapshot) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#snapshot);
    return () => void this.#listeners.delete(listener);
  }

  /** Takes `kept` as the current session (or signs out, with the error that ended it), tells subscribers and plans the refresh. */
  adopt(kept: Kept | undefined, error?: EnchantedLinkError): void {
    if (kept?.session.sessionJwt === this.#kept?.session.sessionJwt && !error) return;
    this.#kept = kept;
    this.#failures = 0;
    this.#publish(kept ? { status: 'signed-in', session: kept.session } : { status: 'signed-out', error });
    this.#plan();
  }

  /** A refresh request is about to be sent: the floor counts from now. */
  attempting(): void {
    this.#lastAttemptAt = Date.now();
  }

  /**
   * A refresh failed and the session stays: the next one waits the backoff, and at least `Retry-After`.
   * @returns That wait, in ms.
   */
  failed(error: unknown): number {
    this.#failures++;
    const backoff = jitter(Math.min(MIN_REFRESH_INTERVAL_MS * 2 ** (this.#failures - 1), MAX_REFRESH_BACKOFF_MS));
    const wait = Math.max(backoff, askedWait(error));
    this.#schedule(wait);
    return wait;
  }

  /** A sign-out's revoke failed after the session ended here: reported, unless another session was set since. */
  report(error: EnchantedLinkError): void {
    if (!this.#kept) this.#publish({ status: 'signed-out', error });
  }

  /** Stops the timer and forgets every subscriber (the state is read again on the next use). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#listeners.clear();
    this.#kept = undefined;
    this.#snapshot = SIGNED_OUT;
    this.#dueAt = Number.POSITIVE_INFINITY;
  }

  #publish(snapshot: SessionKeeperSnapshot): void {
    this.#snapshot = Object.freeze(snapshot);
    for (const listener of [...this.#listeners]) listener(this.#snapshot);
  }

  /**
   * The refresh of the kept session: `refreshBeforeMs` before the end of its lifetime counted from its
   * receipt (by default a minute before, or half-way through a shorter lifetime), and never sooner than
   * the floor after the previous attempt. A session without a readable lifetime is refreshed on demand only.
   */
  #plan(): void {
    clearTimeout(this.#timer);
    this.#dueAt = Number.POSITIVE_INFINITY;
    const lifetime = this.#kept && lifetimeMs(this.#kept.session.sessionJwt);
    if (!this.#kept || lifetime === undefined) return;
    const before = this.#refreshBeforeMs ?? Math.min(DEFAULT_REFRESH_BEFORE_MS, lifetime / 2);
    // A value that leaves less than the floor between two refreshes cannot be honoured: not changed in
    // silence, the app is told once (a console warning, the one place a developer sees it) what happens instead.
    if (lifetime - before < MIN_REFRESH_INTERVAL_MS && this.#refreshBeforeMs !== undefined && !this.#warned) {
      this.#warned = true;
      console.warn(
        `enchanted-link: refreshBeforeMs ${before} cannot be honoured for a session that lives ${lifetime / 1000} s, ` +
          `as refreshes are at least ${MIN_REFRESH_INTERVAL_MS / 1000} s apart: it is refreshed every ${MIN_REFRESH_INTERVAL_MS / 1000} s instead.`,
      );
    }
    this.#schedule(this.#kept.receivedAt + lifetime - before - Date.now());
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    const now = Date.now();
    const delay = Math.max(ms, this.#lastAttemptAt + MIN_REFRESH_INTERVAL_MS - now, 0);
    this.#dueAt = now + delay;
    this.#timer = setTimeout(this.#refresh, Math.min(delay, MAX_TIMER_MS));
  }
}
