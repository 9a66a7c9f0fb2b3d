import { assertDelay, fail, withMethods } from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import type { SharedRequestBudget } from '../types/client-options.js';
import { systemClock, type Clock } from '../utils/clock.js';

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
   * Length of the window, in milliseconds. Also the longest shared pause a 429 can cause, whatever its
   * `Retry-After` says.
   * @defaultValue `60_000`
   */
  windowMs?: number;
  /**
   * Most requests that may wait for a turn at once (polls, sends and the rest together). One more fails at
   * once with a {@link RateLimitError} instead of queueing: at the default pace, 1,000 waiting turns take
   * 11 minutes to serve, past any poll's deadline, so a longer queue only means overload.
   * @defaultValue `1_000`
   */
  maxQueued?: number;
  /** @internal The time source of the budget and of every wait of the clients using it (tests inject one). */
  clock?: Clock;
}

/** @internal Why a request got no turn: the queue was full, or its wait for a turn ran past its limit. */
export class NoTurn {
  constructor(
    readonly reason: 'full' | 'timeout',
    /** Estimated wait for a turn at the time, ms. */
    readonly waitMs: number,
  ) {}
}

/** @internal What one request asks of the budget. */
export interface TurnRequest {
  signal?: AbortSignal | undefined;
  /** A poll's pendingRef: polls take turns by sign-in. Absent for every other request. */
  key?: string | undefined;
  /** Told the estimated wait (ms) when the request has to queue, and whether the budget is paused after a 429. */
  onWait?: ((ms: number, paused: boolean) => void) | undefined;
  /** Longest wait for a turn, ms; past it, or when the estimate is already longer, the request gets `NoTurn`. */
  maxWait?: number | undefined;
}

/** One request waiting for its turn. */
interface Turn {
  key: string | undefined;
  /** Polls: when the sign-in was last served (lowest first). */
  rank: number;
  go: () => void;
  cancel: (reason: unknown) => void;
}

