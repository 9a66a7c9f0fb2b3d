import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * An argument or option was missing or malformed. Raised before any request is sent.
 *
 * @category Errors
 */
export class InvalidArgumentError extends EnchantedLinkError {
  /** The argument or option at fault, e.g. `loginId` or `options.timeoutMs`. */
  declare readonly argument: string;

  /** @internal */
  constructor(argument: string, problem: string) {
    super(`Invalid argument \`${argument}\`: ${problem}`);
    this.argument = argument;
  }
}
InvalidArgumentError.prototype.name = 'InvalidArgumentError';
