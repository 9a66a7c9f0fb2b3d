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
