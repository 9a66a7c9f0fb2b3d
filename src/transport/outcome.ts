// The one place that decides what an attempt came to: a value, a retry after N ms, or a typed error.
// Status first (as openai-node's `APIError.generate`): the status picks the class, the body only fills it.
import { DescopeError } from '../errors/descope-error.js';
import { HttpError } from '../errors/http-error.js';
import { NetworkError } from '../errors/network-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { ResponseValidationError, type ValidationIssue } from '../errors/response-validation-error.js';
import { errorBodySchema } from '../protocol/schemas.js';
import { parseRetryAfter } from '../utils/retry-after.js';

/** @internal The run-time check a body must pass; any zod/mini schema fits. */
export interface BodySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/**
 * Which failed attempts may be sent again:
 * - `send`: the send calls and verify. A retried send emails a second set of links, a retried verify of
 *   a token that was in fact used fails as "already used": only answers that prove the request was not
 *   processed (429, 503) are retried, never a timeout, a lost connection or another 5xx.
 * - `idempotent`: session checks, in one call or in the poll loop. Every transient failure is retried.
 */
export type RetryPolicy = 'send' | 'idempotent';

/** Longest backoff between attempts, ms. */
const MAX_BACKOFF = 30_000;

/**
 * A wait up to 10 % shorter than planned, in whole ms, so clients that failed together drift apart;
 * never longer than planned (longer costs detection latency, shorter on average costs requests).
 */
export const jitter = (ms: number): number => Math.round(ms * (0.9 + 0.1 * Math.random()));

/** The one backoff rule: `base` doubled per failure in a row (2 × base after the first), capped, jittered. */
const backoff = (base: number, failures: number) => jitter(Math.min(base * 2 ** failures, MAX_BACKOFF));

/** 5xx and 408 whatever their body, network errors and request timeouts. */
export const isTransient = (error: unknown): boolean =>
  error instanceof NetworkError || error instanceof RequestTimeoutError || (error instanceof HttpError && (error.status >= 500 || error.status === 408));

/**
 * How long to wait before another attempt after `error`, or `undefined` when it must surface.
 *
 * @param failures - Failed attempts in a row, this one included (1 after the first).
 * @param base - Backoff base, ms.
 * @param maxRetryAfter - Longest server-asked wait (ms) worth waiting; a longer one surfaces as the `RateLimitError`.
 */
export function retryDelay(error: unknown, failures: number, policy: RetryPolicy, base: number, maxRetryAfter: number): number | undefined {
  if (error instanceof RateLimitError) {
    const asked = error.retryAfter * 1000;
    return asked > maxRetryAfter ? undefined : Math.max(asked, backoff(base, failures));
  }
  const retryable = policy === 'idempotent' ? isTransient(error) : error instanceof HttpError && error.status === 503;
  return retryable ? backoff(base, failures) : undefined;
}

/** Turns an HTTP answer into its validated body, or throws the one error class its status calls for. */
export function fromAnswer<T>(path: string, status: number, headers: Headers, text: string, schema: BodySchema<T>): T {
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    const parsed = json.ok ? schema.safeParse(json.value) : undefined;
    if (parsed?.success) return parsed.data;
    throw new ResponseValidationError(path, status, parsed ? toIssues(parsed.error) : json.issues!);
  }
  const parsed = json.ok ? errorBodySchema.safeParse(json.value) : undefined;
  const body = parsed?.data;
  const details = { status, errorCode: body?.errorCode ?? '', errorDescription: body?.errorDescription ?? '', errorMessage: body?.errorMessage };
  if (status === 429) throw new RateLimitError(path, details, parseRetryAfter(headers.get('retry-after')));
  if (body) throw new DescopeError(path, details);
  throw new ResponseValidationError(path, status, parsed ? toIssues(parsed.error!) : json.issues!);
}

/** Turns what a request threw (ky already unwrapped) into our error; the runtime's code goes into the message. */
export function fromThrown(path: string, host: string, error: unknown, timedOut: number | undefined): RequestTimeoutError | NetworkError {
  if (timedOut) return new RequestTimeoutError(path, timedOut);
  // undici: TypeError('fetch failed') whose cause has the code; Bun and Deno put it on the error itself.
  const { code } = ((error as { cause?: { code?: unknown } })?.cause ?? error ?? {}) as { code?: unknown };
  return new NetworkError(path, host, typeof code == 'string' && /^[A-Z][A-Z\d_]+$/.test(code) ? code : undefined, error);
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
function toIssues(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): ValidationIssue[] {
  return error.issues.map(({ path, message }) => ({ path: path.map((key) => (typeof key === 'number' ? key : String(key))), message }));
}
