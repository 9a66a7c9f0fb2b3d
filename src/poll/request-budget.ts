import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import type { Call, Transport } from '../transport/create-transport.js';
import type { SharedRequestBudget } from '../types/client-options.js';

/**
 * @internal The client's transport, seen through a budget. `onWait` marks a poll (of `body.pendingRef`):
 * it is told the estimated wait when it has to queue.
 */
export type BudgetedTransport = <T>(call: Call<T> & { onWait?: ((ms: number) => void) | undefined }) => Promise<T>;

/**
 * Options of {@link RequestBudget}.
 *
 * @category Polling
 */
export interface RequestBudgetOptions {
  /**
   * Requests allowed per `windowMs`, counted over any sliding window; `Infinity` for no limit (then
   * only the shared reaction to a 429 remains). Descope documents 100 requests per 60 s per IP address
   * for direct API calls; the default keeps 10 % of that free for requests the budget cannot see (other
   * processes on the same IP address, network jitter moving a request into the next window). Whether
   * `pending-session` has a higher limit is not documented: raise this only after checking with Descope.
   * @defaultValue `90`
   */
  requests?: number;
  /**
   * Length of the window, in milliseconds.
   * @defaultValue `60_000`
   */
  windowMs?: number;
}

/** One request waiting for its turn: served by lowest `rank`, then in arrival order. */
interface Turn {
  rank: number;
  go: () => void;
}

/** Above this many remembered sign-ins, those not seen for this long are forgotten. */
const FORGET_AFTER_MS = 15 * 60_000;

/**
 * A request budget shared by every request of the clients it is given to: for a server that polls on
 * behalf of many users, who all reach Descope from its one IP address. Every client has one of its own
 * with the default limit (90 requests per 60 s); pass one to {@link ClientOptions.requestBudget} to share
 * it between clients or to change the limit (`new RequestBudget({ requests: Infinity })` lifts it; the
 * shared reaction to a 429 always stays). A browser (one user, one poll, at most about one request a
 * second) never meets the default limit: its first 5 requests go at once, then one every 0.7 s.
 *
 * - **Limit**: at most `requests` per `windowMs`, spread out at a steady pace with a small burst allowance
 *   (`requests / 20`, at least 2), so polls started together do not fire together.
 * - **Fair**: when the budget is the bottleneck, sends, verifies and `getSession` go first; polls then
 *   go in turn, the sign-in served longest ago first, so none starves and latency grows smoothly with
 *   the number of sign-ins. A sign-in keeps its place across `pollSession` calls (long polling).
 * - **One reaction to a 429**: every request of the budget waits out the `Retry-After`, then they
 *   resume one at a time, at the pace of the limit (without a limit: spread over one more `Retry-After`).
 *   A 429 without a `Retry-After` (Descope always sends one; a proxy's page may not) is left to each
 *   request's own backoff.
 *
 * A poll that waits reports `status: 'queued'` to {@link PollOptions.onPoll}. Pass a `signal` to bound
 * how long a send or verify may wait for its turn.
 *
 * @category Polling
 * @example
 * ```ts
 * import { EnchantedLinkClient, RequestBudget } from 'enchanted-link';
 *
 * // One budget for everything this server sends to Descope from its IP address, over all its clients.
 * const budget = new RequestBudget();
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', requestBudget: budget });
 * const admin = new EnchantedLinkClient({ projectId: 'P2abc…', baseUrl: 'https://auth.example.com', requestBudget: budget });
 * ```
 */
export class RequestBudget implements SharedRequestBudget {
  /** Requests allowed per window. */
  readonly requests: number;
  /** Window length, ms. */
  readonly windowMs: number;
  // GCRA (a token bucket kept as one number): `#next` is when the next request would be due at the
  // steady pace; one may go `#tolerance` earlier, which allows a burst of `burst` requests.
  readonly #spacing: number;
  readonly #tolerance: number;
  #next = Number.NEGATIVE_INFINITY;
  #pausedUntil = 0;
  #pauseMs = 0;
  /** Spacing while the queue drains after a pause; 0 otherwise. */
  #drain = 0;
  readonly #queue: Turn[] = [];
  readonly #ranks = new Map<string, number>();
  #purgeAt = 1_000;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param options - The limit; see {@link RequestBudgetOptions}.
   * @throws {@link InvalidArgumentError} for a limit that is not a positive whole number (or `Infinity`), or a
   *   window that is not a positive number of milliseconds.
   */
  constructor({ requests = 90, windowMs = 60_000 }: RequestBudgetOptions = {}) {
    if (!(requests > 0 && (Number.isInteger(requests) || requests === Number.POSITIVE_INFINITY))) {
      throw new InvalidArgumentError('requests', 'expected a positive whole number or Infinity');
    }
    if (!(windowMs > 0 && windowMs < 2 ** 31)) throw new InvalidArgumentError('windowMs', 'expected a positive number of milliseconds');
    this.requests = requests;
    this.windowMs = windowMs;
    // With a burst of B ahead of the pace, a spacing of W / (N − B + 1) keeps any window of W to N requests.
    const burst = Math.min(requests, Math.max(2, Math.ceil(requests / 20)));
    this.#spacing = requests === Number.POSITIVE_INFINITY ? 0 : windowMs / (requests - burst + 1);
    this.#tolerance = this.#spacing && (burst - 1) * this.#spacing;
  }

