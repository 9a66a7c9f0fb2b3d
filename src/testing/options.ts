// The emulator's options table, run by the checker every entry uses (options/check-options.ts): a
// malformed option throws InvalidArgumentError naming it when the emulator is created, as in the client.
import {
  arrayOf,
  assertBoolean,
  assertDelay,
  assertFunction,
  assertHttpUrl,
  assertNonEmptyString,
  assertPositiveNumber,
  assertProjectId,
  atLeast,
  fail,
} from '../options/arguments.js';
import { checkOptions, type Spec } from '../options/check-options.js';
import type { EmulatorOptions } from './types.js';

const RATE_LIMIT: Spec = { requests: atLeast(1, true), windowMs: assertDelay, blockMs: assertDelay, clientKey: assertFunction };

const EMULATOR: Spec = {
  projectId: assertProjectId,
  baseUrl: assertHttpUrl,
  redirectUrl: assertHttpUrl,
  approvedDomains: arrayOf((domain, argument) => {
    if (typeof domain !== 'string' || !/^[a-z\d.-]+$/i.test(domain)) fail(argument, 'expected a host name');
  }),
  linkTtlMs: assertDelay,
  sessionTtlSeconds: assertPositiveNumber,
  users: arrayOf((user, argument) => assertNonEmptyString((user as { loginId?: unknown } | null)?.loginId, `${argument}.loginId`)),
  now: assertFunction,
  onEmail: assertFunction,
  rotateRefreshJwt: assertBoolean,
  rateLimit: (value, argument) => {
    if (value !== false) checkOptions(value as object, RATE_LIMIT, argument);
  },
};

/** `options`, checked. */
export const checkEmulatorOptions = (options: EmulatorOptions | undefined): EmulatorOptions => checkOptions(options, EMULATOR);
