// Public shapes of the emulator. Kept apart from the implementation so the docs read in one place.

/**
 * Options of {@link createEmulator}. Every field is optional.
 *
 * @category Testing
 */
export interface EmulatorOptions {
  /**
   * Project ID the emulator expects in `Authorization: Bearer <projectId>`.
   * Default `'P2emulator000000000000000000'`: 28 characters, so an SDK derives `https://api.descope.com`
   * from it, which is also the default {@link EmulatorOptions.baseUrl}.
   */
  projectId?: string;
  /**
   * Origin the emulator answers for in {@link Emulator.fetch} and {@link enchanted-link/testing/msw!emulatorHandlers | emulatorHandlers}.
   * Only the origin is kept (a path is dropped). Default `'https://api.descope.com'`.
   */
  baseUrl?: string;
  /**
   * Base of the link URLs when a send has no `redirectUrl`/`URI`. Default `${server url}/verify` while a
   * server from {@link Emulator.listen} is open, else `${baseUrl}/verify`.
   */
  redirectUrl?: string;
  /**
   * The project's approved domains (Descope console › Project settings): a send whose `redirectUrl`/`URI`
   * has a host outside them is refused with {@link EMULATOR_ERRORS}`.redirectUrlNotApproved`. An entry
   * approves its own host and every subdomain (`'example.com'` approves `app.example.com`), in any case
   * and on any port. Default `undefined`: every domain is approved, as in a project with an empty list.
   *
   * @example
   * ```ts
   * createEmulator({ approvedDomains: ['app.example.com', 'localhost'] });
   * ```
   */
  approvedDomains?: readonly string[];
  /** Lifetime of each link and its `pendingRef`, in milliseconds. Default `300_000` (5 minutes). */
  linkTtlMs?: number;
  /** Lifetime of the session JWT, in seconds. Default `600`. The refresh JWT always lives 30 days. */
  sessionTtlSeconds?: number;
  /**
   * Users that exist from the start (and again after {@link Emulator.reset}). They count as returning
   * users: their first session has `firstSeen: false`. `email` defaults to `loginId` when that is an address.
   */
  users?: EmulatorUser[];
  /** The clock, in milliseconds since the epoch. Default `() => Date.now()`, so vitest fake timers apply. */
  now?: () => number;
  /**
   * Called with each email right after it is put in the outbox, e.g. to print the links. If it throws,
   * the send is answered 500 {@link EMULATOR_ERRORS}`.internalError` (the email stays in the outbox).
   */
  onEmail?: (email: EmulatorEmail) => void;
  /**
   * Whether `POST /v1/auth/refresh` answers with a new refresh JWT (and revokes the one it was given), as
   * Descope does for projects that rotate refresh tokens. Default `false`: the answer has no `refreshJwt`
   * and the same refresh JWT keeps working.
   */
  rotateRefreshJwt?: boolean;
  /**
   * Descope's rate limit, on by default with the documented numbers: 100 requests per 60 s per client,
   * then every request of that client answers 429 {@link EMULATOR_ERRORS}`.rateLimited` (`E130429`) with
   * `Retry-After: <seconds>` for 60 s. A client is an IP address for {@link Emulator.listen}, and the
   * whole emulator for {@link Emulator.fetch}, {@link Emulator.handle} and {@link enchanted-link/testing/msw!emulatorHandlers | emulatorHandlers}
   * (one test process is one client), unless {@link EmulatorRateLimit.clientKey} says otherwise.
   * CORS preflights, the emulator's HTML pages and {@link Emulator.click} (another device) are not counted.
   *
   * `false` turns it off: only do that in tests that deliberately exceed what Descope allows (load tests),
   * since a real project would answer 429 there.
   *
   * @example
   * ```ts
   * createEmulator({ rateLimit: { requests: 1_000 } });                 // 1 000 per 60 s
   * createEmulator({ rateLimit: { clientKey: (req) => req.headers.get('x-test-client') ?? 'default' } });
   * createEmulator({ rateLimit: false });                               // load test: no limit
   * ```
   */
  rateLimit?: EmulatorRateLimit | false;
}

