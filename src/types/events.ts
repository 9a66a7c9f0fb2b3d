// What the SDK did, as plain data: every request and its attempts, every wait, the poll loop, the keeper's
// refreshes and sign-outs, the validator's key fetches. Built only when a listener is set. By construction an
// event holds no credential and no email address: no body, no header, no error message (a message may quote
// the address), only endpoints, numbers, error class names and Descope's error codes.
import type { PollStatus } from './poll-options.js';

/**
 * What every event has.
 *
 * @category Observability
 */
export interface EventBase {
  /** When it happened, in `Date.now()` milliseconds (the client's clock: a test's injected clock, if any). */
  readonly timeMs: number;
}

/**
 * Where a request goes, as the HTTP semantic conventions of OpenTelemetry name it.
 *
 * @category Observability
 */
export interface RequestTarget {
  /** Numbers the request (the call) within this process, from 1; its attempts and waits carry the same. */
  readonly requestId: number;
  /** `GET` or `POST`. */
  readonly method: 'GET' | 'POST';
  /**
   * The endpoint as a template, e.g. `/v1/auth/enchantedlink/pending-session` or `/v2/keys/{projectId}`
   * (OpenTelemetry's `url.template`).
   */
  readonly endpoint: string;
  /** The full URL requested (the API base URL and the path; no query, no credential). */
  readonly url: string;
  /** The API host name, e.g. `api.descope.com` (`server.address`). */
  readonly serverAddress: string;
  /** The API port, e.g. `443` (`server.port`). */
  readonly serverPort: number;
  /** Set when the request is a poll of {@link EnchantedLinkClient.pollSession}: that poll's `pollId`. */
  readonly pollId?: number;
}

/**
 * How an attempt or a request ended:
 * - `ok`: a valid answer;
 * - `pending`: the poll's "not clicked yet" (401 `E062503`), an answer, not a failure;
 * - `rate-limited`: a 429, or no turn in the request budget;
 * - `transient`: 5xx, 408, a network error or a request timeout (worth another try);
 * - `terminal`: any other error (a Descope refusal, an answer of the wrong shape);
 * - `aborted`: the caller's `signal` aborted it.
 *
 * @category Observability
 */
export type AttemptOutcome = 'ok' | 'pending' | 'rate-limited' | 'transient' | 'terminal' | 'aborted';

/**
 * What an error was, without its message (a message may quote an email address).
 *
 * @category Observability
 */
export interface ErrorFacts {
  /** The HTTP status of the answer, when one came (`http.response.status_code`). */
  readonly httpStatus?: number;
  /** The error's class name (`RateLimitError`, `NetworkError`, …; `AbortError` for an abort), on failure. */
  readonly errorType?: string;
  /** Descope's error code (e.g. `E062503`), when the answer had one. */
  readonly errorCode?: string;
}

/**
 * A request (one call of the client, or one poll) starts: before its first turn in the request budget.
 *
 * @category Observability
 */
export interface RequestStartEvent extends EventBase, RequestTarget {
  /** The event's name. */
  readonly type: 'request-start';
}

/**
 * A request ended: its last attempt settled (or a wait before one was aborted or refused).
 *
 * @category Observability
 */
export interface RequestEndEvent extends EventBase, RequestTarget, ErrorFacts {
  /** The event's name. */
  readonly type: 'request-end';
  /** How it ended. */
  readonly outcome: AttemptOutcome;
  /** Attempts sent (0 when it never got a turn). */
  readonly attempts: number;
  /** Milliseconds from `request-start`, every wait included. */
  readonly durationMs: number;
}

/**
 * An attempt is about to be sent (after its turn in the request budget).
 *
 * @category Observability
 */
