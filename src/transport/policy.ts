// The error policy: the one module that says what an outcome means for whoever asked. The client, the
// poll loop, the flow, the keeper and the request budget all ask it; none reads a status or a
// `Retry-After` itself.
import { DescopeError } from '../errors/descope-error.js';
import { HttpError } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { PENDING } from '../protocol/codes.js';

/**
 * What a failed attempt came to:
 * - `pending`: the poll's "not clicked yet" (401 `E062503`), an answer, not a failure;
 * - `rate-limited`: any 429, whatever its body, and a request budget refusing a turn;
 * - `transient`: 5xx and 408 whatever their body, network errors, request timeouts: worth another try;
 * - `terminal`: everything else (a Descope refusal, an answer of the wrong shape, an abort).
 */
export type Outcome = 'pending' | 'rate-limited' | 'transient' | 'terminal';

export function classify(error: unknown): Outcome {
  if (error instanceof RateLimitError) return 'rate-limited';
  if (error instanceof DescopeError && error.status === 401 && error.errorCode === PENDING) return 'pending';
  if (error instanceof NetworkError || error instanceof RequestTimeoutError || (error instanceof HttpError && (error.status >= 500 || error.status === 408))) return 'transient';
  return 'terminal';
}

/**
 * Whether a refused refresh ends the session: Descope refused the refresh JWT itself (a terminal
 * `DescopeError`, e.g. 401 expired or revoked). A 429, a 5xx, a lost answer or a proxy's page of the
 * wrong shape says nothing about the token, so the session is kept and the refresh tried again.
 */
export const endsSession = (error: unknown): error is DescopeError => error instanceof DescopeError && classify(error) === 'terminal';

/**
 * Which failed attempts may be sent again:
 * - `send`: the send calls, verify and the session calls that spend a credential. A retried send emails a
 *   second set of links, a retried verify of a token that was in fact used fails as "already used": only
 *   answers that prove the request was not processed (429, 503) are retried, never a timeout, a lost
 *   connection or another 5xx.
 * - `idempotent`: session checks (in one call or in the poll loop) and `me`. Every transient failure is retried.
 */
export type RetryPolicy = 'send' | 'idempotent';

/**
 * The wait a 429 asks for, ms: its `Retry-After`, or 1 s when it has none (Descope always sends one; a
 * proxy's or CDN's page may not). One fallback for every reader: the shared pause, the retry, the flow's
 * resend and the keeper's refresh. 1 s, not a window: the caller's own backoff (doubled per 429 in a row)
 * grows past it when the limit goes on, while one bare 429 does not stop everyone for a minute.
 */
export const retryAfterMs = (error: RateLimitError): number => (error.retryAfter > 0 ? error.retryAfter * 1000 : 1_000);

/** The wait `error` asks for before the same request may go again, ms: a 429's (see above), else none. */
export const askedWait = (error: unknown): number => (error instanceof RateLimitError ? retryAfterMs(error) : 0);

/** Longest backoff between attempts, ms. */
const MAX_BACKOFF = 30_000;

/**
 * A wait up to 10 % shorter than planned, in whole ms, so clients that failed together drift apart;
 * never longer than planned (longer costs detection latency, shorter on average costs requests).
 */
export const jitter = (ms: number): number => Math.round(ms * (0.9 + 0.1 * Math.random()));

/** The one backoff rule: `base` doubled per failure in a row (2 × base after the first), capped, jittered. */
const backoff = (base: number, failures: number) => jitter(Math.min(base * 2 ** failures, MAX_BACKOFF));

/**
 * How long to wait before another attempt after `error`, or `undefined` when it must surface.
 *
 * @param failures - Failed attempts in a row, this one included (1 after the first).
 * @param base - Backoff base, ms.
 * @param maxRetryAfter - Longest server-asked wait (ms) worth waiting; a longer one surfaces as the `RateLimitError`.
 */
export function retryDelay(error: unknown, failures: number, policy: RetryPolicy, base: number, maxRetryAfter: number): number | undefined {
  const outcome = classify(error);
  if (outcome === 'rate-limited') {
    const asked = retryAfterMs(error as RateLimitError);
    return asked > maxRetryAfter ? undefined : Math.max(asked, backoff(base, failures));
  }
  const retryable = policy === 'idempotent' ? outcome === 'transient' : error instanceof HttpError && error.status === 503;
  return retryable ? backoff(base, failures) : undefined;
}
