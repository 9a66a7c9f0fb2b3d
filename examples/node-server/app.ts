// The login API on node:http. The browser never sees the pendingRef (it gets a handle) nor the refresh JWT
// (an HttpOnly cookie); the server never logs a link token, a handle or a JWT, and no secret travels in a
// URL it serves except the emailed link's own `t`, which `GET /verify` never sends to Descope.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DescopeError,
  InvalidArgumentError,
  PollTimeoutError,
  RateLimitError,
  isEnchantedLinkError,
  type EnchantedLinkClient,
  type PollOptions,
} from 'enchanted-link';
import { refreshCookie } from './cookie.js';
import { crossOrigin, HttpError, readForm, readJsonObject, sendError, sendJson, sendPage } from './http.js';
import { LoginStore } from './logins.js';
import type { SessionValidator } from 'enchanted-link/server';
import { createSessionRoutes } from './session.js';

/** One structured log line. Fields never hold a token, a handle in full or a JWT. */
export interface LogEntry {
  event: string;
  [field: string]: unknown;
}

export interface LoginServerOptions {
  /** The SDK client; its `redirectUrl` should point at this server's `/verify`. */
  client: EnchantedLinkClient;
  /** Where log lines go. Default: one JSON line each on stdout. */
  log?: (entry: LogEntry) => void;
  /** How long a login handle stays usable, in ms. Default 300_000: the links' default lifetime. */
  loginTtlMs?: number;
  /**
   * How long one `POST /login/status` waits before answering `{ status: 'pending' }`, in ms; the page then
   * asks again. Default 25_000, under the idle timeout of common proxies.
   */
  waitMs?: number;
  /** Poll pacing passed to `pollSession` (its defaults otherwise). */
  poll?: Pick<PollOptions, 'intervalMs' | 'maxIntervalMs' | 'backoffFactor'>;
  /** The clock, in ms. Default `Date.now`. */
  now?: () => number;
  /** Checks session JWTs; with it, the session routes `GET /me`, `POST /session/refresh` and `POST /session/sign-out` are served. */
  sessions?: SessionValidator;
}

const logToStdout = (entry: LogEntry): void => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

/** Enough of a handle to follow one login through the logs, not enough to use it. */
const tag = (handle: string): string => handle.slice(0, 6);

/** What the browser is told when Descope (or the way to it) failed; the SDK's messages hold no secret. */
function upstreamFailure(error: unknown): HttpError {
  if (error instanceof InvalidArgumentError) return new HttpError(400, 'invalid_argument', `Invalid ${error.argument}`);
  if (error instanceof RateLimitError) {
    return new HttpError(429, 'rate_limited', 'Too many attempts', { 'retry-after': String(error.retryAfter) });
  }
  if (error instanceof DescopeError && error.status < 500) return new HttpError(400, 'rejected', `Descope refused: ${error.errorCode}`);
  if (isEnchantedLinkError(error)) return new HttpError(502, 'upstream_unavailable', 'The sign-in service could not be reached');
  throw error;
}