export interface AttemptStartEvent extends EventBase, RequestTarget {
  /** The event's name. */
  readonly type: 'attempt-start';
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

/**
 * An attempt settled: an answer came, or none (network error, timeout, abort).
 *
 * @category Observability
 */
export interface AttemptEndEvent extends EventBase, RequestTarget, ErrorFacts {
  /** The event's name. */
  readonly type: 'attempt-end';
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
  /** What the attempt came to. */
  readonly outcome: AttemptOutcome;
  /** Milliseconds from sending to the end of the answer (or the failure). */
  readonly durationMs: number;
  /** For a 429: the wait it asked for, in milliseconds (its `Retry-After`, or the 1 s fallback). */
  readonly retryAfterMs?: number;
}

/**
 * Why a request waited:
 * - `turn`: for its turn in the request budget (the budget paces requests, or others queue ahead);
 * - `paused`: for its turn while the budget is paused after a 429 (its `Retry-After`);
 * - `retry-after`: before a retry, as a 429's `Retry-After` asked;
 * - `backoff`: before a retry after a transient failure.
 *
 * @category Observability
 */
export type WaitReason = 'turn' | 'paused' | 'retry-after' | 'backoff';

/**
 * A request waited, reported when the wait is over (a wait cut short by an abort is not reported; the
 * `request-end` that follows says `aborted`).
 *
 * @category Observability
 */
export interface WaitEvent extends EventBase, RequestTarget {
  /** The event's name. */
  readonly type: 'wait';
  /** Why. */
  readonly reason: WaitReason;
  /** How long it waited, in milliseconds. */
  readonly waitedMs: number;
  /** The attempt the wait came before (1 for the first try). */
  readonly attempt: number;
}

/**
 * What {@link PollEvent} reports:
 * - `started`: `pollSession` was called;
 * - the {@link PollStatus} of a poll that did not end the wait (`pending`, `rate-limited`, `retrying`, `queued`), as `onPoll` sees it;
 * - how the poll ended: `signed-in`, `failed` (see `errorType`), `timed-out` (the poll's deadline) or `aborted`.
 *
 * @category Observability
 */
export type PollEventStatus = 'started' | PollStatus | 'signed-in' | 'failed' | 'timed-out' | 'aborted';

/**
 * The poll loop of {@link EnchantedLinkClient.pollSession} changed state: it started, a poll did not
 * end the wait (as `onPoll` reports it), or it ended.
 *
 * @category Observability
 */
export interface PollEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'poll';
  /** Numbers the `pollSession` call within this process, from 1; its requests carry the same `pollId`. */
  readonly pollId: number;
  /** See {@link PollEventStatus}. */
  readonly status: PollEventStatus;
  /** `pending-session` requests sent so far. */
  readonly attempt: number;
  /** Milliseconds since `pollSession` was called. */
  readonly elapsedMs: number;
  /** Milliseconds until the next poll, for the statuses that go on polling. */
  readonly nextDelayMs?: number;
}

/**
 * A {@link SignInFlow} changed status (`sending`, `waiting`, `signed-in`, `failed`, `expired`,
 * `cancelled`); reported once per status, not for every poll (see {@link PollEvent} for those).
 *
 * @category Observability
 */
export interface SignInEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'sign-in';
  /** The flow's new status. */
  readonly status: 'sending' | 'waiting' | 'signed-in' | 'failed' | 'expired' | 'cancelled';
  /** Whether the status comes from a `resend()`. */
  readonly resend: boolean;
}

/**
 * What started a keeper's refresh: its timer (before `sessionExpiration`), the page becoming visible
 * after the due time, or a call of {@link SessionKeeper.refresh}.
 *
 * @category Observability
 */
export type RefreshTrigger = 'timer' | 'visible' | 'call';

/**
 * A {@link SessionKeeper} refresh settled:
 * - `refreshed`: Descope answered with a new session JWT (`rotated`: and a new refresh JWT);
 * - `adopted`: another tab refreshed first and its session was taken, no request sent;
 * - `kept`: a transient failure (429, 5xx, network): the session is kept and tried again in `retryInMs`;
 * - `ended`: Descope refused the refresh JWT: the session ended (`errorType`, `errorCode` say why);
 * - `skipped`: no session, or a newer one arrived during the request.
 *
 * @category Observability
 */