/**
 * Settings of {@link EmulatorOptions.rateLimit}; each field defaults to Descope's documented value.
 *
 * @category Testing
 */
export interface EmulatorRateLimit {
  /** Requests one client may make per window; the next one starts the block. Default `100`. */
  requests?: number;
  /** Length of the sliding window, in milliseconds. Default `60_000`. */
  windowMs?: number;
  /** How long a client that went over is refused, in milliseconds. Default `60_000`. */
  blockMs?: number;
  /**
   * Which client a request counts against. `remoteAddress` is the peer's IP address for requests to
   * {@link Emulator.listen}, `undefined` otherwise. Default: `remoteAddress ?? 'emulator'`.
   */
  clientKey?: (request: Request, remoteAddress: string | undefined) => string;
}

/**
 * A user given in {@link EmulatorOptions.users}.
 *
 * @category Testing
 */
export interface EmulatorUser {
  /** The login ID, normally the email address. */
  loginId: string;
  /** Address the links go to. Default: `loginId` when it contains `@`. */
  email?: string;
  /** Display name, returned as `user.name` in the session. */
  name?: string;
}

/**
 * An in-memory, stateful Descope enchanted-link backend. Create one with {@link createEmulator}.
 *
 * @category Testing
 */
export interface Emulator {
  /** The project ID it expects in the `Authorization` header. */
  readonly projectId: string;
  /** The origin it answers for, without a trailing slash, e.g. `https://api.descope.com`. */
  readonly baseUrl: string;
  /**
   * A `fetch` that answers from the emulator with no network, no msw and no server. It is a bound
   * function, so it can be passed around as is. Relative URLs resolve against {@link Emulator.baseUrl};
   * other origins than `baseUrl` (and the {@link Emulator.listen} URL) reject with `TypeError('fetch failed')`,
   * as does an injected `drop-connection` fault. Honors `signal`: rejects with `signal.reason` once
   * aborted, also during injected latency.
   *
   * @example
   * ```ts
   * const emu = createEmulator();
   * const client = new EnchantedLinkClient({ projectId: emu.projectId, fetch: emu.fetch });
   * ```
   */
  readonly fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /**
   * Answers one request: the core that {@link Emulator.fetch}, {@link enchanted-link/testing/msw!emulatorHandlers | emulatorHandlers} and
   * {@link Emulator.listen} all use. Applies injected faults and logs the request. A dropped connection
   * is answered with `Response.error()` (type `'error'`, status 0); each transport turns it into its own
   * kind of network failure. Rejects with `request.signal.reason` when the request is aborted during
   * injected latency.
   *
   * @example
   * ```ts
   * const res = await emu.handle(new Request('https://api.descope.com/v1/auth/enchantedlink/verify', {
   *   method: 'POST', headers: { authorization: `Bearer ${emu.projectId}` }, body: JSON.stringify({ token }),
   * }));
   * ```
   */
  handle(request: Request): Promise<Response>;
  /** Every email sent so far, oldest first (a snapshot; entries are frozen). */
  readonly outbox: readonly EmulatorEmail[];
  /**
   * The newest email sent for `loginId` (matched against the login ID of the send and the address it
   * went to), or `undefined`.
   */
  lastEmail(loginId: string): EmulatorEmail | undefined;
  /**
   * Simulates the user opening one of the 3 links of the newest email for `loginId`, and that page calling
   * verify. `'right'` (default) opens the link whose number is the `linkId`, `'wrong'` another one (which
   * answers {@link EMULATOR_ERRORS}`.wrongLink` and leaves the flow pending). The verify request is logged
   * but never takes an injected fault, so faults stay aimed at the code under test.
   * Rejects when no email was sent for `loginId`.
   *
   * @returns The HTTP status and parsed JSON body of that verify call.
   * @example
   * ```ts
   * const { linkId } = await client.signIn('ada@example.com');
   * await emu.click('ada@example.com');          // { status: 200, body: {} }
   * const session = await client.pollSession(pendingRef);
   * ```
   */
  click(loginId: string, which?: 'right' | 'wrong'): Promise<EmulatorClickResult>;
  /**
   * Opens every link of the newest email for `loginId`, in the email's order, as a mail filter does
   * before the user sees the email (Microsoft Safe Links, a link-preview bot, a security gateway): a `GET`
   * of each link. With `verifyOnLoad`, the links are taken to open a verify page that verifies on load
   * (what the Security guide warns against), so each visit also calls verify with its link's token. The
   * scanner is another client: not rate limited, never faulted. Rejects when no email was sent for
   * `loginId`.
   *
   * What Descope documents, and the emulator does: opening a link verifies nothing by itself, so the
   * user's own click still works; a wrong-number visit leaves the right link valid, so a scanner on a
   * verify-on-load page verifies the right link too, which signs in whoever polls.
   *
   * @example
   * ```ts
   * await client.signIn('ada@example.com');
   * const opened = await emu.scan('ada@example.com');      // 3 × GET, as a mail filter
   * expect(opened.map((link) => link.status)).toEqual([200, 200, 200]);
   * expect((await emu.click('ada@example.com')).status).toBe(200); // the user's click still works
   * ```
   */
  scan(loginId: string, options?: EmulatorScanOptions): Promise<EmulatorScanResult[]>;
  /** Every request received, in order of arrival (a snapshot). */
  readonly requests: readonly EmulatorRequest[];
  /**
   * Makes the next `times` requests (default 1) answer with `fault` instead of the real answer, or, for
   * `latency`, answer late. With `path`, only requests to that path count. Faults queue up: each request
   * takes the oldest fault that matches it. CORS preflights (`OPTIONS`) never take a fault.
   * Throws `RangeError` for a status outside 200–599, a negative latency or a `times` below 1.
   *
   * @example
   * ```ts
   * emu.injectFault({ type: 'rate-limit', retryAfter: 2 }, { path: PATHS.pendingSession });
   * emu.injectFault({ type: 'status', status: 503 }, { times: 2 });
   * ```
   */
  injectFault(fault: EmulatorFault, options?: EmulatorFaultOptions): void;
  /** Forgets every fault not applied yet. */
  clearFaults(): void;
  /**
   * Forgets emails, pending logins, issued sessions, the request log, faults and rate-limit counts. The users from
   * {@link EmulatorOptions.users} are restored as they were configured; users created since are removed.
   */
  reset(): void;
  /**
   * Replaces the key that signs session and refresh JWTs with a new one (new `kid`), as a key rotation
   * at Descope does. The previous keys stay published at `GET /v2/keys/<projectId>`, so JWTs they signed
   * keep verifying, unless `retirePrevious` is `true`. Keys survive {@link Emulator.reset}.
   * The emulator signs with ES256 (ECDSA P-256) keys; validators take the algorithm from each key.
   *
   * @param options - `retirePrevious`: also stop publishing every older key. Default `false`.
   * @returns The `kid` of the new key.
   * @example
   * ```ts
   * const kid = await emu.rotateKeys();
   * ```
   */
  rotateKeys(options?: { retirePrevious?: boolean }): Promise<string>;
  /**
   * Serves the emulator over real HTTP (Node only; `node:http` is loaded on demand). Adds CORS to every
   * answer, serves `GET /verify?t=…` (a page that verifies the link when the person clicks "Sign me in") and `GET /` (the outbox), answers
   * 413 above 1 MB of body and destroys the socket for `drop-connection`. While it is open, the default
   * redirect URL is `${url}/verify`.
   *
   * @example
   * ```ts
   * const server = await emu.listen();           // http://127.0.0.1:<random port>
   * const client = new EnchantedLinkClient({ projectId: emu.projectId, baseUrl: server.url });
   * await server.close();
   * ```
   */
  listen(options?: EmulatorListenOptions): Promise<EmulatorServer>;
}