/** How {@link RequestBudgetOptions} are checked (the one options checker, `options/check-options.ts`). */
const BUDGET: Spec = {
  requests: (value, name) => {
    const wholeOrInfinite = Number.isInteger(value) || value === Number.POSITIVE_INFINITY;
    if (!wholeOrInfinite || (value as number) <= 0) fail(name, 'expected a positive whole number or Infinity');
  },
  windowMs: assertDelay,
  maxQueued: (value, name) => {
    if (!Number.isInteger(value) || (value as number) < 0) fail(name, 'expected a whole number, 0 or more');
  },
  clock: withMethods('now', 'setTimeout', 'clearTimeout'),
};

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
 * Every attempt takes a turn: the first try, each retry and each poll.
 *
 * - **Limit**: at most `requests` per `windowMs`, spread out at a steady pace with a small burst allowance
 *   (`requests / 20`, at least 2), so polls started together do not fire together.
 * - **Fair**: when the budget is the bottleneck, turns alternate between the other requests (sends,
 *   verifies, `getSession`, session calls; first come, first served) and the polls, so neither can starve
 *   the other. Polls go by sign-in, the one served longest ago first, with at most one turn queued per
 *   `pendingRef` (more polls of one sign-in wait behind it), so latency grows smoothly with the number of
 *   sign-ins. A sign-in keeps its place across `pollSession` calls (long polling).
 * - **Bounded**: a request that is not a poll waits at most its client's `timeout` for a turn, and fails at
 *   once when the expected wait is longer; at most `maxQueued` requests wait. Both fail with a
 *   {@link RateLimitError} (`status` 429, empty `errorCode`) whose `retryAfter` is the expected wait.
 * - **One reaction to a 429**: the moment any request of the budget gets a 429, every request of the
 *   budget waits out its `Retry-After` (1 s when it has none), at most one `windowMs`, however far a
 *   server's date lies; then they resume one at a time, at the pace of the limit (without a limit:
 *   spread over one more pause).
 *
 * A poll that waits reports `status: 'queued'` to {@link PollOptions.onPoll}.
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
  /** Most requests waiting at once. */
  readonly maxQueued: number;
  /** @internal */
  readonly clock: Clock;
  // GCRA (a token bucket kept as one number): `#next` is when the next request would be due at the
  // steady pace; one may go `#tolerance` earlier, which allows a burst of `burst` requests.
  readonly #spacing: number;
  readonly #tolerance: number;
  #next = Number.NEGATIVE_INFINITY;
  #pausedUntil = 0;
  #pauseMs = 0;
  /** Spacing while the queue drains after a pause; 0 otherwise. */
  #drain = 0;
  /** Requests that are not polls, first come first served. */
  readonly #others: Turn[] = [];
  /** One turn per sign-in, by rank. */
  readonly #polls: Turn[] = [];
  /** Further polls of a sign-in whose turn is queued, in arrival order. */
  readonly #behind = new Map<string, Turn[]>();
  #waiting = 0;
  /** Whether the last turn served went to a poll: the next goes to the other kind when both wait. */
  #lastWasPoll = false;
  readonly #ranks = new Map<string, number>();
  #purgeAt = 1_000;
  #timer: unknown;

  /**
   * @param options - The limit; see {@link RequestBudgetOptions}.
   * @throws {@link InvalidArgumentError} for a limit that is not a positive whole number (or `Infinity`), a
   *   window that is not a positive number of milliseconds, or a `maxQueued` that is not a whole number.
   */
  constructor(options: RequestBudgetOptions = {}) {
    const { requests = 90, windowMs = 60_000, maxQueued = 1_000, clock = systemClock } = checkOptions(options, BUDGET);
    this.requests = requests;
    this.windowMs = windowMs;
    this.maxQueued = maxQueued;
    this.clock = clock;
    // With a burst of B ahead of the pace, a spacing of W / (N − B + 1) keeps any window of W to N turns, but
    // only just: the (N + 1)th turn comes exactly one window after the first, so a first request that
    // leaves a millisecond later than its turn (an await, a busy event loop) puts N + 1 requests in one
    // window at the server (the chaos soak found it). W / (N − B) leaves one spacing of slack at the edge.
    const burst = Math.min(requests, Math.max(2, Math.ceil(requests / 20)));
    this.#spacing = requests === Number.POSITIVE_INFINITY ? 0 : windowMs / Math.max(1, requests - burst);
    this.#tolerance = this.#spacing && (burst - 1) * this.#spacing;
  }

  /** How many requests are waiting for their turn now. */
  get queued(): number {
    return this.#waiting;
  }

  /**
   * @internal Resolves when the request may go (synchronously `undefined` when it may go now). Rejects with
   * `signal.reason` if that aborts first, or with a {@link NoTurn} when the queue is full or the wait
   * would pass `maxWait`.
   */
  take({ signal, key, onWait, maxWait }: TurnRequest = {}): Promise<void> | undefined {
    signal?.throwIfAborted();
    const now = this.clock.now();
    const rank = key === undefined ? 0 : (this.#ranks.get(key) ?? now);
    if (key !== undefined) this.#remember(key, rank, now);
    if (this.#waiting === 0 && this.#delay(now) <= 0) {
      this.#commit(now, key);
      return undefined;
    }
    const estimate = this.#estimate(now, key, rank);
    if (this.#waiting >= this.maxQueued) return Promise.reject(new NoTurn('full', estimate));
    if (maxWait !== undefined && estimate > maxWait) return Promise.reject(new NoTurn('timeout', estimate));
    onWait?.(estimate, this.#pausedUntil > now);
    return new Promise((resolve, reject) => {
      let timer: unknown;
      const settle = () => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiting--;
      };
      const turn: Turn = {
        key,
        rank,
        go: () => {
          settle();
          this.#commit(this.clock.now(), key);
          resolve();
        },
        cancel: (reason) => {
          settle();
          this.#remove(turn);
          this.#schedule();
          reject(reason);
        },
      };
      const onAbort = () => turn.cancel(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (maxWait !== undefined) timer = this.clock.setTimeout(() => turn.cancel(new NoTurn('timeout', this.#estimate(this.clock.now(), key, rank))), maxWait);
      this.#waiting++;
      this.#enqueue(turn);
      this.#schedule();
    });
  }

  /**
   * @internal A request of this budget got a 429: every request of the budget waits `ms`, at most one
   * window (a server's hostile date cannot stop the budget for longer), then they resume spread out.
   */
  pause(ms: number): void {
    ms = Math.min(ms, this.windowMs);
    const until = this.clock.now() + ms;
    if (!(ms > 0) || until <= this.#pausedUntil) return;
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

  /** Expected wait of a request joining now: the turns ahead of it, alternating between the two kinds. */
  #estimate(now: number, key: string | undefined, rank: number): number {
    const others = this.#others.length;
    const polls = key === undefined ? this.#polls.length : this.#polls.filter((turn) => turn.rank <= rank).length;
    const ahead = key === undefined ? others + Math.min(polls, others + 1) : polls + Math.min(others, polls + 1) + (this.#behind.get(key)?.length ?? 0);
    return Math.max(0, this.#delay(now)) + ahead * Math.max(this.#spacing, this.#drain);
  }

  #enqueue(turn: Turn): void {
    if (turn.key === undefined) {
      this.#others.push(turn);
      return;
    }
    const queued = this.#polls.some((other) => other.key === turn.key);
    if (queued) {
      const behind = this.#behind.get(turn.key) ?? [];
      behind.push(turn);
      this.#behind.set(turn.key, behind);
      return;
    }
    let at = this.#polls.length;
    while (at > 0 && this.#polls[at - 1]!.rank > turn.rank) at--;
    this.#polls.splice(at, 0, turn);
  }

  /** Takes a turn out of the queues; a sign-in's next poll, if any, takes its place. */
  #remove(turn: Turn): void {
    const other = this.#others.indexOf(turn);
    if (other >= 0) this.#others.splice(other, 1);
    const poll = this.#polls.indexOf(turn);
    if (poll >= 0) this.#polls.splice(poll, 1);
    if (turn.key === undefined) return;
    const behind = this.#behind.get(turn.key);
    if (!behind) return;
    const index = behind.indexOf(turn);
    if (index >= 0) behind.splice(index, 1);
    else if (poll >= 0 && behind.length > 0) {
      const next = behind.shift()!;
      // Served (or gone) just now: the sign-in's next poll queues behind the other sign-ins.
      next.rank = this.#ranks.get(turn.key) ?? next.rank;
      this.#enqueue(next);
    }
    if (behind.length === 0) this.#behind.delete(turn.key);
  }

  #commit(now: number, key: string | undefined): void {
    this.#next = Math.max(this.#next, now) + Math.max(this.#spacing, this.#drain);
    if (now >= this.#pausedUntil) this.#pauseMs = 0;
    if (key !== undefined) this.#ranks.set(key, now);
    this.#lastWasPoll = key !== undefined;
  }

  #remember(key: string, rank: number, now: number): void {
    this.#ranks.set(key, rank);
    if (this.#ranks.size < this.#purgeAt) return;
    for (const [known, seen] of this.#ranks) if (seen < now - FORGET_AFTER_MS) this.#ranks.delete(known);
    this.#purgeAt = Math.max(1_000, this.#ranks.size * 2);
  }

  #schedule(): void {
    this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiting === 0) {
      this.#drain = 0;
      return;
    }
    this.#timer = this.clock.setTimeout(this.#pump, Math.max(0, this.#delay(this.clock.now())));
  }

  readonly #pump = (): void => {
    this.#timer = undefined;
    const now = this.clock.now();
    // Without a limit there is no pace to resume at: spread the waiting requests over one more pause.
    if (this.#spacing === 0 && this.#pauseMs > 0 && now >= this.#pausedUntil) this.#drain = this.#pauseMs / this.#waiting;
    while (this.#delay(now) <= 0) {
      const poll = this.#polls.length > 0 && (this.#others.length === 0 || !this.#lastWasPoll);
      const turn = poll ? this.#polls[0] : this.#others[0];
      if (!turn) break;
      // Served first, so that the sign-in's next poll, if any, queues by this serving time.
      turn.go();
      this.#remove(turn);
    }
    this.#schedule();
  };
}
