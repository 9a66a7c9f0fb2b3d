import { ERROR_CODES } from '../protocol/codes.js';

/**
 * One entry of {@link EMULATOR_ERRORS}.
 *
 * @category Testing
 */
export interface EmulatorErrorInfo {
  /** HTTP status the emulator answers with. */
  readonly status: number;
  /** `errorCode` of the Descope error body. */
  readonly errorCode: string;
  /** `errorDescription` of the Descope error body. */
  readonly errorDescription: string;
  /**
   * `true` when the real server's answer is unconfirmed (marked [?] in the protocol notes): the status
   * and code are the emulator's own choice (mostly in the made-up range `E099xxx`), so do not expect them
   * from Descope. `false` when the code is named by Descope's docs or SDKs.
   */
  readonly assumed: boolean;
}

/**
 * Every error the emulator answers, by name, so tests can assert on them.
 * Bodies are `{ errorCode, errorDescription, errorMessage? }` with `content-type: application/json`;
 * `errorMessage` says which detail failed (e.g. which field).
 *
 * Documented by Descope (`assumed: false`): `invalidRequest` (E011003), `userAlreadyExists` (E062107),
 * `userNotFound` (E062108, status assumed 400), `refreshJwtRevoked` (E064001, status assumed 401),
 * `pending` (401 E062503), `rateLimited` (429 E130429).
 * Everything else is the emulator's assumption (`assumed: true`): the real answers to a wrong-number,
 * unknown, expired or reused token, to an unknown/expired/redeemed `pendingRef` and to bad authorization
 * are not documented.
 *
 * @example
 * ```ts
 * const res = await emu.click('ada@example.com', 'wrong');
 * expect(res.body).toMatchObject({ errorCode: EMULATOR_ERRORS.wrongLink.errorCode });
 * ```
 * @category Testing
 */