/**
 * What {@link Emulator.click} resolves to.
 *
 * @category Testing
 */
export interface EmulatorClickResult {
  /** HTTP status of the verify call: 200 on success. */
  status: number;
  /** Parsed JSON body: `{}` on success, a Descope error body otherwise. */
  body: unknown;
}

/**
 * Options of {@link Emulator.scan}.
 *
 * @category Testing
 */
export interface EmulatorScanOptions {
  /**
   * Take the links to open a page that verifies on load: each visit also calls verify with its link's
   * token. Default `false` (only `GET`, as with a verify page that waits for a click).
   */
  verifyOnLoad?: boolean;
  /**
   * How to `GET` a link the emulator does not serve (your app's verify page). Default: the global `fetch`.
   * Links to the emulator's own `/verify` page are always answered by the emulator.
   */
  fetch?: (url: string) => Promise<Response>;
}

/**
 * One opened link, in what {@link Emulator.scan} resolves to.
 *
 * @category Testing
 */
export interface EmulatorScanResult {
  /** The link's 2-digit number. */
  number: string;
  /** The link's URL, as in the email. */
  url: string;
  /** HTTP status of the `GET`. */
  status: number;
  /** With `verifyOnLoad`: HTTP status of the verify call (200 for the right, fresh link). */
  verifyStatus?: number;
}

