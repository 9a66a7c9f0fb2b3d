// Descope's per-client rate limit, so tests meet the 429 that production would answer.
import type { EmulatorRateLimit } from './types.js';

/**
 * Descope's documented limit for direct API calls and frontend SDKs: 100 requests per 60 s per client
 * (IP address), then 429 for 60 s (docs.descope.com/rate-limiting, spec §9).
 */
export const DESCOPE_RATE_LIMIT = { requests: 100, windowMs: 60_000, blockMs: 60_000 } as const;

/** Above this many tracked clients, idle ones are forgotten so a long-running server stays small. */
const MAX_IDLE_CLIENTS = 1_000;

interface ClientRecord {
  /** Arrival times (ms) of the counted requests inside the current window, oldest first. */
  hits: number[];
  /** While `now < blockedUntil`, every request is refused. */
  blockedUntil: number;
}

/** A sliding-window counter per client key; the clock is the emulator's, so fake timers apply. */
export class RateLimiter {
  readonly #requests: number;
  readonly #windowMs: number;
  readonly #blockMs: number;
  readonly #now: () => number;
  readonly #clients = new Map<string, ClientRecord>();

  /** `options` were checked with the emulator's (testing/options.ts). */
  constructor(options: Omit<EmulatorRateLimit, 'clientKey'>, now: () => number) {
    const { requests = DESCOPE_RATE_LIMIT.requests, windowMs = DESCOPE_RATE_LIMIT.windowMs } = options;
    const { blockMs = DESCOPE_RATE_LIMIT.blockMs } = options;
    this.#requests = requests;
    this.#windowMs = windowMs;
    this.#blockMs = blockMs;
    this.#now = now;
  }

  /**
   * Counts one request of `client`. Returns `undefined` when it may proceed, else the whole seconds until
   * the block ends (at least 1), the `Retry-After` value. Refused requests are not counted: the block
   * ends at a fixed time whatever the client does meanwhile, as Descope documents a fixed back-off.
   */
  take(client: string): number | undefined {
    const now = this.#now();
    const record = this.#clients.get(client) ?? this.#track(client);
    if (now < record.blockedUntil) return retryAfterSeconds(record.blockedUntil - now);
    const windowStart = now - this.#windowMs;
    while (record.hits.length > 0 && (record.hits[0] ?? now) <= windowStart) record.hits.shift();
    if (record.hits.length >= this.#requests) {
      record.hits = [];
      record.blockedUntil = now + this.#blockMs;
      return retryAfterSeconds(this.#blockMs);
    }
    record.hits.push(now);
    return undefined;
  }

  /** Forgets every client. */
  reset(): void {
    this.#clients.clear();
  }

  #track(client: string): ClientRecord {
    if (this.#clients.size >= MAX_IDLE_CLIENTS) {
      const windowStart = this.#now() - this.#windowMs;
      for (const [key, { hits, blockedUntil }] of this.#clients) {
        const newest = hits.at(-1) ?? Number.NEGATIVE_INFINITY;
        if (newest <= windowStart && blockedUntil <= this.#now()) this.#clients.delete(key);
      }
    }
    const record: ClientRecord = { hits: [], blockedUntil: Number.NEGATIVE_INFINITY };
    this.#clients.set(client, record);
    return record;
  }
}

/** Descope sends integer seconds (every SDK parses Retry-After with an integer parse). */
function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