/** A request handler for `http.createServer()`. Every route answers JSON except the `/verify` page. */
export function createLoginHandler(options: LoginServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { client, log = logToStdout, loginTtlMs = 300_000, waitMs = 25_000, poll = {}, now = Date.now } = options;
  const logins = new LoginStore(loginTtlMs, now);
  // Keys the CSRF token of each confirm page to the link it shows: HMAC(key, token). A new key per process,
  // so a restart only costs a reload of the confirm page.
  const csrfKey = randomBytes(32);
  const csrfFor = (token: string) => createHmac('sha256', csrfKey).update(token).digest('base64url');

  async function startLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { email } = await readJsonObject(req);
    if (typeof email !== 'string' || !email.includes('@')) {
      throw new HttpError(400, 'invalid_email', 'Send { "email": "you@example.com" }');
    }
    const { linkId, pendingRef, maskedEmail } = await client.signInOrUp(email).catch((error: unknown) => {
      throw upstreamFailure(error);
    });
    const handle = logins.add(pendingRef);
    log({ event: 'login.sent', login: tag(handle), linkId });
    sendJson(res, 200, { handle, linkId, maskedEmail: maskedEmail ?? null });
  }

  async function waitForLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // In the body, not the query: proxies and access logs record URLs.
    const { handle = '' } = await readJsonObject(req);
    if (typeof handle !== 'string') throw new HttpError(400, 'invalid_handle', 'Send { "handle": "…" }');
    const login = logins.get(handle);
    if (!login) throw new HttpError(404, 'unknown_login', 'No pending login has this handle: unknown, expired or finished');
    // One upstream poll loop per login: a newer status request (a reload) takes over from the older one.
    login.waiter?.abort(new HttpError(409, 'superseded', 'A newer status request took over'));
    const waiter = new AbortController();
    login.waiter = waiter;
    // The poll lives as long as the HTTP request: a client that goes away stops the upstream polling.
    const gone = () => {
      if (!res.writableEnded) waiter.abort(new Error('the client closed the connection'));
    };
    res.on('close', gone);
    try {
      const timeout = Math.min(waitMs, login.expiresAt - now());
      const session = await client.pollSession(login.pendingRef, { ...poll, timeoutMs: timeout, signal: waiter.signal });
      logins.delete(handle);
      const cookie = refreshCookie(session);
      log({ event: 'login.signed_in', login: tag(handle), userId: session.user?.userId, refreshCookie: cookie !== undefined });
      const { sessionJwt, sessionExpiration, firstSeen, user } = session;
      sendJson(res, 200, { status: 'signed_in', sessionJwt, sessionExpiration, firstSeen, user }, cookie ? { 'set-cookie': cookie } : {});
    } catch (error) {
      if (waiter.signal.aborted) {
        const reason: unknown = waiter.signal.reason;
        log({ event: 'login.wait_aborted', login: tag(handle), reason: reason instanceof HttpError ? reason.code : 'client_gone' });
        if (reason instanceof HttpError) sendError(res, reason);
        return;
      }
      if (error instanceof PollTimeoutError) return sendJson(res, 200, { status: 'pending' });
      if (error instanceof DescopeError && !(error instanceof RateLimitError) && error.status < 500) {
        // Descope no longer knows this pendingRef (expired or redeemed): this login is over.
        logins.delete(handle);
        throw new HttpError(410, 'login_expired', 'This login expired: send a new link');
      }
      throw upstreamFailure(error);
    } finally {
      res.off('close', gone);
      if (login.waiter === waiter) login.waiter = undefined;
    }
  }

  /**
   * `GET /verify?t=…`, what the emailed link opens: a page with a "Sign me in" button, and nothing else.
   * Mail scanners open every link of an email (some in a browser that runs scripts): were this GET to
   * verify, a scanner would hand the session to whoever started the sign-in, a stranger included.
   */
  function confirmPage(url: URL, res: ServerResponse): void {
    const token = url.searchParams.get('t');
    if (!token) return sendPage(res, 400, 'This link is incomplete', 'Open the link from the email again.');
    log({ event: 'verify.confirm_page' });
    sendPage(res, 200, 'Finish signing in', 'Confirm that it is you who asked to sign in.', {
      action: '/verify',
      fields: { t: token, csrf: csrfFor(token) },
      button: 'Sign me in',
    });
  }

  /** `POST /verify` from the confirm page's form: same origin and that page's CSRF token, or 403. */
  async function verifyLink(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = crossOrigin(req);
    const form = refused ? undefined : await readForm(req);
    const token = form?.get('t') ?? '';
    const csrf = Buffer.from(form?.get('csrf') ?? '');
    const expected = Buffer.from(csrfFor(token));
    const reason = refused ?? (token && csrf.length === expected.length && timingSafeEqual(csrf, expected) ? undefined : 'csrf');
    if (reason) {
      log({ event: 'verify.refused', reason });
      return sendPage(res, 403, 'This request was refused', 'Open the link from the email again, and click the button on that page.');
    }
    try {
      await client.verifyToken(token);
      log({ event: 'verify.ok' });
      sendPage(res, 200, 'You are signed in', 'Return to the tab or device where you started: it continues by itself.');
    } catch (error) {
      if (!isEnchantedLinkError(error)) throw error;
      log({ event: 'verify.failed', error: error.name, code: error instanceof DescopeError ? error.errorCode : undefined });
      if (error instanceof DescopeError && error.status < 500) {
        sendPage(res, 400, 'This link is invalid or expired', 'Send a new link from the sign-in page.');
      } else sendPage(res, 502, 'Could not reach the sign-in service', 'Open the link from the email again to retry.');
    }
  }

  const routes: Record<string, { method: string; run: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> }> = {
    '/login': { method: 'POST', run: (req, res) => startLogin(req, res) },
    '/login/status': { method: 'POST', run: (req, res) => waitForLogin(req, res) },
    '/verify': { method: 'GET, POST', run: (req, res, url) => (req.method === 'POST' ? verifyLink(req, res) : Promise.resolve(confirmPage(url, res))) },
    ...(options.sessions ? createSessionRoutes(client, options.sessions, log) : {}),
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    const answer = !route
      ? Promise.reject(new HttpError(404, 'not_found', `No route ${url.pathname}`))
      : !route.method.split(', ').includes(req.method ?? '')
        ? Promise.reject(new HttpError(405, 'method_not_allowed', `Use ${route.method}`, { allow: route.method }))
        : route.run(req, res, url);
    answer.catch((error: unknown) => {
      // Only the path is logged: the query of /verify holds the link token.
      const failure = error instanceof HttpError ? error : new HttpError(500, 'internal', 'Something went wrong');
      log({ event: 'request.failed', path: url.pathname, status: failure.status, error: failure.code, ...(failure.status === 500 ? { name: (error as Error)?.name } : {}) });
      if (!res.headersSent && !res.destroyed) sendError(res, failure);
    });
  };
}
