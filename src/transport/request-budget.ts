import { assertDelay, fail, MAX_DELAY, withMethods } from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import type { BudgetPace, BudgetReservation, BudgetStore } from '../types/budget-store.js';
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
  /**
   * Keeps the pace and the pause after a 429 in a store shared by every instance of an app behind one IP
   * address (`RedisBudgetStore` from `enchanted-link/redis`), so that together they stay within
   * `requests` per `windowMs`: give every instance the same `requests`, `windowMs` and store. Each turn
   * then costs one call to the store, which reserves it on the store's clock (instance clocks do not
   * matter); queueing and fairness stay per instance.
   *
   * When the store fails or does not answer within `storeTimeoutMs`, the budget goes on at its own local
   * pace for 5 s, then tries the store again: it fails open, because a store outage that stopped every
   * request to Descope would stop every sign-in, while the cost of failing open is bounded: each instance
   * still keeps `requests` per `windowMs`, and the 429s an overrun fleet may meet pause each instance as
   * without a store. A turn reserved before another instance's 429 is still used (one per instance at
   * most): only the store's next reservation can tell an instance about that pause.
   * @defaultValue none: the pace is this process's own
   */
  store?: BudgetStore | undefined;
  /**
   * How long a turn waits for the {@link RequestBudgetOptions.store | store}'s answer, in ms, before the
   * budget goes on at its local pace (see `store`). A Redis on the same network answers in about a
   * millisecond; a second means it is down or overloaded, and is short against a poll's interval.
   * @defaultValue `1_000`
   */
  storeTimeoutMs?: number;
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
  store: withMethods('reserve', 'pause'),
  storeTimeoutMs: assertDelay,
  clock: withMethods('now', 'setTimeout', 'clearTimeout'),
};

/** Above this many remembered sign-ins, those not seen for this long are forgotten. */
const FORGET_AFTER_MS = 15 * 60_000;

/**
 * After the store fails, how long the budget keeps its local pace before it asks the store again: a store
 * that is down then costs one `storeTimeoutMs` per 5 s rather than one per turn, and a store that is back
 * rejoins the fleet's pace within 5 s.
 */
const LOCAL_AFTER_FAILURE_MS = 5_000;

/** A turn asked of the store: in flight until it answers, then held until its time comes. */
interface Slot {
  controller: AbortController;
  timer: unknown;
  settled: boolean;
}

/**
 * A store's answer, checked against the budget's `windowMs`: anything else counts as a failed store (the
 * budget then keeps its local pace for a while). Bounds a store cannot honestly pass:
 * - a pause of at most one window, as {@link RequestBudget.pause} caps a `Retry-After`;
 * - a wait of at most 10 windows. Each instance holds one reserved turn at a time, so a wait is about one
 *   turn per instance ahead of it, plus a pause: 10 windows is 900 instances at the default pace, more
 *   than one egress IP ever serves. A longer wait is a broken or hostile store, or a Redis whose clock
 *   stepped back; obeying it would stop this instance (up to 24.8 days, the longest timer) instead of
 *   failing open.
 */
