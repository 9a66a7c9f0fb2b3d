import { DescopeError } from '../errors/descope-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { pollSession, type PollSettings } from '../poll/poll-session.js';
import { announceVerified } from '../poll/wake-ups.js';
import { ERROR_CODES } from '../protocol/codes.js';
import { PATHS, type EndpointPath } from '../protocol/paths.js';
import { emptyResponseSchema, linkResponseSchema, sessionSchema, userSchema } from '../protocol/schemas.js';
import { createTransport, type BodySchema, type Transport } from '../transport/create-transport.js';
import type { RetryPolicy } from '../transport/retry-policy.js';
import type {
  CallOptions,
  ClientOptions,
  SendOptions,
  SignInOptions,
  SignInOrUpOptions,
  SignUpOptions,
  UpdateUserEmailOptions,
  VerifyTokenOptions,
} from '../types/client-options.js';
import type { PollOptions } from '../types/poll-options.js';
import type { LinkSent, Session, User } from '../types/session.js';
import {
  assertDelay,
  assertEmail,
  assertHttpUrl,
  assertNonEmptyString,
  assertOptionalNonEmptyString,
  assertOptionalObject,
  assertOptionalSignal,
  assertPositiveNumber,
} from './arguments.js';
import { baseUrlForProject } from './base-url.js';

/** Default per-request limit, ms. */
const DEFAULT_TIMEOUT = 10_000;
const POLL_DEFAULTS = { timeout: 300_000, interval: 1_000, maxInterval: 2_500, backoffFactor: 1.5, maxFailures: 6 };

/**
 * The enchanted-link client: send the email, verify the clicked link, get the session.
 *
 * Every method returns a promise and never throws synchronously. Failures reject with an
 * {@link EnchantedLinkError} subclass; an aborted call rejects with its `signal.reason` unchanged.
 * Send calls are never retried after an answer that may have sent the email (a retry would email a
 * second set of links with a different `linkId`); only 429 and 503 answers, which show the request was
 * not processed, are retried, and only when `Retry-After` is at most 5 s.
 *
 * @category Client
 * @example
 * ```ts
 * import { EnchantedLinkClient } from 'enchanted-link';
 *
 * const client = new EnchantedLinkClient({ projectId: 'P2abc…', redirectUrl: 'https://app.example.com/verify' });
 * const { linkId, pendingRef, maskedEmail } = await client.signInOrUp('ada@example.com');
 * showMessage(`We emailed ${maskedEmail}. Click the link numbered ${linkId}.`);
 * const session = await client.pollSession(pendingRef, { signal: AbortSignal.timeout(120_000) });
 * ```
 */
export class EnchantedLinkClient {
  readonly #projectId: string;
  readonly #redirectUrl: string | undefined;
  readonly #request: Transport;

