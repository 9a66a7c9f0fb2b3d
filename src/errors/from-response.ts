import { errorBodySchema } from '../protocol/schemas.js';
import { parseJson, toIssues } from './parse-body.js';
import { parseRetryAfter } from '../utils/retry-after.js';
import { DescopeError } from './descope-error.js';
import { RateLimitError } from './rate-limit-error.js';
import { ResponseValidationError } from './response-validation-error.js';

/**
 * The one place that turns a non-2xx answer into an error class: a Descope error body becomes
 * `DescopeError` (`RateLimitError` for 429), anything else `ResponseValidationError`.
 */
export function errorFromResponse(path: string, status: number, headers: Headers, text: string): DescopeError | ResponseValidationError {
  const json = parseJson(text);
  if (!json.ok) return new ResponseValidationError(path, status, json.issues);
  const parsed = errorBodySchema.safeParse(json.value);
  if (!parsed.success) return new ResponseValidationError(path, status, toIssues(parsed.error));
  const { errorCode, errorDescription = '', errorMessage } = parsed.data;
  const details = { status, errorCode, errorDescription, errorMessage };
  return status === 429
    ? new RateLimitError(path, details, parseRetryAfter(headers.get('retry-after')))
    : new DescopeError(path, details);
}
