import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * Base of the errors that come with an HTTP answer: {@link DescopeError} (and so {@link RateLimitError})
 * and {@link ResponseValidationError}. Check `status` to tell a 5xx from a 4xx whatever the body was.
 *
 * @category Errors
 * @example
 * ```ts
 * try {
 *   await client.verifyToken(token);
 * } catch (error) {
 *   if (error instanceof HttpError && error.status >= 500) console.warn("Descope is unavailable, try again later");
 *   else throw error;
 * }
 * ```
 */
export class HttpError extends EnchantedLinkError {
  /** The HTTP status of the answer, e.g. `400` or `502`. */
  declare readonly status: number;

  /** @internal */
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
HttpError.prototype.name = 'HttpError';
