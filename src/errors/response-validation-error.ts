import { HttpError } from './http-error.js';

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
 * A response body was not the documented shape: a 2xx that is not JSON or has missing or mistyped
 * fields, or a non-2xx answer (other than 429) without Descope's error body, such as a proxy's HTML page.
 * `status` tells which: a 502 or 503 here is as transient as any other.
 *
 * @category Errors
 */
export class ResponseValidationError extends HttpError {
  /** What did not match. */
  declare readonly issues: readonly ValidationIssue[];

  /** @internal */
  constructor(path: string, status: number, issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    super(`Unexpected ${status} response from ${path}${first ? `: ${first.message}${where}` : ''}`, status);
    this.issues = issues;
  }
}
ResponseValidationError.prototype.name = 'ResponseValidationError';