  /**
   * @param options - Project ID and connection settings; see {@link ClientOptions}.
   * @throws {@link InvalidArgumentError} when an option is missing or malformed (the only synchronous throw).
   */
  constructor(options: ClientOptions) {
    assertOptionalObject(options, 'options');
    if (options === undefined) throw new InvalidArgumentError('projectId', 'required');
    const { projectId, baseUrl, redirectUrl, timeout = DEFAULT_TIMEOUT, fetch, headers } = options;
    assertNonEmptyString(projectId, 'projectId');
    if (/[\s:]/.test(projectId)) throw new InvalidArgumentError('projectId', 'must not contain spaces or colons');
    assertDelay(timeout, 'timeout');
    if (fetch !== undefined && typeof fetch !== 'function') throw new InvalidArgumentError('fetch', 'expected a function');
    assertOptionalObject(headers, 'headers');
    try {
      new Headers(headers);
    } catch {
      throw new InvalidArgumentError('headers', 'invalid header name or value');
    }
    if (redirectUrl !== undefined) assertHttpUrl(redirectUrl, 'redirectUrl');
    if (baseUrl !== undefined) assertHttpUrl(baseUrl, 'baseUrl');
    this.#projectId = projectId;
    this.#redirectUrl = redirectUrl;
    this.#request = createTransport({
      projectId,
      baseUrl: baseUrl ?? baseUrlForProject(projectId),
      timeout,
      fetch,
      headers,
    });
  }

  /**
   * Emails the user 3 numbered links, signing them up first if the login ID is new.
   *
   * @param loginId - The user's login ID, normally their email address.
   * @param options - Redirect URL, login options and `signal`.
   * @returns The `linkId` to show and the `pendingRef` to poll with.
   * @throws {@link InvalidArgumentError} for a blank `loginId` or a malformed option, before any request.
   * @throws {@link DescopeError} / {@link RateLimitError} when Descope refuses; {@link ResponseValidationError},
   *   {@link NetworkError}, {@link RequestTimeoutError} for a bad answer or none.
   * @example
   * ```ts
   * const { linkId, pendingRef } = await client.signInOrUp('ada@example.com', { loginOptions: { templateId: 'welcome' } });
   * ```
   */
  async signInOrUp(loginId: string, options: SignInOrUpOptions = {}): Promise<LinkSent> {
    assertNonEmptyString(loginId, 'loginId');
    assertOptionalObject(options, 'options');
    return this.#send(PATHS.signInOrUp, { loginId, loginOptions: options.loginOptions }, options);
  }

  /**
   * Emails an existing user 3 numbered links. With `loginOptions.stepup` or `.mfa`, the signed-in user's
   * `refreshJwt` is required and sent as `Bearer <projectId>:<refreshJwt>`.
   *
   * @param loginId - The existing user's login ID.
   * @param options - Redirect URL, login options, `refreshJwt` and `signal`.
   * @returns The `linkId` to show and the `pendingRef` to poll with.
   * @throws {@link InvalidArgumentError} for a blank `loginId`, a malformed option, or step-up/MFA without `refreshJwt`.
   * @throws {@link DescopeError} (e.g. user not found), {@link RateLimitError}, {@link ResponseValidationError},
   *   {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const { linkId, pendingRef } = await client.signIn('ada@example.com');
   * ```
   */
  async signIn(loginId: string, options: SignInOptions = {}): Promise<LinkSent> {
    assertNonEmptyString(loginId, 'loginId');
    assertOptionalObject(options, 'options');
    const { loginOptions, refreshJwt } = options;
    assertOptionalNonEmptyString(refreshJwt, 'refreshJwt');
    if ((loginOptions?.stepup || loginOptions?.mfa) && !refreshJwt) {
      throw new InvalidArgumentError('refreshJwt', 'required with loginOptions.stepup or loginOptions.mfa');
    }
    return this.#send(PATHS.signIn, { loginId, loginOptions }, options, refreshJwt);
  }

  /**
   * Creates a user and emails them 3 numbered links. Fails if the login ID already exists.
   *
   * @param loginId - The new user's login ID.
   * @param options - The user's profile, redirect URL, login options and `signal`.
   * @returns The `linkId` to show and the `pendingRef` to poll with.
   * @throws {@link InvalidArgumentError} for a blank `loginId` or a malformed option.
   * @throws {@link DescopeError} (e.g. `E062107`, user already exists), {@link RateLimitError},
   *   {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * await client.signUp('ada@example.com', { user: { name: 'Ada Lovelace' } });
   * ```
   */
  async signUp(loginId: string, options: SignUpOptions = {}): Promise<LinkSent> {
    assertNonEmptyString(loginId, 'loginId');
    assertOptionalObject(options, 'options');
    assertOptionalObject(options.user, 'user');
    return this.#send(PATHS.signUp, { loginId, user: options.user, loginOptions: options.loginOptions }, options);
  }

  /**
   * Emails 3 numbered links to a signed-in user's new address; once the right one is verified, the
   * address is replaced and {@link pollSession} returns a fresh session.
   *
   * @param loginId - The user's current login ID.
   * @param email - The new email address.
   * @param options - `refreshJwt` (required), merge options, template options, redirect URL and `signal`.
   * @returns The `linkId` to show and the `pendingRef` to poll with.
   * @throws {@link InvalidArgumentError} for a blank `loginId`, an `email` that is not an address, or a missing `refreshJwt`.
   * @throws {@link DescopeError}, {@link RateLimitError}, {@link ResponseValidationError}, {@link NetworkError},
   *   {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const { pendingRef } = await client.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt, addToLoginIds: true });
   * ```
   */
  async updateUserEmail(loginId: string, email: string, options: UpdateUserEmailOptions): Promise<LinkSent> {
    assertNonEmptyString(loginId, 'loginId');
    assertEmail(email, 'email');
    assertOptionalObject(options, 'options');
    const { refreshJwt, addToLoginIds, onMergeUseExisting, templateId, templateOptions, locale } = options ?? {};
    assertOptionalObject(templateOptions, 'templateOptions');
    assertNonEmptyString(refreshJwt, 'refreshJwt');
    return this.#send(
      PATHS.updateEmail,
      { loginId, email, addToLoginIDs: addToLoginIds, onMergeUseExisting, templateId, templateOptions, locale },
      options,
      refreshJwt,
    );
  }

  /**
   * Verifies the token of the link the user clicked (call it on the page behind `redirectUrl`). The
   * session goes to the device that polls, not to this one. Transient failures are retried. In a page, a
   * success also tells the tabs of this origin waiting in {@link pollSession} to poll at once.
   *
   * Call it only after the person confirmed on the page (a click): mail scanners open links and run their
   * scripts, and a verify on page load hands the session to whoever started the sign-in. {@link verifyFromUrl}
   * does this for you; see the Security guide.
   *
   * @param token - The `t` query parameter of the clicked link; see {@link readTokenFromUrl}.
   * @param options - `pkceVerifier` (experimental) and `signal`.
   * @throws {@link InvalidArgumentError} for a blank `token`.
   * @throws {@link DescopeError} for an invalid, expired, used or wrong-number token (codes unconfirmed),
   *   {@link RateLimitError}, {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const token = readTokenFromUrl();
   * if (token) await client.verifyToken(token);
   * ```
   */
  async verifyToken(token: string, options: VerifyTokenOptions = {}): Promise<void> {
    assertNonEmptyString(token, 'token');
    assertOptionalObject(options, 'options');
    assertOptionalNonEmptyString(options.pkceVerifier, 'pkceVerifier');
    assertOptionalSignal(options.signal, 'signal');
    await this.#request(PATHS.verify, { token, pkceVerifier: options.pkceVerifier }, emptyResponseSchema, {
      signal: options.signal,
      retry: 'idempotent',
    });
    announceVerified(this, this.#projectId);
  }

  /**
   * Checks once whether the session is ready. Transient failures are retried within the call.
   *
   * @param pendingRef - From the send call.
   * @param options - `signal`.
   * @returns The session, or `undefined` while the right link was not clicked yet.
   * @throws {@link InvalidArgumentError} for a blank `pendingRef`.
   * @throws {@link DescopeError} for an expired or unknown `pendingRef` (codes unconfirmed), {@link RateLimitError},
   *   {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const session = await client.getSession(pendingRef);
   * if (!session) console.log('not clicked yet');
   * ```
   */
  async getSession(pendingRef: string, options: CallOptions = {}): Promise<Session | undefined> {
    assertNonEmptyString(pendingRef, 'pendingRef');
    assertOptionalObject(options, 'options');
    assertOptionalSignal(options.signal, 'signal');
    return this.#checkSession(pendingRef, options.signal, 'idempotent');
  }

  /**
   * Waits until the user clicks the right link and returns the session.
   *
   * One request is in flight at a time. Pending answers wait `interval`, growing by `backoffFactor` up to
   * `maxInterval`; a 429 waits at least `Retry-After`; 5xx, network errors and request timeouts back
   * off exponentially and give up after `maxFailures` in a row; any other error ends polling at once.
   *
   * @param pendingRef - From the send call.
   * @param options - Deadline, intervals, progress callback and `signal`; see {@link PollOptions}.
   * @returns The session JWTs and user.
   * @throws {@link InvalidArgumentError} for a blank `pendingRef` or a malformed option.
   * @throws {@link PollTimeoutError} when `timeout` passes; {@link DescopeError} for a terminal answer (e.g. an
   *   expired link); {@link RateLimitError} when `Retry-After` reaches past the deadline; the last
   *   {@link NetworkError}, {@link RequestTimeoutError} or 5xx error after `maxFailures`; {@link ResponseValidationError}.
   * @example
   * ```ts
   * const controller = new AbortController();
   * cancelButton.onclick = () => controller.abort();
   * const session = await client.pollSession(pendingRef, {
   *   signal: controller.signal,
   *   onPoll: ({ attempt, elapsedMs }) => render(`Waiting for your click… (${attempt}, ${Math.round(elapsedMs / 1000)} s)`),
   * });
   * ```
   */
  async pollSession(pendingRef: string, options: PollOptions = {}): Promise<Session> {
    assertNonEmptyString(pendingRef, 'pendingRef');
    const settings = normalizePollOptions(options);
    return pollSession((signal) => this.#checkSession(pendingRef, signal, 'none'), settings, this.#projectId);
  }

  /**
   * Gets a new session JWT for a signed-in user (`POST /v1/auth/refresh`). Call it before
   * `sessionExpiration`, or when a backend answers 401 because the session JWT expired.
   *
   * The answer has `refreshJwt` only when the project rotates refresh tokens: when it is there, store it
   * and drop the old one; when it is not, keep using the one you have. Retried only on 429/503 answers
   * (never after an attempt that may have reached Descope, which could have rotated the refresh JWT).
   *
   * @param refreshJwt - The refresh JWT from {@link pollSession} (or the last refresh that returned one).
   * @param options - `signal`.
   * @returns The new session: `sessionJwt`, `sessionExpiration`, and `refreshJwt` when rotated.
   * @throws {@link InvalidArgumentError} for a blank `refreshJwt`, before any request.
   * @throws {@link DescopeError} with status 401 when the refresh JWT is expired, revoked (signed out) or not
   *   this project's: the user must sign in again. {@link RateLimitError}, {@link ResponseValidationError},
   *   {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const { sessionJwt, sessionExpiration, refreshJwt: rotated } = await client.refreshSession(refreshJwt);
   * const nextRefreshJwt = rotated ?? refreshJwt; // present only when Descope rotated it
   * ```
   */
  refreshSession(refreshJwt: string, options?: CallOptions): Promise<Session> {
    return this.#withRefreshJwt(PATHS.refresh, refreshJwt, options, sessionSchema) as Promise<Session>;
  }

  /**
   * Signs the user out of this session (`POST /v1/auth/logout`): Descope revokes `refreshJwt`, so it can no
   * longer refresh. Session JWTs already issued stay valid until they expire (minutes), so drop them too.
   * Clear your own copies of both JWTs whatever this call's outcome. Retried only on 429/503 answers: a
   * retry after a lost answer would fail on the token the first attempt revoked.
   *
   * @param refreshJwt - The refresh JWT of the session to end.
   * @param options - `signal`.
   * @throws {@link InvalidArgumentError} for a blank `refreshJwt`, before any request.
   * @throws {@link DescopeError} (401 when the refresh JWT is already expired or revoked), {@link RateLimitError},
   *   {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * await client.signOut(refreshJwt);
   * ```
   */
  async signOut(refreshJwt: string, options?: CallOptions): Promise<void> {
    await this.#withRefreshJwt(PATHS.logout, refreshJwt, options);
  }

  /**
   * Signs the user out of every session, on every device (`POST /v1/auth/logoutall`): Descope revokes every
   * refresh JWT of the user. Retried like {@link signOut}.
   *
   * @param refreshJwt - A live refresh JWT of the user.
   * @param options - `signal`.
   * @throws {@link InvalidArgumentError} for a blank `refreshJwt`, before any request.
   * @throws {@link DescopeError} (401 when the refresh JWT is already expired or revoked), {@link RateLimitError},
   *   {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * await client.signOutAll(refreshJwt);
   * ```
   */
  async signOutAll(refreshJwt: string, options?: CallOptions): Promise<void> {
    await this.#withRefreshJwt(PATHS.logoutAll, refreshJwt, options);
  }

  /**
   * The signed-in user's profile (`GET /v1/auth/me`), fresher than the `user` of the session. Read-only, so
   * transient failures are retried.
   *
   * @param refreshJwt - A live refresh JWT of the user.
   * @param options - `signal`.
   * @returns The user, as Descope returns it.
   * @throws {@link InvalidArgumentError} for a blank `refreshJwt`, before any request.
   * @throws {@link DescopeError} (401 when the refresh JWT is expired or revoked), {@link RateLimitError},
   *   {@link ResponseValidationError}, {@link NetworkError}, {@link RequestTimeoutError}.
   * @example
   * ```ts
   * const { email, name } = await client.me(refreshJwt);
   * ```
   */
  me(refreshJwt: string, options?: CallOptions): Promise<User> {
    return this.#withRefreshJwt(PATHS.me, refreshJwt, options, userSchema) as Promise<User>;
  }

  /** The four session calls: authenticated by `refreshJwt`; `me` is the one GET (no body), and idempotent. */
  async #withRefreshJwt(path: EndpointPath, refreshJwt: string, options: CallOptions = {}, schema: BodySchema<object> = emptyResponseSchema) {
    assertNonEmptyString(refreshJwt, 'refreshJwt');
    assertOptionalObject(options, 'options');
    assertOptionalSignal(options.signal, 'signal');
    const get = path === PATHS.me;
    return this.#request(path, get ? undefined : {}, schema, { signal: options.signal, refreshJwt, retry: get ? 'idempotent' : 'send' });
  }

  async #checkSession(pendingRef: string, signal: AbortSignal | undefined, retry: RetryPolicy) {
    try {
      return (await this.#request(PATHS.pendingSession, { pendingRef }, sessionSchema, { signal, retry })) as Session;
    } catch (error) {
      if (error instanceof DescopeError && error.status === 401 && error.errorCode === ERROR_CODES.pending) return undefined;
      throw error;
    }
  }

  async #send(path: EndpointPath, body: Record<string, unknown>, options: SendOptions, refreshJwt?: string) {
    const { redirectUrl = this.#redirectUrl, providerId, signal } = options;
    assertOptionalObject(body.loginOptions, 'loginOptions');
    assertOptionalNonEmptyString(providerId, 'providerId');
    assertOptionalSignal(signal, 'signal');
    if (redirectUrl !== undefined) assertHttpUrl(redirectUrl, 'redirectUrl');
    // JSON.stringify drops `undefined` fields, so absent options never reach the wire.
    const result = await this.#request(path, { ...body, redirectUrl, providerId }, linkResponseSchema, {
      signal,
      refreshJwt,
      retry: 'send',
    });
    return result as LinkSent;
  }
}

function normalizePollOptions(options: PollOptions): PollSettings {
  assertOptionalObject(options, 'options');
  const { signal, onPoll } = options;
  const settings = { ...POLL_DEFAULTS, ...stripUndefined(options), signal, onPoll };
  for (const name of ['timeout', 'interval', 'maxInterval'] as const) assertDelay(settings[name], name);
  assertPositiveNumber(settings.backoffFactor, 'backoffFactor');
  assertPositiveNumber(settings.maxFailures, 'maxFailures');
  assertOptionalSignal(signal, 'signal');
  if (options.maxInterval === undefined) settings.maxInterval = Math.max(settings.maxInterval, settings.interval);
  if (settings.maxInterval < settings.interval) throw new InvalidArgumentError('maxInterval', 'must not be less than interval');
  if (settings.backoffFactor < 1) throw new InvalidArgumentError('backoffFactor', 'must be at least 1');
  if (!Number.isInteger(settings.maxFailures)) throw new InvalidArgumentError('maxFailures', 'expected a whole number');
  if (onPoll !== undefined && typeof onPoll !== 'function') throw new InvalidArgumentError('onPoll', 'expected a function');
  return settings;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
