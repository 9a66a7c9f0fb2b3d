// The client's options tables (see options/check-options.ts for how a table is run) and its settings.
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
} from '../options/arguments.js';
import { checkOptions, renamed, type Spec } from '../options/check-options.js';
import { baseUrlForProject } from './base-url.js';

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
  requestBudget: (value, name) => {
    if (typeof (value as { take?: unknown } | null)?.take !== 'function') fail(name, 'expected a RequestBudget');
  },
};
export const POLL: Spec = {
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
