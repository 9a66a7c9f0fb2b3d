/** `pending-session` before the right link was verified; always with HTTP 401. A constant of its own so
 * the client bundle carries only the code it reacts to. */
export const PENDING = 'E062503';

/** Descope error codes the SDK and its emulator use (spec §9). */
export const ERROR_CODES = {
  /** `pending-session` before the right link was verified; always with HTTP 401. */
  pending: PENDING,
  /** Rate limit exceeded; HTTP 429 with `Retry-After` in seconds. */
  rateLimited: 'E130429',
  /** The request body failed validation (also what Descope answers to malformed JSON). */
  invalidRequest: 'E011003',
  /** Sign-up of a login ID that already exists. */
  userAlreadyExists: 'E062107',
} as const;