/**
 * Options of {@link Emulator.injectFault}.
 *
 * @category Testing
 */
export interface EmulatorFaultOptions {
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  /** Only requests to this path (e.g. `PATHS.pendingSession`) take the fault. Default: any path. */
  path?: string;
}

/**
 * Options of {@link Emulator.listen}.
 *
 * @category Testing
 */
export interface EmulatorListenOptions {
  /** TCP port. Default `0`: a free port chosen by the OS. */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'`. */
  host?: string;
  /**
   * Which web origins may call the API from a browser (CORS). Default `'loopback'`: pages served from
   * `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`, on any port and scheme. A request carrying another
   * `Origin` (a preflight included) is refused with 403 {@link EMULATOR_ERRORS}`.originNotAllowed`, so
   * a web page you happen to visit cannot use the emulator. `'*'` allows every origin (the risk: any page
   * can send sign-ins and read answers); a list allows those exact origins besides loopback ones.
   * Requests without `Origin` (Node, curl) are always served. The HTML pages (outbox, verify) never carry
   * CORS headers, so no other origin can read the outbox.
   */
  allowOrigins?: 'loopback' | '*' | readonly string[];
  /**
   * Extra names the `Host` header may carry. A request whose `Host` is not one of the server's names is
   * refused with 403 before the emulator sees it: a page of another name that resolves to this address
   * (DNS rebinding) would otherwise be same-origin with the outbox. The names always accepted are loopback
   * names (`localhost`, `*.localhost`, `127.x.x.x`, `[::1]`) and the bound address; bound to every
   * interface (`0.0.0.0`, `::`), also this machine's interface addresses and host name (`os.hostname()`,
   * and with `.local`). {@link EmulatorServer.allowedHosts} lists them. Default: none.
   */
  allowHosts?: readonly string[];
}

/**
 * A running HTTP server from {@link Emulator.listen}.
 *
 * @category Testing
 */