export const EMULATOR_ERRORS: Readonly<Record<EmulatorErrorName, EmulatorErrorInfo>> = {
  /** Malformed JSON, a body that is not an object, a missing/empty required field or a field of the wrong type. */
  invalidRequest: { status: 400, errorCode: ERROR_CODES.invalidRequest, errorDescription: 'Request is invalid', assumed: false },
  /** signUp of a login ID that exists, or update/email with `addToLoginIDs` to another user's login ID. */
  userAlreadyExists: { status: 400, errorCode: ERROR_CODES.userAlreadyExists, errorDescription: 'User already exists', assumed: false },
  /** signIn or update/email of an unknown login ID. */
  userNotFound: { status: 400, errorCode: 'E062108', errorDescription: 'User not found', assumed: false },
  /** pending-session before the right link was verified. */
  pending: { status: 401, errorCode: ERROR_CODES.pending, errorDescription: 'Enchanted link is pending', assumed: false },
  /** Over {@link EmulatorOptions.rateLimit} (with `Retry-After: <seconds>`), or the `rate-limit` fault. */
  rateLimited: { status: 429, errorCode: ERROR_CODES.rateLimited, errorDescription: 'Rate limit exceeded', assumed: false },
  /** Missing `Authorization`, not `Bearer`, or another project ID. */
  badAuthorization: { status: 401, errorCode: 'E099001', errorDescription: 'Unauthorized', assumed: true },
  /** update/email, or signIn with `stepup`/`mfa`, without a refresh JWT this emulator issued to that user and that is unexpired. */
  refreshJwtRequired: { status: 401, errorCode: 'E099002', errorDescription: 'A valid refresh JWT is required', assumed: true },
  /** refresh, logout, logoutall, me (or any call needing a refresh JWT) with one ended by logout, logoutall or rotation (code from Go's SDK; status 401 assumed). */
  refreshJwtRevoked: { status: 401, errorCode: 'E064001', errorDescription: 'Token expired by logout', assumed: false },
  /** verify with the token of a link whose number is not the `linkId`; the flow stays pending. */
  wrongLink: { status: 400, errorCode: 'E099003', errorDescription: 'Wrong link: its number does not match', assumed: true },
  /** verify with a token the emulator never issued. */
  invalidToken: { status: 400, errorCode: 'E099004', errorDescription: 'Invalid enchanted link token', assumed: true },
  /** verify after the link's lifetime (`linkTtlMs`). */
  linkExpired: { status: 400, errorCode: 'E099005', errorDescription: 'Enchanted link expired', assumed: true },
  /** verify with the right token a second time. */
  linkAlreadyUsed: { status: 400, errorCode: 'E099006', errorDescription: 'Enchanted link already used', assumed: true },
  /** pending-session for an unknown, expired or already redeemed `pendingRef` (terminal: never 401/E062503). */
  unknownPendingRef: { status: 400, errorCode: 'E099007', errorDescription: 'Unknown pending reference', assumed: true },
  /**
   * A send whose `redirectUrl`/`URI` is outside {@link EmulatorOptions.approvedDomains}. Descope documents
   * the refusal but not its answer: the status and code are a guess (its validation-failure code).
   */
  redirectUrlNotApproved: {
    status: 400,
    errorCode: ERROR_CODES.invalidRequest,
    errorDescription: 'Redirect URL is not in the approved domains',
    assumed: true,
  },
  /** A request to {@link Emulator.listen}'s server from a web origin it does not allow, or for a `Host` it does not serve. */
  originNotAllowed: { status: 403, errorCode: 'E099013', errorDescription: 'Origin not allowed', assumed: true },
  /** A path the emulator does not serve. */
  routeNotFound: { status: 404, errorCode: 'E099008', errorDescription: 'Not found', assumed: true },
  /** A known path with the wrong method (e.g. GET on an API path). */
  methodNotAllowed: { status: 405, errorCode: 'E099009', errorDescription: 'Method not allowed', assumed: true },
  /** A request body over 1 MB. */
  bodyTooLarge: { status: 413, errorCode: 'E099010', errorDescription: 'Request body too large', assumed: true },
  /** Default body of a `status` fault; the status is the fault's. */
  injectedFault: { status: 500, errorCode: 'E099011', errorDescription: 'Injected fault', assumed: true },
  /** A bug in the emulator; answered instead of crashing. */
  internalError: { status: 500, errorCode: 'E099012', errorDescription: 'Emulator internal error', assumed: true },
};

/**
 * A key of {@link EMULATOR_ERRORS}.
 *
 * @category Testing
 */
export type EmulatorErrorName =
  | 'invalidRequest'
  | 'userAlreadyExists'
  | 'userNotFound'
  | 'pending'
  | 'rateLimited'
  | 'badAuthorization'
  | 'refreshJwtRequired'
  | 'refreshJwtRevoked'
  | 'wrongLink'
  | 'invalidToken'
  | 'linkExpired'
  | 'linkAlreadyUsed'
  | 'unknownPendingRef'
  | 'redirectUrlNotApproved'
  | 'originNotAllowed'
  | 'routeNotFound'
  | 'methodNotAllowed'
  | 'bodyTooLarge'
  | 'injectedFault'
  | 'internalError';

/** Thrown inside the emulator to answer a Descope error; never escapes `handle()`. */
export class EmulatorFailure extends Error {
  constructor(
    readonly errorName: EmulatorErrorName,
    readonly detail?: string,
  ) {
    super(detail ?? errorName);
  }
}

/** Throws the named error, with `detail` as its `errorMessage`. */
export function fail(error: EmulatorErrorName, detail?: string): never {
  throw new EmulatorFailure(error, detail);
}

/** Descope error body of `name`. */
export function errorBody(name: EmulatorErrorName, detail?: string): Record<string, string> {
  const { errorCode, errorDescription } = EMULATOR_ERRORS[name];
  return detail === undefined ? { errorCode, errorDescription } : { errorCode, errorDescription, errorMessage: detail };
}
