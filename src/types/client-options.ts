import type { EventListener } from './events.js';
import type { LoginOptions, SignUpLoginOptions, SignUpUser } from './login-options.js';

/**
 * The `fetch` the SDK calls; the global `fetch` of every runtime fits.
 *
 * @category Client
 */
export type FetchFunction = (input: Request, init?: RequestInit) => Promise<Response>;

/**
 * Options of {@link EnchantedLinkClient}.
 *
 * @category Client
 */
export interface ClientOptions {
  /** Your Descope project ID (Console → Project settings). Required. */
  projectId: string;
  /**
   * API base URL, e.g. a custom domain (`https://auth.example.com`).
   * @defaultValue `https://api.<region>.descope.com` for 32-character regional project IDs (region = characters 2 to 5), else `https://api.descope.com`
   */
  baseUrl?: string | undefined;
  /**
   * Where the emailed links point (`?t=<token>` is appended) unless a send call names one. Must be on
   * the project's approved domains.
   * @defaultValue none: the redirect URL set in the Descope console
   */
  redirectUrl?: string | undefined;
  /**
   * Limit for one attempt, in milliseconds (greater than 0, at most 2,147,483,647), from sending the
   * request to the last byte of the answer; past it the attempt fails with `RequestTimeoutError`. Also the
   * longest a call other than a poll waits for its turns in the request budget: when the budget expects
   * a longer wait, the call fails at once with a `RateLimitError` carrying that wait, sending nothing. A
   * call other than a poll therefore settles within 4 × `timeoutMs` + 10 s whatever the server does.
   * @defaultValue `10_000`
   */
  timeoutMs?: number | undefined;
  /** @deprecated Renamed to {@link ClientOptions.timeoutMs} (same value, milliseconds); still honoured. */
  timeout?: number | undefined;
  /**
   * The `fetch` to use (a test double, a proxy-aware fetch, the emulator's `fetch`).
   * @defaultValue `globalThis.fetch`
   */
  fetch?: FetchFunction | undefined;
  /**
   * The request budget shared by every request of this client (and of any other client given the same
   * one): every attempt (first try, retry, poll) takes a turn; a limit per window, fair turns between
   * polls and other requests, and one shared wait (at most one window) after any 429.
   * Pass one `RequestBudget` to several clients to share it, or `new RequestBudget({ requests: Infinity })`
   * to lift the limit (the shared reaction to a 429 stays). A browser's single poll (about one request
   * a second at most) never meets the default limit. See the guide "Backends polling for many users".
   * @defaultValue a budget of this client's own: `new RequestBudget()`, 90 requests per 60 s
   */
  requestBudget?: SharedRequestBudget | undefined;
  /** Extra headers for every request. They cannot replace `authorization`, `accept`, `content-type` or the SDK's own `x-descope-*` headers. */
  headers?: Record<string, string> | undefined;
  /**
   * Told what every call did: each request and attempt (endpoint, attempt number, status, error class,
   * duration), each wait for the request budget or before a retry (how long, why) and each state of
   * `pollSession`. Events hold no credential and no email address; see {@link EnchantedLinkEvent}.
   * `logEvents()` prints them; `enchanted-link/opentelemetry` turns them into spans and metrics.
   * @defaultValue none: no event is built
   */
  onEvent?: EventListener | undefined;
}

/**
 * What {@link ClientOptions.requestBudget} takes: a {@link RequestBudget} (`new RequestBudget()`). This
 * interface only names the budget's public, read-only surface.
 *
 * @category Polling
 */
export interface SharedRequestBudget {
  /** Requests allowed per window. */
  readonly requests: number;
  /** Window length, ms. */
  readonly windowMs: number;
  /** How many requests are waiting for their turn now. */
  readonly queued: number;
}

/** Options every call accepts. @category Client */
export interface CallOptions {
  /** Cancels the call: it rejects with `signal.reason` and sends nothing more. */
  signal?: AbortSignal | undefined;
}

/** Options shared by the send calls. @category Client */
export interface SendOptions extends CallOptions {
  /** Where the emailed links point; overrides the client's `redirectUrl`. */
  redirectUrl?: string | undefined;
  /** Selects the email provider or connector (sent at the top level of the body). */
  providerId?: string | undefined;
}

/** Options of {@link EnchantedLinkClient.signInOrUp}. @category Client */
export interface SignInOrUpOptions extends SendOptions {
  /** Sent as `loginOptions` (custom claims, template, tenant). */
  loginOptions?: SignUpLoginOptions | undefined;
}

/** Options of {@link EnchantedLinkClient.signIn}. @category Client */
export interface SignInOptions extends SendOptions {
  /** Sent as `loginOptions` (step-up, MFA, custom claims, template, tenant). */
  loginOptions?: LoginOptions | undefined;
  /** The signed-in user's refresh JWT; required with `loginOptions.stepup` or `loginOptions.mfa`. */
  refreshJwt?: string | undefined;
}

/** Options of {@link EnchantedLinkClient.signUp}. @category Client */
export interface SignUpOptions extends SendOptions {
  /** Profile of the new user. */
  user?: SignUpUser | undefined;
  /** Sent as `loginOptions` (custom claims, template, tenant). */
  loginOptions?: SignUpLoginOptions | undefined;
}

/** Options of {@link EnchantedLinkClient.updateUserEmail}. @category Client */
export interface UpdateUserEmailOptions extends SendOptions {
  /** The signed-in user's refresh JWT. Required. */
  refreshJwt: string;
  /** Also add the new address as a login ID (`addToLoginIDs` on the wire). @defaultValue `false` */
  addToLoginIds?: boolean | undefined;
  /** With `addToLoginIds`: when another user already has that login ID, merge into that user. @defaultValue `false` */
  onMergeUseExisting?: boolean | undefined;
  /** Overrides the project's email template. */
  templateId?: string | undefined;
  /** Variables for the email template. */
  templateOptions?: Record<string, string> | undefined;
  /** Message locale, e.g. `en`. */
  locale?: string | undefined;
}

/** Options of {@link EnchantedLinkClient.verifyToken}. @category Client */
export interface VerifyTokenOptions extends CallOptions {
  /**
   * PKCE verifier (experimental): Descope documents the field but not its encoding or errors, and no
   * official SDK sends it. Test against your project before relying on it.
   */
  pkceVerifier?: string | undefined;
}
