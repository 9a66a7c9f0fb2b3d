import { DescopeError, type DescopeErrorDetails } from './descope-error.js';

/**
 * The server answered 429: too many requests. Wait `retryAfter` seconds before trying again. Any 429 is
 * a `RateLimitError`, whatever its body: a CDN's or a firewall's page gives an empty `errorCode`.
 *
 * @category Errors
 */
export class RateLimitError extends DescopeError {
  /**
   * Seconds to wait, from the `Retry-After` header (seconds or HTTP date, at most 86,400); `0` when
   * absent or unreadable.
   */
  declare readonly retryAfter: number;

  /** @internal */
  constructor(path: string, details: DescopeErrorDetails, retryAfter: number) {
    super(path, details);
    this.retryAfter = retryAfter;
  }
}
RateLimitError.prototype.name = 'RateLimitError';