export interface RefreshEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'refresh';
  /** What started it. */
  readonly trigger: RefreshTrigger;
  /** See above. */
  readonly outcome: 'refreshed' | 'adopted' | 'kept' | 'ended' | 'skipped';
  /** Whether Descope rotated the refresh JWT (`refreshed` only). */
  readonly rotated?: boolean;
  /** Milliseconds until the next try (`kept` only). */
  readonly retryInMs?: number;
  /** Milliseconds from the start of the refresh (waiting for the cross-tab lock included). */
  readonly durationMs: number;
}

/**
 * A {@link SessionKeeper} signed out: `confirmed` by Descope, `failed` (Descope did not confirm; the
 * session is forgotten here all the same), or `local` (no refresh JWT to revoke: nothing was sent).
 *
 * @category Observability
 */
export interface SignOutEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'sign-out';
  /** `signOutAll()`: every session of the user. */
  readonly everywhere: boolean;
  /** See above. */
  readonly outcome: 'confirmed' | 'failed' | 'local';
  /** Milliseconds the request took. */
  readonly durationMs: number;
}

/**
 * A session validator fetched the project's public keys (`enchanted-link/server`), because it had none
 * yet (`first-use`), they were older than 10 minutes (`renewal`), or a token named an unknown key
 * (`unknown-key`, a key rotation at Descope).
 *
 * @category Observability
 */
export interface KeysEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'keys';
  /** Why they were fetched. */
  readonly reason: 'first-use' | 'renewal' | 'unknown-key';
  /** `fetched`, or `failed` (see `errorType`; a failed renewal keeps the old keys). */
  readonly outcome: 'fetched' | 'failed';
  /** How many keys the answer held (`fetched` only). */
  readonly keys?: number;
  /** Milliseconds the fetch took. */
  readonly durationMs: number;
}

/**
 * The steps of a server kit (`createServerKit` from `enchanted-link/server`) that {@link KitEvent} reports:
 * - `start`: `POST /start` (a send);
 * - `status`: `POST /status` (the long-poll) ended;
 * - `confirm-page`: `GET /confirm` (the page an emailed link opens; nothing is called upstream);
 * - `confirm`: `POST /confirm` (the number check, then the verify);
 * - `refresh`: a refresh from the refresh cookie (`POST /refresh`, or `authenticate()`);
 * - `sign-out`: `POST /sign-out`;
 * - `request`: a request that failed inside the kit (answered 500).
 *
 * @category Observability
 */
export type KitStep = 'start' | 'status' | 'confirm-page' | 'confirm' | 'refresh' | 'sign-out' | 'request';

/**
 * What a {@link KitStep} came to:
 * - `start`: `sent`, `limited` (the kit's send limits: 429), `invalid` (no usable address), `client-gone`
 *   (the request was aborted, for instance while the send waited for its turn in the request budget) or `failed`;
 * - `status`: `signed-in`, `pending` (nobody confirmed within the wait), `wrong-number` (someone typed a
 *   wrong number on the confirm page: the sign-in is over), `expired`, `unknown` (no such handle),
 *   `superseded` (a newer status request took over), `client-gone` (the request was aborted) or `failed`;
 * - `confirm-page`: `shown`, `unknown-link` or `incomplete` (no token);
 * - `confirm`: `verified`, `wrong-number`, `no-number` (the form came without a number: the page asks again
 *   and the sign-in goes on), `refused` (same-origin or CSRF check failed: see `reason`), `unknown-link`,
 *   `rate-limited` or `failed`;
 * - `refresh`: `refreshed` (`reason: 'shared'` when it is the outcome a racing refresh with the same
 *   refresh JWT kept in the store), `ended` (Descope refused the refresh JWT: cookies cleared), `no-session`,
 *   `refused` (cross-origin) or `failed`;
 * - `sign-out`: `confirmed`, `failed` (Descope did not confirm; the cookies are cleared all the same),
 *   `local` (no refresh cookie) or `refused` (cross-origin);
 * - `request`: `failed`.
 *
 * @category Observability
 */
