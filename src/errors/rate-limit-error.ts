import { DescopeError, type DescopeErrorDetails } from './descope-error.js';

/**
 * Too many requests: wait `retryAfter` seconds before trying again. Either the server answered 429 (any
 * 429 is a `RateLimitError`, whatever its body: a CDN's or a firewall's page gives an empty `errorCode`),
 * or the client's {@link RequestBudget} refused the request a turn without sending it: its queue was full,
 * or the wait for a turn would have passed the client's `timeout`. Then `status` is 429, `errorCode` is
 * empty and the message says that nothing was sent.
 *
 * @category Errors
 */
export class RateLimitError extends DescopeError {
  /**
   * Seconds to wait: the server's `Retry-After` (delta-seconds or an IMF-fixdate, at most 86,400; `0` when
   * absent or in any other form), or the budget's expected wait for a turn.
   */
  declare readonly retryAfter: number;

  /** @internal `refused` (the budget's reason) when no request was sent. */
  constructor(path: string, details: DescopeErrorDetails, retryAfter: number, refused?: string) {
    super(path, details);
    this.retryAfter = retryAfter;
    if (refused) this.message = `Not sent to ${path}: ${refused}`;
  }
}
RateLimitError.prototype.name = 'RateLimitError';
