// Options are normalised once per options type, as ky's `normalize` does: one table per type says how each
// option is checked, and `checkOptions` runs it. An option given as `undefined` counts as absent, so callers
// with `exactOptionalPropertyTypes` may pass any optional option as `undefined`.
import type { PollSettings } from '../poll/poll-session.js';
import type { TransportConfig } from '../transport/attempt.js';
import type { ClientOptions } from '../types/client-options.js';
import type { PollOptions } from '../types/poll-options.js';
import {
  assertBaseUrl,
  assertDelay,
  assertFunction,
  assertHeaders,
  assertHttpUrl,
  assertNonEmptyString,
  assertOptionalObject,
  assertOptionalSignal,
  assertProjectId,
  assertRefreshJwt,
  atLeast,
  fail,
} from './arguments.js';
import { baseUrlForProject } from './base-url.js';

type Spec = Record<string, (value: unknown, argument: string) => void>;

/** An option renamed before 1.0: passing the old name is refused with the new one, never silently ignored. */
const renamed = (to: string) => (_value: unknown, name: string) => fail(name, `renamed to ${to}`);

export const CALL: Spec = { signal: assertOptionalSignal };
export const SEND: Spec = { ...CALL, redirectUrl: assertHttpUrl, providerId: assertNonEmptyString, loginOptions: assertOptionalObject };
export const SIGN_IN: Spec = { ...SEND, refreshJwt: assertRefreshJwt };
export const SIGN_UP: Spec = { ...SEND, user: assertOptionalObject };
export const UPDATE_EMAIL: Spec = { ...SIGN_IN, templateOptions: assertOptionalObject };
export const VERIFY: Spec = { ...CALL, pkceVerifier: assertNonEmptyString };
const CLIENT: Spec = {
  baseUrl: assertBaseUrl,
  redirectUrl: assertHttpUrl,
  timeoutMs: assertDelay,
  timeout: renamed('timeoutMs'),
  fetch: assertFunction,
  headers: assertHeaders,
  onEvent: assertFunction,
  // A RequestBudget, duck-typed: `instanceof` would pull its code into every bundle, used or not.
  requestBudget: (value, name) => void (typeof (value as { take?: unknown } | null)?.take === 'function' || fail(name, 'expected a RequestBudget')),
};
const POLL: Spec = {
  ...CALL,
  timeoutMs: assertDelay,
  intervalMs: assertDelay,
  maxIntervalMs: assertDelay,
  timeout: renamed('timeoutMs'),
  interval: renamed('intervalMs'),
  maxInterval: renamed('maxIntervalMs'),
  backoffFactor: atLeast(1),
  maxFailures: atLeast(1, true),
  onPoll: assertFunction,
};

/** Checks `options` against `spec`, before any request; returns it, or `{}` for none. */
export function checkOptions<T extends object>(options: T | undefined, spec: Spec): Partial<T> {
  assertOptionalObject(options, 'options');
  for (const name in spec) {
    const value = (options as Record<string, unknown> | undefined)?.[name];
    if (value !== undefined) spec[name]!(value, name);
  }
  return options ?? {};
}

/** The client's options, checked and with defaults: what the transport is built from, plus `redirectUrl`. */
export function clientSettings(options: ClientOptions): TransportConfig & { redirectUrl: string | undefined } {
  const { projectId, baseUrl, redirectUrl, timeoutMs = 10_000, fetch, headers, onEvent } = checkOptions(options, CLIENT);
  assertProjectId(projectId, 'projectId');
  return { projectId, baseUrl: baseUrl ?? baseUrlForProject(projectId), redirectUrl, timeout: timeoutMs, fetch, headers, onEvent };
}

/**
 * A fixed 2.5 s between polls. A click lands at a random point of a wait, so it is noticed after half a
 * wait on average (1.25 s, under the 1.5 s goal), and a wait of at least ~2.3 s is what keeps requests
 * under half of core-js-sdk's (1 s) even for clicks a few seconds after the send; 3 s would leave no
 * margin on detection. A faster start (the former 1 s × 1.5 up to 2.5 s) only helps clicks in the first
 * seconds, which come from this same browser, where the verify's BroadcastChannel wake-up answers at
 * once: it cost ~10 % more requests for no cross-device gain (bench/polling.mjs, guides/client.md).
 */
const POLL_INTERVAL = 2_500;

/**
 * `pollSession`'s options with their defaults (why these, above). A `maxIntervalMs` below the
 * default `intervalMs` lowers `intervalMs` to it, so `{ maxIntervalMs: 300 }` polls every 300 ms.
 */
export function pollSettings(options: PollOptions | undefined): PollSettings {
  const { signal, timeoutMs = 300_000, maxIntervalMs: max, intervalMs = Math.min(POLL_INTERVAL, max ?? POLL_INTERVAL), backoffFactor = 1.5, maxFailures = 6, onPoll } = checkOptions(options, POLL);
  const maxIntervalMs = max ?? Math.max(POLL_INTERVAL, intervalMs);
  if (maxIntervalMs < intervalMs) fail('maxIntervalMs', 'must not be less than intervalMs');
  return { signal, timeout: timeoutMs, interval: intervalMs, maxInterval: maxIntervalMs, backoffFactor, maxFailures, onPoll };
}
