import { RateLimitError } from '../errors/rate-limit-error.js';
import type { Clock } from '../utils/clock.js';
import { sleep } from '../utils/sleep.js';
import { createAttempt, type AttemptTrace, type Call, type TransportConfig } from './attempt.js';
import { watchRequest, type RequestWatch } from './observe.js';
import { classify, retryAfterMs, retryDelay } from './policy.js';
import { NoTurn, type RequestBudget } from './request-budget.js';

/** @internal Runs a call to its end: its validated body, one of our errors, or `signal.reason`. */
export interface Executor {
  <T>(call: Call<T>): Promise<T>;
  /** The clock every wait of the client's calls runs on (the budget's). */
  readonly clock: Clock;
}

/** Retries within one call, the backoff base between them (ms), and the longest `Retry-After` worth waiting (ms). */
const RETRIES = 2;
const RETRY_BASE = 250;
const MAX_INLINE_RETRY_AFTER = 5_000;

/**
 * The one executor every request of a client goes through: the first try, each retry, each poll. Per
 * attempt, in this order and only here: a turn from the request budget, the attempt (`attempt.ts`, the
 * one place that talks HTTP), and what its outcome means (`policy.ts`): a 429 pauses the whole budget at
 * once, then the retry rule says wait and go again, or surface.
 *
 * A call that is not a poll waits at most `timeout` for its turns in all, and fails at once with a
 * {@link RateLimitError} when the budget expects a longer wait. So such a call settles within
 * 4 × `timeout` + 10 s however the server answers: turns, three attempts, two waits of at most 5 s.
 */
export function createExecutor(config: TransportConfig, budget: RequestBudget): Executor {
  const { clock } = budget;
  const attempt = createAttempt(config, clock);
  const { onEvent } = config;
  const baseUrl = new URL(config.baseUrl);

  /** Waits for the attempt's turn; `deadline` bounds the waits of a call that is not a poll. */
  async function turn(call: Call<unknown>, deadline: number, watch: RequestWatch | undefined, attempt: number): Promise<void> {
    const { signal, poll } = call;
    // Observed: whether the turn queued, and whether behind a 429's pause, for the `wait` event.
    let queued: { since: number; paused: boolean } | undefined;
    const onWait = watch
      ? (ms: number, paused?: boolean) => {
          queued = { since: clock.now(), paused: paused === true };
          poll?.onWait(ms);
        }
      : undefined;
    try {
      await budget.take(poll ? { signal, key: poll.key, onWait: onWait ?? poll.onWait } : { signal, maxWait: Math.max(0, deadline - clock.now()), onWait });
      if (queued) watch?.turned(attempt, queued.since, queued.paused);
    } catch (error) {
      if (!(error instanceof NoTurn)) throw error;
      const why = `${error.reason === 'full' ? 'the request budget has no room to queue it' : 'no turn in the request budget within the timeout'} (expected wait ${Math.round(error.waitMs)} ms)`;
      throw new RateLimitError(call.path, { status: 429, errorCode: '', errorDescription: why }, Math.ceil(error.waitMs / 1000), why);
    }
  }

  const run = async <T>(call: Call<T>, watch?: RequestWatch): Promise<T> => {
    const deadline = clock.now() + config.timeout;
    for (let failures = 1; ; failures++) {
      let served = false;
      let trace: AttemptTrace | undefined;
      try {
        // Where every attempt starts: its turn, then the request.
        await turn(call, deadline, watch, failures);
        served = true;
        trace = watch?.sent(failures);
        const value = await attempt(call, trace);
        if (trace) watch?.settled(failures, trace, undefined, false);
        return value;
      } catch (error) {
        // Where every attempt settles.
        if (trace) watch?.settled(failures, trace, error, true);
        if (call.signal?.aborted) throw call.signal.reason;
        // A 429 from the server reaches the budget at once, before any retry: everyone sharing it waits.
        const limited = classify(error) === 'rate-limited';
        if (served && limited) budget.pause(retryAfterMs(error as RateLimitError));
        const delay = served && call.retry !== 'none' && failures <= RETRIES ? retryDelay(error, failures, call.retry, RETRY_BASE, MAX_INLINE_RETRY_AFTER) : undefined;
        if (delay === undefined) throw error;
        const since = clock.now();
        await sleep(delay, call.signal, undefined, clock);
        watch?.waited(limited ? 'retry-after' : 'backoff', failures + 1, since);
      }
    }
  };
  // Observed, a request reports its start and end around the run; unobserved, nothing is built.
  const execute = !onEvent
    ? run
    : async <T>(call: Call<T>): Promise<T> => {
        const watch = watchRequest(onEvent, baseUrl, clock, call);
        try {
          const value = await run(call, watch);
          watch.ended(undefined, false);
          return value;
        } catch (error) {
          watch.ended(error, true);
          throw error;
        }
      };
  return Object.assign(execute, { clock });
}
