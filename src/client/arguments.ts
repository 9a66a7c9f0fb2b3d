import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

// Argument checks run before any request; each names the argument it rejects.

export function assertNonEmptyString(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a string, got ${describe(value)}`);
  if (value.trim() === '') throw new InvalidArgumentError(argument, 'must not be empty or blank');
}

export function assertOptionalNonEmptyString(value: unknown, argument: string): asserts value is string | undefined {
  if (value !== undefined) assertNonEmptyString(value, argument);
}

// Deliberately simple (as Descope's SDK): one `@`, no spaces, a dot in the domain. The server has the final word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function assertEmail(value: unknown, argument: string): asserts value is string {
  assertNonEmptyString(value, argument);
  if (!EMAIL.test(value)) throw new InvalidArgumentError(argument, 'expected an email address');
}

export function assertHttpUrl(value: unknown, argument: string): asserts value is string {
  assertNonEmptyString(value, argument);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvalidArgumentError(argument, 'expected an absolute http(s) URL');
  }
}

// Header values: no CR, LF or NUL (header injection), only Latin-1 (what `Headers` takes). Header names: RFC 9110 tokens.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;

/** A value that goes into a header; the message never quotes it. */
export function assertHeaderValue(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a string, got ${describe(value)}`);
  if (!HEADER_VALUE.test(value)) throw new InvalidArgumentError(argument, 'must not contain line breaks, NUL or characters outside Latin-1');
}

/** A refresh JWT, sent as `Bearer <projectId>:<refreshJwt>`: printable ASCII, no spaces or line breaks. */
export function assertRefreshJwt(value: unknown, argument: string): asserts value is string {
  assertNonEmptyString(value, argument);
  if (!/^[\x21-\x7e]+$/.test(value)) throw new InvalidArgumentError(argument, 'must be printable ASCII, without spaces or line breaks');
}

export function assertHeaders(value: unknown, argument: string): asserts value is Record<string, string> {
  assertOptionalObject(value, argument);
  for (const [name, header] of Object.entries(value as object)) {
    if (!HEADER_NAME.test(name)) throw new InvalidArgumentError(argument, 'invalid header name');
    assertHeaderValue(header, argument);
  }
}

/** Letters and digits only: it goes into the default host name and into every header. */
export function assertProjectId(value: unknown, argument: string): asserts value is string {
  assertNonEmptyString(value, argument);
  if (!/^[a-z0-9]+$/i.test(value)) throw new InvalidArgumentError(argument, 'must contain only letters and digits');
}

const LOOPBACK = /^(localhost|\[::1\]|127(\.\d+){3})$/;

/**
 * The API base URL, which receives project ID and refresh JWTs: absolute, no query, fragment, user info or
 * whitespace; `https:`, or `http:` on a loopback host only, so no credential travels in the clear.
 */
export function assertBaseUrl(value: unknown, argument: string): asserts value is string {
  assertHttpUrl(value, argument);
  const url = new URL(value);
  if (/[\s?#]/.test(value) || url.username || url.password) throw new InvalidArgumentError(argument, 'must not contain whitespace, a query, a fragment or user info');
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new InvalidArgumentError(argument, 'must use https: (http: only for localhost, 127.0.0.0/8 and [::1])');
  }
}

export function assertPositiveNumber(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, `expected a positive number, got ${describe(value)}`);
  }
}

// Timers take at most 2^31 - 1 ms (about 24.8 days); a longer delay fires at once, with a warning.
const MAX_DELAY = 2_147_483_647;

export function assertDelay(value: unknown, argument: string): asserts value is number {
  assertPositiveNumber(value, argument);
  if (value > MAX_DELAY) throw new InvalidArgumentError(argument, `must be at most ${MAX_DELAY} ms`);
}

// Duck-typed, so a signal from another realm (an iframe, a test DOM) passes.
export function assertOptionalSignal(value: unknown, argument: string): void {
  const signal = value as Partial<AbortSignal> | null | undefined;
  if (value !== undefined && (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    throw new InvalidArgumentError(argument, `expected an AbortSignal, got ${describe(value)}`);
  }
}

export function assertOptionalObject(value: unknown, argument: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InvalidArgumentError(argument, `expected an object, got ${describe(value)}`);
  }
}

// Names the type, never the value: a misplaced argument may be a token.
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  return typeof value;
}
