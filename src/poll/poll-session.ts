import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import { PollTimeoutError } from '../errors/poll-timeout-error.js';
import { errorFactsOf, nextId, notify } from '../transport/observe.js';
import { classify, jitter, retryDelay } from '../transport/policy.js';
import type { EventListener, PollEvent, PollEventStatus } from '../types/events.js';
import type { Session } from '../types/session.js';
import type { PollProgress, PollStatus } from '../types/poll-options.js';
import type { Clock } from '../utils/clock.js';
import { sleep } from '../utils/sleep.js';
import { watchWakeUps } from './wake-ups.js';

/** @internal Poll settings after defaults and checks. */
export interface PollSettings {
  signal: AbortSignal | undefined;
  timeout: number;
  interval: number;
  maxInterval: number;
  backoffFactor: number;
  maxFailures: number;
  onPoll: ((progress: PollProgress) => void) | undefined;
}

/**
 * One session check: the session, `undefined` while pending, or a rejection. `onWait` is told when the
 * check has to wait for the client's request budget, with the estimated wait in ms.
 */
export type SessionCheck = (signal: AbortSignal, onWait: (ms: number) => void, pollId: number | undefined) => Promise<Session | undefined>;

/**
 * The poll loop: an awaited loop, so exactly one request is in flight at a time. Rules:
 * pending → wait (growing to `maxInterval`); 429 → wait at least `Retry-After`; transient failure →
 * exponential backoff, giving up after `maxFailures` in a row; anything else → reject at once.
 * `signal` and the deadline abort the request and the wait alike. In a page, a verify of `projectId`
 * announced by another tab or the page becoming visible ends a pending wait at once (one that comes during
 * a request skips the next pending wait), at most once per `interval` for each of the two; waits for `Retry-After` and failure
 * backoff are never cut short. While it waits, it answers the verify page's handshake for `binding` (the
 * value its send put in the links), which is how that page knows this browser asked for the link.
 */
export async function pollSession(
  check: SessionCheck,
  settings: PollSettings,
  projectId: string,
  clock: Clock,
  binding?: string,
  onEvent?: EventListener,
): Promise<Session> {
  const { signal, timeout, interval, maxInterval, backoffFactor, maxFailures, onPoll } = settings;
  signal?.throwIfAborted();
  const started = clock.now();
  let attempts = 0;
  // One controller ends everything, the request and the wait alike: the caller's abort (its reason
  // unchanged) or the deadline (a PollTimeoutError), whichever comes first.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = clock.setTimeout(() => stop.abort(new PollTimeoutError(timeout, attempts)), timeout);
  // Aborted by a wake-up, renewed after every wait: a wake-up during a request is remembered that way.
  let wake = new AbortController();
  const unwatch = watchWakeUps(() => wake.abort(), interval, projectId, binding);
  let signedIn = false;
  // Observed: a `poll` event for the start, every report and the end, numbered for the poll's requests.
  const pollId = onEvent && nextId();
  const tell =
    onEvent &&
    ((status: PollEventStatus, attempt: number, more: Partial<PollEvent> = {}) =>
      notify(onEvent, { type: 'poll', timeMs: clock.now(), pollId: pollId!, status, attempt, elapsedMs: clock.now() - started, ...more }));
  tell?.('started', 0);
  const report = (attempt: number, nextDelayMs: number, status: PollStatus, error?: EnchantedLinkError) => {
    tell?.(status, attempt, { nextDelayMs, ...(error && errorFactsOf(error)) });
    onPoll?.({ attempt, elapsedMs: clock.now() - started, nextDelayMs, status, ...(error ? { error } : {}) });
  };
  try {
    let wait = interval;
    let failures = 0;
    let limited = 0;
    for (;;) {
      attempts++;
      let status: PollStatus;
      let error: EnchantedLinkError | undefined;
      let nextDelayMs: number;
      try {
        const session = await check(stop.signal, (ms) => report(attempts - 1, ms, 'queued'), pollId);
        stop.signal.throwIfAborted();
        if (session) {
          signedIn = true;
          tell?.('signed-in', attempts);
          return session;
        }
        status = 'pending';
        failures = limited = 0;
        nextDelayMs = jitter(wait);
        wait = Math.min(wait * backoffFactor, maxInterval);
      } catch (caught) {
        if (stop.signal.aborted) throw stop.signal.reason;
        // The retry rule of single calls (transport/policy.ts), with the poll's own base and limits: a
        // 429 waits at least `Retry-After` unless that reaches past the deadline (waiting only to time out
        // would hide the real reason); transient failures give up after `maxFailures` in a row.
        // 429s in a row grow the backoff too, but only transient failures count towards `maxFailures`.
        const rateLimited = classify(caught) === 'rate-limited';
        const inARow = rateLimited ? ++limited : ++failures;
        // Failure backoff starts from 1 s (2 s, 4 s, 8 s…) whatever the pending pace, or from a shorter `interval`.
        const base = Math.min(interval, 1_000);
        const delay =
          rateLimited || failures < maxFailures ? retryDelay(caught, inARow, 'idempotent', base, started + timeout - clock.now()) : undefined;
        if (delay === undefined) throw caught;
        nextDelayMs = delay;
        status = rateLimited ? 'rate-limited' : 'retrying';
        // Rate-limited once, never hurry again: keep to the slowest pending pace.
        if (rateLimited) wait = maxInterval;
        error = caught as EnchantedLinkError;
      }
      report(attempts, nextDelayMs, status, error);
      await sleep(nextDelayMs, stop.signal, status === 'pending' ? wake.signal : undefined, clock);
      // The poll that follows answers whatever woke us.
      if (wake.signal.aborted) wake = new AbortController();
    }
  } catch (error) {
    if (tell) {
      const timedOut = stop.signal.aborted && !signal?.aborted;
      tell(timedOut ? 'timed-out' : stop.signal.aborted ? 'aborted' : 'failed', attempts, stop.signal.aborted ? {} : errorFactsOf(error));
    }
    throw stop.signal.aborted ? stop.signal.reason : error;
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    unwatch(signedIn); // a session also answers a verify page of this browser that it came here
  }
}
