import { isHTTPError, type RetryOptions } from 'ky';
import { parseRetryAfter } from '../utils/retry-after.js';

/**
 * How a request may be retried inside one call:
 * - `send`: the three send calls and update/email. A retried send emails a second set of links with a
 *   different `linkId`, so only answers that prove the request was not processed (429, 503) are retried.
 *   Also refresh, logout and logoutall: a logout retried after a lost answer fails on the token it just
 *   revoked, and a refresh retried after a lost answer may present a refresh JWT the first attempt
 *   rotated (Descope's reaction to that is undocumented), so neither is retried after an attempt that may
 *   have reached the server.
 * - `idempotent`: verify, a single session check and `GET /v1/auth/me` (read-only). Transient failures are retried: a lost answer
 *   followed by a retry can at worst fail, which is what no retry would have done anyway.
 * - `none`: the poll loop, which has its own backoff.
 */
export type RetryPolicy = 'send' | 'idempotent' | 'none';

/** Longest `Retry-After` (seconds) worth waiting inside a call; longer ones surface as `RateLimitError`. */
const MAX_INLINE_RETRY_AFTER = 5;

const shortRetryAfter: NonNullable<RetryOptions['shouldRetry']> = ({ error }) =>
  isHTTPError(error) ? parseRetryAfter(error.response.headers.get('retry-after')) <= MAX_INLINE_RETRY_AFTER && undefined : undefined;

// ky also honours other timing headers (`RateLimit-Reset`, `X-RateLimit-Reset`, …) and parses some dates
// differently from `parseRetryAfter`; `maxRetryAfter` caps every server-given wait so no call can stall for hours.
const base: RetryOptions = {
  limit: 2,
  methods: ['post', 'get'],
  afterStatusCodes: [429, 503],
  maxRetryAfter: MAX_INLINE_RETRY_AFTER * 1000,
  jitter: true,
};

export const RETRY_OPTIONS: Record<RetryPolicy, RetryOptions> = {
  send: {
    ...base,
    statusCodes: [429, 503],
    // Network errors and timeouts may hide a processed send: never retry them.
    shouldRetry: (state) => (isHTTPError(state.error) ? shortRetryAfter(state) : false),
  },
  idempotent: {
    ...base,
    statusCodes: [408, 429, 500, 502, 503, 504],
    retryOnTimeout: true,
    shouldRetry: shortRetryAfter,
  },
  none: { limit: 0 },
};
