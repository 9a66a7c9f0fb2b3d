// Fixed-window counters for `POST /login`: each send emails a person three live links, so one IP address
// or one email address may not ask for many. In memory: with several instances, each counts its own
// requests (put the counts in the shared store, e.g. Redis INCR + EXPIRE, to count them together).

export interface LoginLimits {
  /** Sends per IP address per window. Default 20: an office behind one address, a few people retrying. */
  perIp?: number;
  /** Sends per email address per window. Default 5: a person resends a couple of times at most. */
  perAddress?: number;
  /** The window, in ms. Default 10 minutes, longer than a link lives (5 minutes by default). */
  windowMs?: number;
}

export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: number, windowMs: number, now: () => number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Counts one request for `key`: 0 when allowed, else the seconds until the window ends (for Retry-After). */
  hit(key: string): number {
    const now = this.#now();
    this.#prune(now);
    const window = this.#windows.get(key) ?? { start: now, count: 0 };
    this.#windows.set(key, window);
    if (window.count >= this.#limit) return Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000));
    window.count++;
    return 0;
  }

  /**
   * Takes back one request of `key` counted in the current window: for a send that emailed nobody (refused
   * with a 429 by Descope or by the client's request budget), so a person asked to retry later is not
   * locked out by the retries they were asked for.
   */
  refund(key: string): void {
    const window = this.#windows.get(key);
    if (window && window.count > 0) window.count--;
  }

  /** Windows are created in time order, so the ended ones are at the front. */
  #prune(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.start + this.#windowMs > now) return;
      this.#windows.delete(key);
    }
  }
}