export interface EmulatorServer {
  /** Base URL, with no trailing slash, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /**
   * The host names (without port) the `Host` header may carry, besides any `*.localhost`; see
   * {@link EmulatorListenOptions.allowHosts}.
   */
  readonly allowedHosts: readonly string[];
  /** Stops listening and closes every connection, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * One email in {@link Emulator.outbox}.
 *
 * @category Testing
 */
export interface EmulatorEmail {
  /** Address the email went to (for `updateEmail`, the new address). */
  to: string;
  /** Login ID the send was made for. */
  loginId: string;
  /** Which endpoint sent it. */
  kind: 'signIn' | 'signUp' | 'signInOrUp' | 'updateEmail';
  /** The 2-digit number the app shows; equals the `number` of the one correct link. */
  linkId: string;
  /** Reference the app polls pending-session with. */
  pendingRef: string;
  /** Masked `to`, as answered to the app, e.g. `a***@example.com`. */
  maskedEmail: string;
  /** The three links, in the order shown in the email. Exactly one is `correct`. */
  links: EmulatorLink[];
  /** When it was sent, in ms since the epoch (the emulator's clock). */
  sentAtMs: number;
  /** When its links and `pendingRef` expire, in ms since the epoch. */
  expiresAtMs: number;
}

/**
 * One of the three links of an {@link EmulatorEmail}.
 *
 * @category Testing
 */
export interface EmulatorLink {
  /** The 2-digit label shown next to the link, `'00'`–`'99'`. */
  number: string;
  /** Redirect URL with `?t=<token>` appended (`&t=` when it already has a query). */
  url: string;
  /** The `t` value, what the page sends to verify. */
  token: string;
  /** Whether this is the link whose number equals the `linkId`. */
  correct: boolean;
}

/**
 * One entry of {@link Emulator.requests}.
 *
 * @category Testing
 */
export interface EmulatorRequest {
  /** HTTP method, upper case. */
  method: string;
  /** URL path, without the query. */
  path: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON, or `undefined` when empty or over 1 MB. */
  body: unknown;
  /** HTTP status answered; 0 while in flight, for a dropped connection or an aborted request. */
  status: number;
  /** When it arrived, in ms since the epoch (the emulator's clock). */
  at: number;
}

/**
 * A failure {@link Emulator.injectFault} can make the emulator answer with: one of
 * {@link StatusFault}, {@link LatencyFault}, {@link RateLimitFault}, {@link MalformedBodyFault},
 * {@link DropConnectionFault}.
 *
 * @category Testing
 */
export type EmulatorFault = StatusFault | LatencyFault | RateLimitFault | MalformedBodyFault | DropConnectionFault;

/**
 * Answers `status` with `body` and `headers` instead of the real answer.
 *
 * @category Testing
 */
export interface StatusFault {
  /** Selects this fault. */
  type: 'status';
  /** The HTTP status, 200 to 599. */
  status: number;
  /** JSON body. Default: the Descope body of {@link EMULATOR_ERRORS}`.injectedFault`. */
  body?: unknown;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * Waits `ms` milliseconds, then gives the real answer (an aborted request stops waiting).
 *
 * @category Testing
 */
export interface LatencyFault {
  /** Selects this fault. */
  type: 'latency';
  /** The delay, in milliseconds. */
  ms: number;
}

/**
 * Answers 429 with the Descope body `E130429` and `Retry-After: <retryAfter>`.
 *
 * @category Testing
 */
export interface RateLimitFault {
  /** Selects this fault. */
  type: 'rate-limit';
  /** `Retry-After` value: seconds, or an HTTP date string. Default: no header. */
  retryAfter?: number | string;
}

/**
 * Answers `status` with `content-type: application/json` and a body that is not JSON.
 *
 * @category Testing
 */
export interface MalformedBodyFault {
  /** Selects this fault. */
  type: 'malformed-body';
  /** The HTTP status. Default `200`. */
  status?: number;
}

/**
 * No answer at all: `fetch` rejects with `TypeError('fetch failed')`, msw answers `HttpResponse.error()`,
 * the HTTP server destroys the socket.
 *
 * @category Testing
 */
export interface DropConnectionFault {
  /** Selects this fault. */
  type: 'drop-connection';
}
