import { EnchantedLinkError } from './enchanted-link-error.js';

/**
 * One reason a response body did not match the documented shape.
 *
 * @category Errors
 */
export interface ValidationIssue {
  /** Where in the body, e.g. `['user', 'email']`; empty for the body as a whole. */
  readonly path: ReadonlyArray<string | number>;
  /** What was wrong. */
  readonly message: string;
}

/**
 * A response body was not the documented shape: not JSON, an HTML page from a proxy, a 200 with
 * missing or mistyped fields, or an error answer without `errorCode`.
 *
 * @category Errors
 */
export class ResponseValidationError extends EnchantedLinkError {
  /** The HTTP status of the answer. */
  readonly status: number;
  /** What did not match. */
  readonly issues: readonly ValidationIssue[];

  /** @internal */
  constructor(path: string, status: number, issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    super(`Unexpected ${status} response from ${path}${first ? `: ${first.message}${where}` : ''}`);
    this.status = status;
    this.issues = issues;
  }
}
ResponseValidationError.prototype.name = 'ResponseValidationError';
