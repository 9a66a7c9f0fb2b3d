// Options are normalised once per options type, as ky's `normalize` does: one table per type says how each
// option is checked, and `checkOptions` runs it. An option given as `undefined` counts as absent, so callers
// with `exactOptionalPropertyTypes` may pass any optional option as `undefined`.
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { PollSettings } from '../poll/poll-session.js';
import type { TransportConfig } from '../transport/create-transport.js';
import type { ClientOptions } from '../types/client-options.js';
import type { PollOptions } from '../types/poll-options.js';
import {
  assertBaseUrl,
  assertDelay,
  assertHeaders,
  assertHttpUrl,
  assertNonEmptyString,
  assertOptionalObject,
  assertOptionalSignal,
  assertPositiveNumber,
  assertProjectId,
  assertRefreshJwt,
} from './arguments.js';
import { baseUrlForProject } from './base-url.js';

type Check = (value: unknown, argument: string) => void;
type Spec = Record<string, Check>;

const object: Check = assertOptionalObject;
const isFunction: Check = (value, argument) => {
  if (typeof value !== 'function') throw new InvalidArgumentError(argument, 'expected a function');
};

export const CALL: Spec = { signal: assertOptionalSignal };
export const SEND: Spec = { ...CALL, redirectUrl: assertHttpUrl, providerId: assertNonEmptyString, loginOptions: object };
export const SIGN_IN: Spec = { ...SEND, refreshJwt: assertRefreshJwt };
export const SIGN_UP: Spec = { ...SEND, user: object };
export const UPDATE_EMAIL: Spec = { ...SIGN_IN, templateOptions: object };
export const VERIFY: Spec = { ...CALL, pkceVerifier: assertNonEmptyString };

/** Checks `options` against `spec`, before any request; returns it, or `{}` for none. */
export function checkOptions<T extends object>(options: T | undefined, spec: Spec): Partial<T> {
  assertOptionalObject(options, 'options');
  for (const name in spec) {
    const value = (options as Record<string, unknown> | undefined)?.[name];
    if (value !== undefined) spec[name]!(value, name);
  }
  return options ?? {};
}

/** Default per-request limit, ms. */
const DEFAULT_TIMEOUT = 10_000;

/** The client's options, checked and with defaults: what the transport is built from, plus `redirectUrl`. */
export function clientSettings(options: ClientOptions): TransportConfig & { redirectUrl: string | undefined } {
  if (options === undefined) throw new InvalidArgumentError('projectId', 'required');
  const { projectId, baseUrl, redirectUrl, timeout = DEFAULT_TIMEOUT, fetch, headers } = checkOptions(options, {
    baseUrl: assertBaseUrl,
    redirectUrl: assertHttpUrl,
    timeout: assertDelay,
    fetch: isFunction,
    headers: assertHeaders,
  });
  assertProjectId(projectId, 'projectId');
  return { projectId, baseUrl: baseUrl ?? baseUrlForProject(projectId), redirectUrl, timeout, fetch, headers };
}

/**
 * `pollSession`'s defaults; why these, in BENCHMARKS.md. A `maxInterval` below the default `interval`
 * lowers `interval` to it, so `{ maxInterval: 300 }` polls every 300 ms.
 */
const POLL_DEFAULTS = { timeout: 300_000, interval: 1_000, maxInterval: 2_500, backoffFactor: 1.5, maxFailures: 6 };

export function pollSettings(options: PollOptions | undefined): PollSettings {
  const given = checkOptions(options, {
    ...CALL,
    timeout: assertDelay,
    interval: assertDelay,
    maxInterval: assertDelay,
    backoffFactor: assertPositiveNumber,
    maxFailures: assertPositiveNumber,
    onPoll: isFunction,
  });
  const { timeout = POLL_DEFAULTS.timeout, backoffFactor = POLL_DEFAULTS.backoffFactor, maxFailures = POLL_DEFAULTS.maxFailures } = given;
  const interval = given.interval ?? Math.min(POLL_DEFAULTS.interval, given.maxInterval ?? Infinity);
  const maxInterval = given.maxInterval ?? Math.max(POLL_DEFAULTS.maxInterval, interval);
  if (maxInterval < interval) throw new InvalidArgumentError('maxInterval', 'must not be less than interval');
  if (backoffFactor < 1) throw new InvalidArgumentError('backoffFactor', 'must be at least 1');
  if (!Number.isInteger(maxFailures)) throw new InvalidArgumentError('maxFailures', 'expected a whole number');
  return { signal: given.signal, timeout, interval, maxInterval, backoffFactor, maxFailures, onPoll: given.onPoll };
}
