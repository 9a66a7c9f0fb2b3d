// Limits on sends: each send emails a person three live links, so one IP address or one email address may
// not ask for many. Fixed windows counted in the store (its atomic increment), so a fleet counts together;
// the window is part of the key, so its end (the `Retry-After`) is known without asking the store.
import type { KitKeys } from './keys.js';
import type { KitStore } from './store.js';

/**
 * Limits on `POST /start` (sends) per client IP address and per email address, counted in the kit's store
 * (so across every instance that shares it). A send refused by Descope's (or the request budget's) 429 emailed
 * nobody and is not counted.
 *
 * @category Server kit
 */
export interface SendLimits {
  /**
   * Sends per IP address per window. Counted only when the kit knows the client's IP (see
   * `ServerKitOptions.clientIp`). A refused attempt counts too: many addresses tried from one IP.
   * @defaultValue `20`: an office behind one address, a few people retrying
   */
  perIp?: number;
  /**
   * Sends per email address (compared case-insensitively) per window.
   * @defaultValue `5`: a person resends a couple of times at most
   */
  perAddress?: number;
  /**
   * The window, in milliseconds.
   * @defaultValue `600_000` (10 minutes), longer than a link lives (5 minutes by default)
   */
  windowMs?: number;
}

/** One send counted against its IP address and email address, to be refunded when it emailed nobody. */
export interface CountedSend {
  /** Seconds until the window ends when over a limit (for `Retry-After`), else 0. */
  readonly retryAfter: number;
  /** Takes the send back (it met a 429: nothing was sent). */
  refund(): Promise<void>;
}

export class SendLimiter {
  readonly #store: KitStore;
  readonly #keys: KitKeys;
  readonly #perIp: number;
  readonly #perAddress: number;
  readonly #windowMs: number;

  constructor(store: KitStore, keys: KitKeys, { perIp = 20, perAddress = 5, windowMs = 600_000 }: SendLimits) {
    this.#store = store;
    this.#keys = keys;
    this.#perIp = perIp;
    this.#perAddress = perAddress;
    this.#windowMs = windowMs;
  }

  /**
   * Counts a send for `ip` (when known) and `address`. The IP is counted first, and counts even when the
   * address is over its limit; an IP over its limit does not count against the address.
   */
  async count(ip: string | undefined, address: string): Promise<CountedSend> {
    const now = Date.now();
    const window = Math.floor(now / this.#windowMs);
    const ttl = (window + 1) * this.#windowMs - now;
    const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
    const counted: string[] = [];
    const hit = async (kind: string, value: string, limit: number) => {
      if (!Number.isFinite(limit)) return true;
      const key = `sends:${kind}:${window}:${await this.#keys.name(kind, value)}`;
      counted.push(key);
      return (await this.#store.increment(key, ttl)) <= limit;
    };
    const allowed = (ip === undefined || (await hit('ip', ip, this.#perIp))) && (await hit('address', address.trim().toLowerCase(), this.#perAddress));
    return {
      retryAfter: allowed ? 0 : retryAfter,
      refund: async () => {
        await Promise.all(counted.map((key) => this.#store.increment(key, ttl, -1)));
      },
    };
  }
}
