import { DescopeError, type DescopeErrorDetails } from './descope-error.js';

/**
 * Descope answered 429: too many requests. Wait `retryAfter` seconds before trying again.
 *
 * @category Errors
 */
export class RateLimitError extends DescopeError {
  /** Seconds to wait, from the `Retry-After` header (seconds or HTTP date); `0` when absent or unreadable. */
  readonly retryAfter: number;

  /** @internal */
  constructor(path: string, details: DescopeErrorDetails, retryAfter: number) {
    super(path, details);
    this.retryAfter = retryAfter;
  }
}
RateLimitError.prototype.name = 'RateLimitError';