export type KitOutcome =
  | 'sent'
  | 'limited'
  | 'invalid'
  | 'failed'
  | 'signed-in'
  | 'pending'
  | 'wrong-number'
  | 'expired'
  | 'unknown'
  | 'superseded'
  | 'client-gone'
  | 'no-number'
  | 'shown'
  | 'unknown-link'
  | 'incomplete'
  | 'verified'
  | 'refused'
  | 'rate-limited'
  | 'refreshed'
  | 'ended'
  | 'no-session'
  | 'confirmed'
  | 'local';

/**
 * A server kit step settled (`enchanted-link/server`'s `createServerKit`). Like every event it holds no
 * credential (no handle, link token, `pendingRef` or JWT) and no email or IP address: `signInId` is a
 * short prefix of the HMAC the kit files the sign-in under, enough to follow one sign-in through the
 * events of every instance, useless to anyone reading them.
 *
 * @category Observability
 */
export interface KitEvent extends EventBase, ErrorFacts {
  /** The event's name. */
  readonly type: 'kit';
  /** Which step; see {@link KitStep}. */
  readonly step: KitStep;
  /** What it came to; see {@link KitOutcome}. */
  readonly outcome: KitOutcome;
  /** The HTTP status the kit answered with (0 when it answered nothing: `authenticate()`). */
  readonly status: number;
  /** The sign-in it concerns (12 characters), for `start`, `status`, `confirm-page` and `confirm`. */
  readonly signInId?: string;
  /**
   * Why a request was refused: `csrf`, `cross_origin` or `no_origin` (`confirm`, `refresh`, `sign-out`);
   * for `sign-out`, `everywhere` when every session of the user was ended; for `refresh`, `shared` (the
   * outcome of a racing refresh) or `malformed` (the refresh cookie is no JWT: ended without asking Descope).
   */
  readonly reason?: string;
  /** `refresh` only: whether Descope rotated the refresh JWT. */
  readonly rotated?: boolean;
}

/**
 * Every event the SDK reports to an {@link EventListener}; narrow it on `type`.
 *
 * @category Observability
 */
export type EnchantedLinkEvent =
  | RequestStartEvent
  | RequestEndEvent
  | AttemptStartEvent
  | AttemptEndEvent
  | WaitEvent
  | PollEvent
  | SignInEvent
  | RefreshEvent
  | SignOutEvent
  | KeysEvent
  | KitEvent;

/**
 * Receives the SDK's events: `onEvent` of {@link ClientOptions}, {@link SignInFlowOptions},
 * {@link SessionKeeperOptions} and the server's `SessionValidatorOptions`. Called synchronously, in
 * order, where the event happens; keep it quick. An exception it throws is ignored (it never changes a
 * call's outcome). Without a listener no event is built at all.
 *
 * A listener may also have a `headersFor` method (OpenTelemetry's trace-context propagation uses it).
 *
 * @category Observability
 * @example
 * ```ts
 * const client = new EnchantedLinkClient({
 *   projectId: 'P2abc…',
 *   onEvent: (event) => {
 *     if (event.type === 'attempt-end' && event.httpStatus === 429) report(`rate limited on ${event.endpoint}`);
 *   },
 * });
 * ```
 */
export interface EventListener {
  (event: EnchantedLinkEvent): void;
  /**
   * Extra headers for an attempt about to be sent, asked right after its `attempt-start` event, e.g. the
   * W3C `traceparent`. Names the SDK sets itself (`authorization`, `accept`, `content-type`,
   * `x-descope-*`) are ignored, as are values with line breaks. Mind CORS: in a browser the API must allow
   * each header (Descope's does not promise to).
   */
  headersFor?: (attempt: AttemptStartEvent) => Record<string, string> | undefined;
}
