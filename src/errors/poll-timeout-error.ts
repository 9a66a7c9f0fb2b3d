import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * `pollSession` reached its overall deadline before the user clicked the right link.
 *
 * @category Errors
 */
export class PollTimeoutError extends EnchantedLinkError {
  /** The deadline that passed, in milliseconds. */
  declare readonly timeoutMs: number;
  /** How many `pending-session` requests were sent. */
  declare readonly attempts: number;

  /** @internal */
  constructor(timeout: number, attempts: number) {
    super(`No session after ${attempts} polls in ${timeout} ms`);
    this.timeoutMs = timeout;
    this.attempts = attempts;
  }

  /** @deprecated Renamed to {@link PollTimeoutError.timeoutMs} (milliseconds). */
  get timeout(): number {
    return this.timeoutMs;
  }
}
PollTimeoutError.prototype.name = 'PollTimeoutError';
