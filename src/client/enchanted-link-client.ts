import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { pollSession } from '../poll/poll-session.js';
import { announceVerified } from '../poll/wake-ups.js';
import { PATHS, type EndpointPath } from '../protocol/paths.js';
import { emptyResponseSchema, linkResponseSchema, sessionSchema, userSchema } from '../protocol/schemas.js';
import { createExecutor, type Executor } from '../transport/executor.js';
import type { BodySchema } from '../transport/outcome.js';
import { classify, type RetryPolicy } from '../transport/policy.js';
import { RequestBudget } from '../transport/request-budget.js';
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
import type { EventListener } from '../types/events.js';
import type { PollOptions } from '../types/poll-options.js';
import type { LinkSent, Session, User } from '../types/session.js';
import { assertEmail, assertNonEmptyString, assertRefreshJwt } from '../options/arguments.js';
import { checkOptions } from '../options/check-options.js';
import { Bindings, newBinding, withBinding } from './binding.js';
import { CALL, clientSettings, pollSettings, SEND, SIGN_IN, SIGN_UP, UPDATE_EMAIL, VERIFY } from './options.js';

/**
 * The enchanted-link client: send the email, verify the clicked link, get the session.
 *
 * Every method returns a promise and never throws synchronously. Failures reject with an
 * {@link EnchantedLinkError} subclass; an aborted call rejects with its `signal.reason` unchanged.
 * Send calls and `verifyToken` are never retried after an attempt that may have reached the server (a
 * retried send emails a second set of links with a different `linkId`; a retried verify of a token the
 * server did use fails as "already used"): only 429 and 503 answers, which show the request was not
 * processed, are retried, at most twice, and a 429 only when its `Retry-After` is at most 5 s.
 * `getSession` also retries 5xx, 408, network errors and request timeouts.
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
  readonly #request: Executor;
  readonly #onEvent: EventListener | undefined;
  readonly #bindings = new Bindings();

  /**
   * @param options - Project ID and connection settings; see {@link ClientOptions}.
   * @throws {@link InvalidArgumentError} when an option is missing or malformed (the only synchronous throw).
   */
  constructor(options: ClientOptions) {
    const { redirectUrl, ...config } = clientSettings(options);
    this.#projectId = config.projectId;
    this.#redirectUrl = redirectUrl;
    this.#onEvent = config.onEvent;
    // Checked by clientSettings (duck-typed, so a budget from another copy of the package works too).
    // Every client has one: its requests share one reaction to a 429 even when nobody configured a budget.
    this.#request = createExecutor(config, (options.requestBudget as RequestBudget | undefined) ?? new RequestBudget());
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
    const given = checkOptions(options, SEND);
    return this.#send(PATHS.signInOrUp, { loginId, loginOptions: given.loginOptions }, given);
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
    const given = checkOptions(options, SIGN_IN);
    const { loginOptions, refreshJwt } = given;
    if ((loginOptions?.stepup || loginOptions?.mfa) && !refreshJwt) {
      throw new InvalidArgumentError('refreshJwt', 'required for stepup or mfa');
    }
    return this.#send(PATHS.signIn, { loginId, loginOptions }, given, refreshJwt);
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
    const given = checkOptions(options, SIGN_UP);
    return this.#send(PATHS.signUp, { loginId, user: given.user, loginOptions: given.loginOptions }, given);
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
    const given = checkOptions(options, UPDATE_EMAIL);
    const { refreshJwt, addToLoginIds, onMergeUseExisting, templateId, templateOptions, locale } = given;
    assertRefreshJwt(refreshJwt, 'refreshJwt');
    return this.#send(
      PATHS.updateEmail,
      { loginId, email, addToLoginIDs: addToLoginIds, onMergeUseExisting, templateId, templateOptions, locale },
      given,
      refreshJwt,
    );
  }

  /**
   * Verifies the token of the link the user clicked (call it on the page behind `redirectUrl`). The
   * session goes to the device that polls, not to this one. Retried like the send calls: only after a
   * 429 or 503, never after an attempt that may have reached the server (the token is single-use). In a
   * page, a success also tells the tabs of this origin waiting in {@link pollSession} to poll at once.
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
    const { pkceVerifier, signal } = checkOptions(options, VERIFY);
    // `send`: a verify that reached the server used the token, and a retry would fail as "already used".
    await this.#request({ path: PATHS.verify, body: { token, pkceVerifier }, schema: emptyResponseSchema, signal, retry: 'send' });
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
    return this.#checkSession(pendingRef, checkOptions(options, CALL).signal, 'idempotent');
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
    const settings = pollSettings(options);
    return pollSession(
      (signal, onWait, pollId) => this.#checkSession(pendingRef, signal, 'none', onWait, pollId),
      settings,
      this.#projectId,
      this.#request.clock,
      this.#bindings.get(pendingRef),
      this.#onEvent,
    );
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
    return this.#withRefreshJwt(PATHS.refresh, refreshJwt, options, sessionSchema);
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
    await this.#withRefreshJwt(PATHS.logout, refreshJwt, options, emptyResponseSchema);
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
    await this.#withRefreshJwt(PATHS.logoutAll, refreshJwt, options, emptyResponseSchema);
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
    return this.#withRefreshJwt(PATHS.me, refreshJwt, options, userSchema);
  }

  /** The four session calls: authenticated by `refreshJwt`; `me` is the one GET (no body), and idempotent. */
  async #withRefreshJwt<T>(path: EndpointPath, refreshJwt: string, options: CallOptions | undefined, schema: BodySchema<T>): Promise<T> {
    assertRefreshJwt(refreshJwt, 'refreshJwt');
    const { signal } = checkOptions(options, CALL);
    const get = path === PATHS.me;
    return this.#request({ path, method: get ? 'GET' : 'POST', ...(!get && { body: {} }), schema, signal, refreshJwt, retry: get ? 'idempotent' : 'send' });
  }

  /** `onWait` marks a poll: it waits its turn among the other sign-ins' polls. */
  async #checkSession(pendingRef: string, signal: AbortSignal | undefined, retry: RetryPolicy | 'none', onWait?: (ms: number) => void, pollId?: number): Promise<Session | undefined> {
    try {
      return await this.#request({ path: PATHS.pendingSession, body: { pendingRef }, schema: sessionSchema, signal, retry, poll: onWait && { key: pendingRef, onWait, id: pollId } });
    } catch (error) {
      if (classify(error) === 'pending') return undefined;
      throw error;
    }
  }

  async #send(path: EndpointPath, body: Record<string, unknown>, options: Partial<SendOptions>, refreshJwt?: string): Promise<LinkSent> {
    const { redirectUrl = this.#redirectUrl, providerId, signal } = options;
    // A fresh binding per send, in the links' URL: the verify page asks for it on the page channel, and
    // only this client's `pollSession` for this sign-in answers. Without a redirect URL (the console's is
    // used) there is nowhere to put it, and the verify page treats the link as opened on another device.
    const binding = redirectUrl === undefined ? undefined : newBinding();
    // JSON.stringify drops `undefined` fields, so absent options never reach the wire.
    const sent = await this.#request({
      path,
      body: { ...body, redirectUrl: binding && withBinding(redirectUrl!, binding), providerId },
      schema: linkResponseSchema,
      signal,
      refreshJwt,
      retry: 'send',
    });
    if (!binding) return sent;
    this.#bindings.keep(sent.pendingRef, binding);
    return { ...sent, binding };
  }
}
