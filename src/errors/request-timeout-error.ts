import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * One request took longer than the client's `timeoutMs`.
 *
 * @category Errors
 */
export class RequestTimeoutError extends EnchantedLinkError {
  /** The per-request limit that passed, in milliseconds. */
  declare readonly timeoutMs: number;

  /** @internal */
  constructor(path: string, timeout: number) {
    super(`No answer from ${path} within ${timeout} ms`);
    this.timeoutMs = timeout;
  }

  /** @deprecated Renamed to {@link RequestTimeoutError.timeoutMs} (milliseconds). */
  get timeout(): number {
    return this.timeoutMs;
  }
}
RequestTimeoutError.prototype.name = 'RequestTimeoutError';