const isReservation = (value: unknown, windowMs: number): value is BudgetReservation => {
  const { waitMs, pausedMs } = (value ?? {}) as Partial<BudgetReservation>;
  const within = (ms: unknown, most: number) => typeof ms === 'number' && ms >= 0 && ms <= Math.min(most, MAX_DELAY);
  return within(waitMs, 10 * windowMs) && within(pausedMs, windowMs);
};

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
 * **Several instances behind one IP address** share one limit: give each its own budget over one
 * {@link RequestBudgetOptions.store | store} (`RedisBudgetStore` from `enchanted-link/redis`), which keeps
 * the pace and the pause after a 429 for all of them.
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
  readonly #store: BudgetStore | undefined;
  readonly #storeTimeoutMs: number;
  /** Until then (after a store failure) the budget keeps its local pace. */
  #localUntil = 0;
  /** The turn asked of the store, if any: one at a time, used by whichever request is first when it comes. */
  #slot: Slot | undefined;
  /** When the held turn comes (for the estimates). */
  #slotAt = 0;
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
   *   window or `storeTimeoutMs` that is not a positive number of milliseconds, a `maxQueued` that is not a
   *   whole number, or a `store` without `reserve` and `pause` methods.
   */
  constructor(options: RequestBudgetOptions = {}) {
    const { requests = 90, windowMs = 60_000, maxQueued = 1_000, clock = systemClock, store, storeTimeoutMs = 1_000 } = checkOptions(options, BUDGET);
    this.#store = store;
    this.#storeTimeoutMs = storeTimeoutMs;
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
    if (!this.#shared(now) && this.#waiting === 0 && this.#delay(now) <= 0) {
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
    if (this.#store) this.#tellStore(ms);
    this.#schedule();
  }

  /** Whether turns come from the store now (it is set, and has not failed within the last 5 s). */
  #shared(now: number): boolean {
    return this.#store !== undefined && now >= this.#localUntil;
  }

  /**
   * Milliseconds until the next request may go: this process's pause, and its own pace. With a store, the
   * store's turns come on top: an honest store is never faster than one instance's own pace (it spaces the
   * whole fleet's turns as this spaces its own), so the local pace only binds a store that answers "go" too
   * readily (a bug, a flushed key, a failover that lost writes), which would otherwise send every queued
   * request at once.
   */
  #delay(now: number): number {
    return Math.max(this.#pausedUntil - now, this.#next - this.#tolerance - now);
  }

  #pace(): BudgetPace {
    return { spacingMs: Math.max(this.#spacing, this.#drain), burstMs: this.#tolerance, windowMs: this.windowMs };
  }

  /** Asks the store for a turn; `#use` serves it when it comes. A failed or silent store: the local pace for a while. */
  #reserve(store: BudgetStore): void {
    const slot: Slot = { controller: new AbortController(), timer: undefined, settled: false };
    this.#slot = slot;
    const answered = (reservation?: BudgetReservation) => {
      // Released meanwhile (no request waits any more), or the answer came after the deadline.
      if (this.#slot !== slot || slot.settled) return;
      slot.settled = true;
      this.clock.clearTimeout(slot.timer);
      const now = this.clock.now();
      if (!reservation) {
        this.#slot = undefined;
        this.#localUntil = now + LOCAL_AFTER_FAILURE_MS;
        this.#pump();
        return;
      }
      // Another instance's 429: this one waits it out too (and says so to the requests that queue).
      if (now + reservation.pausedMs > this.#pausedUntil) {
        this.#pausedUntil = now + reservation.pausedMs;
        this.#pauseMs = reservation.pausedMs;
      }
      this.#slotAt = now + reservation.waitMs;
      if (reservation.waitMs > 0) slot.timer = this.clock.setTimeout(() => this.#use(slot), Math.ceil(reservation.waitMs));
      else this.#use(slot);
    };
    slot.timer = this.clock.setTimeout(() => {
      slot.controller.abort();
      answered();
    }, this.#storeTimeoutMs);
    // A store that throws instead of rejecting counts as failed too.
    new Promise<unknown>((resolve) => resolve(store.reserve(this.#pace(), slot.controller.signal))).then(
      (value) => answered(isReservation(value, this.windowMs) ? value : undefined),
      () => answered(),
    );
  }

  /** The reserved turn has come: the first waiting request takes it, unless this process's own 429 came since. */
  #use(slot: Slot): void {
    if (this.#slot !== slot) return;
    this.#slot = undefined;
    const now = this.clock.now();
    if (now >= this.#pausedUntil) this.#serveNext();
    this.#schedule();
  }

  /** No request waits any more: the turn in flight or held is given up (a reserved turn stays unused). */
  #release(): void {
    const slot = this.#slot;
    if (!slot) return;
    this.#slot = undefined;
    this.clock.clearTimeout(slot.timer);
    slot.controller.abort();
  }

  /** Tells the store about this process's 429, so that every instance pauses; a failure changes nothing here. */
  #tellStore(ms: number): void {
    const controller = new AbortController();
    const timer = this.clock.setTimeout(() => controller.abort(), this.#storeTimeoutMs);
    const done = () => this.clock.clearTimeout(timer);
    new Promise<void>((resolve) => resolve(this.#store!.pause(ms, this.#pace(), controller.signal))).then(done, done);
  }

  /** Expected wait of a request joining now: the turns ahead of it, alternating between the two kinds. */
  #estimate(now: number, key: string | undefined, rank: number): number {
    const others = this.#others.length;
    const polls = key === undefined ? this.#polls.length : this.#polls.filter((turn) => turn.rank <= rank).length;
    const ahead = key === undefined ? others + Math.min(polls, others + 1) : polls + Math.min(others, polls + 1) + (this.#behind.get(key)?.length ?? 0);
    const slot = this.#slot ? this.#slotAt - now : 0;
    return Math.max(0, this.#delay(now), slot) + ahead * Math.max(this.#spacing, this.#drain);
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
      this.#release();
      return;
    }
    // A turn asked of the store schedules what follows when it comes.
    if (this.#slot) return;
    const now = this.clock.now();
    const delay = this.#delay(now);
    if (this.#store && this.#shared(now) && delay <= 0) this.#reserve(this.#store);
    else this.#timer = this.clock.setTimeout(this.#pump, Math.max(0, delay));
  }

  readonly #pump = (): void => {
    this.#timer = undefined;
    const now = this.clock.now();
    // Without a limit there is no pace to resume at: spread the waiting requests over one more pause.
    if (this.#spacing === 0 && this.#pauseMs > 0 && now >= this.#pausedUntil) this.#drain = this.#pauseMs / this.#waiting;
    if (this.#shared(now)) {
      this.#schedule();
      return;
    }
    let served = true;
    while (served && this.#delay(now) <= 0) served = this.#serveNext();
    this.#schedule();
  };

  /** Serves the next turn, alternating between polls and the rest; false when none waits. */
  #serveNext(): boolean {
    const poll = this.#polls.length > 0 && (this.#others.length === 0 || !this.#lastWasPoll);
    const turn = poll ? this.#polls[0] : this.#others[0];
    if (!turn) return false;
    // Served first, so that the sign-in's next poll, if any, queues by this serving time.
    turn.go();
    this.#remove(turn);
    return true;
  }
}
