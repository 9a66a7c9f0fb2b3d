import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

// Argument checks run before any request; each names the argument it rejects, never its value (a
// misplaced argument may be a token). Each is `(value, argument) => void`, so options tables can name them.

const fail = (argument: string, problem: string): never => {
  throw new InvalidArgumentError(argument, problem);
};

export function assertNonEmptyString(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string') fail(argument, 'expected a string');
  if (!(value as string).trim()) fail(argument, 'must not be blank');
}

/** `value` is a string that `pattern` matches in full. */
const matching = (pattern: RegExp, problem: string) => (value: unknown, argument: string) => {
  assertNonEmptyString(value, argument);
  if (!pattern.test(value)) fail(argument, problem);
};

// Deliberately simple (as Descope's SDK): one `@`, no spaces, a dot in the domain. The server has the final word.
export const assertEmail: (value: unknown, argument: string) => asserts value is string = matching(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address');

/** A refresh JWT, sent as `Bearer <projectId>:<refreshJwt>`: printable ASCII, so no CR, LF, NUL or space. */
export const assertRefreshJwt: (value: unknown, argument: string) => asserts value is string = matching(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces');

/** Letters and digits only: the project ID goes into the default host name and into every request's headers. */
export const assertProjectId: (value: unknown, argument: string) => asserts value is string = matching(/^[a-z\d]+$/i, 'expected letters and digits only');

export function assertHttpUrl(value: unknown, argument: string): asserts value is string {
  assertNonEmptyString(value, argument);
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // not a URL: reported below
  }
  if (!/^https?:$/.test(protocol)) fail(argument, 'expected an absolute http(s) URL');
}

/**
 * The API base URL, which receives the project ID and refresh JWTs: absolute, no query, fragment, user
 * info or whitespace; `https:`, or `http:` on a loopback host only (localhost, 127.0.0.0/8, [::1]), so no
 * credential travels in the clear.
 */
export function assertBaseUrl(value: unknown, argument: string): asserts value is string {
  assertHttpUrl(value, argument);
  const url = new URL(value);
  if (/[\s?#]/.test(value) || url.username || url.password) fail(argument, 'no whitespace, query, fragment or user info allowed');
  if (url.protocol === 'http:' && !/^(localhost|\[::1\]|127(\.\d+){3})$/.test(url.hostname)) fail(argument, 'expected https: (http: on loopback only)');
}

/**
 * Custom headers: RFC 9110 token names; string values with no CR, LF or NUL (header injection) and only
 * Latin-1 (what `Headers` takes, so it never throws later with the value in its message).
 */
export function assertHeaders(value: unknown, argument: string): asserts value is Record<string, string> {
  assertOptionalObject(value, argument);
  for (const [name, header] of Object.entries(value as object)) {
    if (!/^[!#$%&'*+.^_`|~\da-z-]+$/i.test(name) || typeof header !== 'string' || !/^[\t\x20-\x7e\x80-\xff]*$/.test(header)) {
      fail(argument, 'expected token names and Latin-1 values without line breaks or NUL');
    }
  }
}

export function assertPositiveNumber(value: unknown, argument: string): asserts value is number {
  if (!((value as number) > 0 && Number.isFinite(value))) fail(argument, 'expected a positive number');
}

// Timers take at most 2^31 - 1 ms (about 24.8 days); a longer delay fires at once, with a warning.
export const MAX_DELAY = 2_147_483_647;

export function assertDelay(value: unknown, argument: string): asserts value is number {
  assertPositiveNumber(value, argument);
  if (value > MAX_DELAY) fail(argument, `must be at most ${MAX_DELAY} ms`);
}

// Duck-typed, so a signal from another realm (an iframe, a test DOM) passes.
export function assertOptionalSignal(value: unknown, argument: string): void {
  const signal = value as Partial<AbortSignal> | null | undefined;
  if (value !== undefined && (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) fail(argument, 'expected an AbortSignal');
}

export function assertOptionalObject(value: unknown, argument: string): void {
  if (value !== undefined && (typeof value !== 'object' || !value || Array.isArray(value))) fail(argument, 'expected an object');
}

export function assertFunction(value: unknown, argument: string): void {
  if (typeof value !== 'function') fail(argument, 'expected a function');
}

export function assertBoolean(value: unknown, argument: string): void {
  if (typeof value !== 'boolean') fail(argument, 'expected true or false');
}

/** An array whose every item passes `item` (named `argument[i]`). */
export const arrayOf = (item: (value: unknown, argument: string) => void) => (value: unknown, argument: string) => {
  if (!Array.isArray(value)) fail(argument, 'expected an array');
  (value as unknown[]).forEach((each, i) => item(each, `${argument}[${i}]`));
};

/** An object with these methods, e.g. a client a store is given (checked when it is created, not on first use). */
export const withMethods = (...names: string[]) => (value: unknown, argument: string) => {
  const object = value as Record<string, unknown> | null;
  if (typeof object !== 'object' || !object || names.some((name) => typeof object[name] !== 'function')) {
    fail(argument, `expected an object with ${names.join(', ')}`);
  }
};

/** `assertPositiveNumber`, and at least `min` (and whole, with `whole`). */
export const atLeast = (min: number, whole?: boolean) => (value: unknown, argument: string) => {
  assertPositiveNumber(value, argument);
  if (value < min || (whole && !Number.isInteger(value))) fail(argument, `expected a ${whole ? 'whole ' : ''}number of at least ${min}`);
};

export { fail };