  /** How many requests are waiting for their turn now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** @internal Sends every request of `transport` through this budget, and tells it of every 429. */
  wrap(transport: Transport): BudgetedTransport {
    return async (call) => {
      const { signal, onWait } = call;
      await this.take(signal, onWait && (call.body as { pendingRef: string }).pendingRef, onWait);
      try {
        return await transport(call);
      } catch (error) {
        // Descope always names its wait. A 429 without one (a proxy's or CDN's page) is left to each
        // request's own backoff, as before budgets: a page's poll must not stop for a whole window.
        if (error instanceof RateLimitError && error.retryAfter > 0) this.pause(error.retryAfter * 1000);
        throw error;
      }
    };
  }

  /**
   * @internal Resolves when the request may go (synchronously `undefined` when it may go now); rejects
   * with `signal.reason` if that aborts first. `key` (a pendingRef) marks a poll: it queues behind other
   * requests, by when its sign-in was last served. `onWait` gets the estimated wait before queueing.
   */
  take(signal?: AbortSignal, key?: string, onWait?: (estimatedMs: number) => void): Promise<void> | undefined {
    signal?.throwIfAborted();
    const now = Date.now();
    const rank = key === undefined ? Number.NEGATIVE_INFINITY : (this.#ranks.get(key) ?? now);
    if (key !== undefined) this.#remember(key, rank, now);
    if (this.#queue.length === 0 && this.#delay(now) <= 0) {
      this.#commit(now, key);
      return undefined;
    }
    let at = this.#queue.length;
    while (at > 0 && (this.#queue[at - 1] as Turn).rank > rank) at--;
    onWait?.(Math.max(0, this.#delay(now)) + at * Math.max(this.#spacing, this.#drain));
    return new Promise((resolve, reject) => {
      const turn: Turn = {
        rank,
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#commit(Date.now(), key);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(turn);
        if (index >= 0) this.#queue.splice(index, 1);
        this.#schedule();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.splice(at, 0, turn);
      this.#schedule();
    });
  }

  /**
   * @internal Descope answered 429: every request of this budget waits `ms` (without a `Retry-After`,
   * one window, as Descope documents a back-off as long as its window), then they resume spread out.
   */
  pause(ms: number): void {
    ms ||= this.windowMs;
    const until = Date.now() + ms;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pauseMs = ms;
    // The first request after the pause goes alone, the rest at the pace (see #pump).
    this.#next = Math.max(this.#next, until + this.#tolerance);
    this.#schedule();
  }

  /** Milliseconds until the next request may go. */
  #delay(now: number): number {
    return Math.max(this.#pausedUntil - now, this.#next - this.#tolerance - now);
  }

  #commit(now: number, key: string | undefined): void {
    this.#next = Math.max(this.#next, now) + Math.max(this.#spacing, this.#drain);
    if (now >= this.#pausedUntil) this.#pauseMs = 0;
    if (key !== undefined) this.#ranks.set(key, now);
  }

  #remember(key: string, rank: number, now: number): void {
    this.#ranks.set(key, rank);
    if (this.#ranks.size < this.#purgeAt) return;
    for (const [known, seen] of this.#ranks) if (seen < now - FORGET_AFTER_MS) this.#ranks.delete(known);
    this.#purgeAt = Math.max(1_000, this.#ranks.size * 2);
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queue.length === 0) {
      this.#drain = 0;
      return;
    }
    this.#timer = setTimeout(this.#pump, Math.max(0, this.#delay(Date.now())));
  }

  readonly #pump = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    // Without a limit there is no pace to resume at: spread the waiting requests over one more pause.
    if (this.#spacing === 0 && this.#pauseMs > 0 && now >= this.#pausedUntil) this.#drain = this.#pauseMs / this.#queue.length;
    while (this.#queue.length > 0 && this.#delay(now) <= 0) (this.#queue.shift() as Turn).go();
    this.#schedule();
  };
}
