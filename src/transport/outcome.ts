// The one place that turns an attempt's answer (or what it threw) into a value or a typed error; what that
// error then means (retry, pause, surface) is `policy.ts`'s to say.
// Status first (as openai-node's `APIError.generate`): the status picks the class, the body only fills it.
import { DescopeError } from '../errors/descope-error.js';
import { NetworkError } from '../errors/network-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { ResponseValidationError, type ValidationIssue } from '../errors/response-validation-error.js';
import { errorBodySchema } from '../protocol/schemas.js';
import { parseRetryAfter } from './retry-after.js';

/** @internal The run-time check a body must pass; any zod/mini schema fits. */
export interface BodySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/**
 * Turns an HTTP answer into its validated body, or throws the one error class its status calls for.
 * `redact` takes the call's credentials out of anything of the answer that goes into an error: an error
 * body (read redacted), and the issues of a success body of the wrong shape (a success body itself is
 * returned as sent: a refresh may rightly return the refresh JWT it was given).
 */
export function fromAnswer<T>(path: string, status: number, headers: Headers, text: string, schema: BodySchema<T>, redact: (text: string) => string): T {
  if (status >= 200 && status < 300) {
    const json = parseJson(text);
    const parsed = json.ok ? schema.safeParse(json.value) : undefined;
    if (parsed?.success) return parsed.data;
    throw new ResponseValidationError(path, status, parsed ? toIssues(parsed.error, redact) : json.issues!);
  }
  const json = parseJson(redact(text));
  const parsed = json.ok ? errorBodySchema.safeParse(json.value) : undefined;
  const body = parsed?.data;
  const details = { status, errorCode: body?.errorCode ?? '', errorDescription: body?.errorDescription ?? '', errorMessage: body?.errorMessage };
  if (status === 429) throw new RateLimitError(path, details, parseRetryAfter(headers.get('retry-after')));
  if (body) throw new DescopeError(path, details);
  throw new ResponseValidationError(path, status, parsed ? toIssues(parsed.error!, redact) : json.issues!);
}

/** Turns what a request threw (ky already unwrapped) into our error; the runtime's code goes into the message. */
export function fromThrown(path: string, host: string, error: unknown, timedOut: number | undefined): RequestTimeoutError | NetworkError {
  if (timedOut) return new RequestTimeoutError(path, timedOut);
  // undici: TypeError('fetch failed') whose cause has the code; Bun and Deno put it on the error itself.
  const { code } = ((error as { cause?: { code?: unknown } })?.cause ?? error ?? {}) as { code?: unknown };
  return new NetworkError(path, host, typeof code === 'string' && /^[A-Z][A-Z\d_]+$/.test(code) ? code : undefined, error);
}

/** `JSON.parse` that reports instead of throwing; the body text itself never goes into the issue. */
function parseJson(text: string): { ok: true; value: unknown; issues?: never } | { ok: false; issues: ValidationIssue[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, issues: [{ path: [], message: text.trim() ? 'body is not JSON' : 'empty body, expected JSON' }] };
  }
}

/** Copies zod's issues into our own plain shape, so zod's types never reach the public API. */
function toIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }, redact: (text: string) => string): ValidationIssue[] {
  return error.issues.map(({ path, message }) => ({ path: path.map((key) => (typeof key === 'number' ? key : redact(String(key)))), message: redact(message) }));
}
