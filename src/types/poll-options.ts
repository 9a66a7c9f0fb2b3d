import type { EnchantedLinkError } from '../errors/enchanted-link-error.js';
import type { ClientOptions } from './client-options.js';

/**
 * What happened on one poll that did not end the wait, as reported to {@link PollOptions.onPoll}:
 * - `pending`: the right link was not clicked yet (401 `E062503`);
 * - `rate-limited`: Descope answered 429; the next poll waits at least `Retry-After`;
 * - `retrying`: a transient failure (5xx, network error, request timeout); see `error`;
 * - `queued`: the next poll waits for its turn in the client's {@link ClientOptions.requestBudget}
 *   (reported before it is sent; `nextDelayMs` is an estimate). Only with a budget, and only when it is
 *   the bottleneck or paused after a 429: a browser never sees it.
 *
 * @category Polling
 */
export type PollStatus = 'pending' | 'rate-limited' | 'retrying' | 'queued';

/**
 * Progress of {@link EnchantedLinkClient.pollSession}, reported after every poll that did not end the wait.
 *
 * @category Polling
 */
export interface PollProgress {
  /** How many `pending-session` requests were sent so far (1 after the first). */
  attempt: number;
  /** Milliseconds since `pollSession` was called. */
  elapsedMs: number;
  /** Milliseconds until the next poll, a whole number (for `queued`, an estimate of the wait for the budget). */
  nextDelayMs: number;
  /** Why polling goes on. After a 429, later pending waits stay at `maxIntervalMs`. */
  status: PollStatus;
  /** The error behind `rate-limited` and `retrying`. */
  error?: EnchantedLinkError;
}

/**
 * Options of {@link EnchantedLinkClient.pollSession}. All durations are in milliseconds, greater than 0
 * and at most 2,147,483,647 (the longest timer JavaScript runtimes support).
 *
 * The defaults poll at once, then every 2.5 s (each wait up to 10 % shorter, at random, so many tabs do
 * not poll in step): about 25 requests a minute, far under Descope's 100 requests per minute per IP and
 * under half of what `@descope/core-js-sdk` sends, while noticing a click on another device within
 * 1.25 s on average. A click in the same browser is noticed at once (the verify wakes the wait up).
 *
 * @category Polling
 */
export interface PollOptions {
  /** Stops polling at once: the pending request and the wait are cancelled and the promise rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /**
   * Overall deadline; when it passes, `pollSession` rejects with `PollTimeoutError`. Match it to your
   * project's link expiry (Descope recommends 3 to 5 minutes).
   * @defaultValue `300_000` (5 minutes)
   */
  timeoutMs?: number | undefined;
  /**
   * First wait between polls.
   * @defaultValue `2_500`, or `maxIntervalMs` when that is lower
   */
  intervalMs?: number | undefined;
  /**
   * Longest wait between polls while pending.
   * @defaultValue `2_500`, or `intervalMs` when that is higher
   */
  maxIntervalMs?: number | undefined;
  /** @deprecated Renamed to {@link PollOptions.timeoutMs} (same value, milliseconds); still honoured. */
  timeout?: number | undefined;
  /** @deprecated Renamed to {@link PollOptions.intervalMs} (same value, milliseconds); still honoured. */
  interval?: number | undefined;
  /** @deprecated Renamed to {@link PollOptions.maxIntervalMs} (same value, milliseconds); still honoured. */
  maxInterval?: number | undefined;
  /**
   * Factor by which the wait grows after each pending answer, until `maxIntervalMs`. `1` polls at a fixed `intervalMs`.
   * With the default `intervalMs` and `maxIntervalMs` (both 2.5 s) it has nothing to grow; it matters when you set them apart.
   * @defaultValue `1.5`
   */
  backoffFactor?: number | undefined;
  /**
   * Consecutive transient failures (5xx, network errors, request timeouts) after which polling gives up
   * and rejects with the last one. Waits double after each failure (2 s, 4 s, 8 s, ... up to 30 s).
   * @defaultValue `6`
   */
  maxFailures?: number | undefined;
  /** Called after every poll that did not end the wait, e.g. to show progress. An exception thrown here ends polling with that exception. */
  onPoll?: ((progress: PollProgress) => void) | undefined;
}
