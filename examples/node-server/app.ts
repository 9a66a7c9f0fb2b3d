// The login API on node:http. The browser never sees the pendingRef (it gets a handle) nor the refresh JWT
// (an HttpOnly cookie); the server never logs a link token, a handle or a JWT, and no secret travels in a
// URL it serves except the emailed link's own `t`, which `GET /verify` never sends to Descope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DescopeError,
  InvalidArgumentError,
  PollTimeoutError,
  RateLimitError,
  isEnchantedLinkError,
  readBindingFromUrl,
  type EnchantedLinkClient,
  type PollOptions,
} from 'enchanted-link';
import { hostCookie, readCookie, refreshCookie } from './cookie.js';
import { BROWSER_COOKIE, CSRF_TTL_MS, CsrfTokens } from './csrf.js';
import { describeDevice } from './device.js';
import { crossOrigin, HttpError, originOf, readForm, readJsonObject, sendError, sendJson, sendPage } from './http.js';
import { RateLimiter, type LoginLimits } from './limits.js';
import { LoginStore, type PendingLogin } from './logins.js';
import { SIGN_IN_PAGE_SCRIPT } from './sign-in-page.js';
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
  /**
   * The key that signs the confirm form's CSRF tokens: at least 32 bytes of secret, from configuration, the
   * same on every instance (so any instance accepts a token another one issued). Required.
   */
  csrfKey: string | Uint8Array;
  /**
   * This server's public URL (`https://app.example.com`): the origin the origin check expects, scheme
   * included. Default: the scheme of the socket and the `Host` header (set it behind a TLS-terminating proxy).
   */
  publicUrl?: string;
  /** Limits on `POST /login` per IP address and per email address; see {@link LoginLimits}. */
  loginLimits?: LoginLimits;
  /** The pending logins. Default: a store of this process; instances behind one address must share one. */
  logins?: LoginStore;
}

const logToStdout = (entry: LogEntry): void => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

/** Enough of a handle to follow one login through the logs, not enough to use it. */
const tag = (handle: string): string => handle.slice(0, 6);

/** What the browser is told when Descope (or the way to it) failed; the SDK's messages hold no secret. */
/** What the waiting screen is told after a wrong number on the confirm page. */
const wrongNumber = () =>
  new HttpError(410, 'wrong_number', 'Someone opened your sign-in link without knowing the number shown here, so this sign-in was stopped. If it was you, send a new link.');

function upstreamFailure(error: unknown): HttpError {
  if (error instanceof InvalidArgumentError) return new HttpError(400, 'invalid_argument', `Invalid ${error.argument}`);
  if (error instanceof RateLimitError) {
    return new HttpError(429, 'rate_limited', 'Too many attempts', { 'retry-after': String(error.retryAfter) });
  }
  if (error instanceof DescopeError && error.status < 500) return new HttpError(400, 'rejected', `Descope refused: ${error.errorCode}`);
  if (isEnchantedLinkError(error)) return new HttpError(502, 'upstream_unavailable', 'The sign-in service could not be reached');
  throw error;
}

/** The abort reason that wakes a waiting status request after a confirm: it polls again at once. */
const WOKEN = Symbol('woken');

/** A request handler for `http.createServer()`. Every route answers JSON except the pages (`/`, `/verify`). */
export function createLoginHandler(options: LoginServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { client, log = logToStdout, loginTtlMs = 300_000, waitMs = 25_000, poll = {}, now = Date.now, publicUrl, loginLimits = {} } = options;
  const logins = options.logins ?? new LoginStore(loginTtlMs, now);
  const csrf = new CsrfTokens(options.csrfKey, now);
  const { perIp = 20, perAddress = 5, windowMs = 10 * 60_000 } = loginLimits;
  const byIp = new RateLimiter(perIp, windowMs, now);
  const byAddress = new RateLimiter(perAddress, windowMs, now);
  // Confirmed logins whose status request should poll again at once, not after the poll interval.
  const wake = (login: PendingLogin) => login.waiter?.abort(WOKEN);

  async function startLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { email } = await readJsonObject(req);
    if (typeof email !== 'string' || !email.includes('@')) {
      throw new HttpError(400, 'invalid_email', 'Send { "email": "you@example.com" }');
    }
    // Counted before Descope is called: each send emails three live links to someone.
    const ip = req.socket.remoteAddress ?? 'unknown';
    const address = email.trim().toLowerCase();
    // A refused attempt counts against the IP address all the same (many addresses tried from one IP).
    const wait = byIp.hit(ip) || byAddress.hit(address);
    if (wait) {
      log({ event: 'login.limited' });
      throw new HttpError(429, 'rate_limited', 'Too many sign-in emails: wait, then try again', { 'retry-after': String(wait) });
    }
    const sent = await client.signInOrUp(email).catch((error: unknown) => {
      // A 429 (Descope's, or the request budget's refusal to wait past the call's timeout) sent no email:
      // the retry the answer asks for must not count against the person's limits.
      if (error instanceof RateLimitError) {
        byIp.refund(ip);
        byAddress.refund(address);
      }
      throw upstreamFailure(error);
    });
    const { linkId, pendingRef, maskedEmail, binding } = sent;
    // The client adds a binding whenever it has a redirect URL, which this server always gives it.
    if (!binding) throw new Error('The client has no redirectUrl: links would carry no binding');
    const handle = logins.add({ pendingRef, binding, linkId, maskedEmail, device: describeDevice(req.headers['user-agent']), startedAt: now() });
    log({ event: 'login.sent', login: tag(handle), linkId });
    sendJson(res, 200, { handle, linkId, maskedEmail: maskedEmail ?? null });
  }

  async function waitForLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // In the body, not the query: proxies and access logs record URLs.
    const { handle = '' } = await readJsonObject(req);
    if (typeof handle !== 'string') throw new HttpError(400, 'invalid_handle', 'Send { "handle": "…" }');
    const login = logins.get(handle);
    if (!login) throw new HttpError(404, 'unknown_login', 'No pending login has this handle: unknown, expired or finished');
    if (login.refused) {
      logins.delete(handle);
      throw wrongNumber();
    }
    // One upstream poll loop per login: a newer status request (a reload) takes over from the older one.
    login.waiter?.abort(new HttpError(409, 'superseded', 'A newer status request took over'));
    let waiter = new AbortController();
    login.waiter = waiter;
    // The poll lives as long as the HTTP request: a client that goes away stops the upstream polling.
    const gone = () => {
      if (!res.writableEnded) waiter.abort(new Error('the client closed the connection'));
    };
    res.on('close', gone);
    try {
      const deadline = Math.min(now() + waitMs, login.expiresAt);
      for (;;) {
        try {
          const session = await client.pollSession(login.pendingRef, { ...poll, timeoutMs: Math.max(1, deadline - now()), signal: waiter.signal });
          logins.delete(handle);
          const cookie = refreshCookie(session);
          log({ event: 'login.signed_in', login: tag(handle), userId: session.user?.userId, refreshCookie: cookie !== undefined });
          const { sessionJwt, sessionExpiration, firstSeen, user } = session;
          return sendJson(res, 200, { status: 'signed_in', sessionJwt, sessionExpiration, firstSeen, user }, cookie ? { 'set-cookie': cookie } : {});
        } catch (error) {
          // A confirm on another device woke this login: poll again now (a new poll's first check is immediate).
          if (!waiter.signal.aborted || waiter.signal.reason !== WOKEN) throw error;
          waiter = new AbortController();
          login.waiter = waiter;
        }
      }
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
   * `GET /verify?el_binding=…&t=…`, what the emailed link opens: a confirm page, and nothing else (Descope is
   * not called). It shows what the server knows and a scanner cannot forge (the masked address, the device
   * that asked, when) and asks for the number shown where the sign-in started. Mail scanners open every
   * link, and some render the page and click its buttons: only the person who saw the waiting screen knows
   * the number.
   */
  function confirmPage(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const token = url.searchParams.get('t');
    const binding = readBindingFromUrl(url) ?? '';
    const found = token ? logins.byBinding(binding) : undefined;
    if (!token) return sendPage(res, 400, 'This link is incomplete', 'Open the link from the email again.');
    if (!found) {
      log({ event: 'verify.unknown_link' });
      return sendPage(res, 410, 'This link can no longer be used', 'It expired, was used, or its sign-in was stopped. Send a new link from the sign-in page.');
    }
    const { login } = found;
    log({ event: 'verify.confirm_page', login: tag(found.handle) });
    // The browser this page is shown in; the CSRF token is good for this browser and this sign-in only.
    const browserId = readCookie(req.headers.cookie, BROWSER_COOKIE) ?? CsrfTokens.newBrowserId();
    const minutesAgo = Math.max(0, Math.round((now() - login.startedAt) / 60_000));
    sendPage(res, 200, 'Finish signing in', 'Type the number shown on the screen where you asked to sign in. If you did not ask, close this page.', {
      details: [
        `Account: ${login.maskedEmail ?? 'your email address'}`,
        `Asked from: ${login.device}`,
        `Asked at: ${new Date(login.startedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC (${minutesAgo === 0 ? 'just now' : `${minutesAgo} min ago`})`,
      ],
      form: {
        action: '/verify',
        fields: { t: token, binding, csrf: csrf.issue(binding, browserId) },
        input: { name: 'number', label: 'Number shown where you started', pattern: '[0-9]{1,3}' },
        button: 'Sign in',
      },
      headers: { 'set-cookie': hostCookie(BROWSER_COOKIE, browserId, CSRF_TTL_MS / 1000) },
    });
  }

  /**
   * `POST /verify` from the confirm page's form: same origin and that page's CSRF token (this sign-in, this
   * browser, not expired), or 403 calling nothing. Then the number: the right one verifies, a wrong one
   * ends the sign-in without calling Descope.
   */
  async function verifyLink(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = crossOrigin(req, originOf(req, publicUrl));
    const form = refused ? undefined : await readForm(req);
    const token = form?.get('t') ?? '';
    const binding = form?.get('binding') ?? '';
    const browserId = readCookie(req.headers.cookie, BROWSER_COOKIE) ?? '';
    const reason = refused ?? (token && csrf.accepts(form?.get('csrf') ?? '', binding, browserId) ? undefined : 'csrf');
    if (reason) {
      log({ event: 'verify.refused', reason });
      return sendPage(res, 403, 'This request was refused', 'Open the link from the email again, and confirm on that page.');
    }
    const found = logins.byBinding(binding);
    if (!found) {
      log({ event: 'verify.unknown_link' });
      return sendPage(res, 410, 'This link can no longer be used', 'It expired, was used, or its sign-in was stopped. Send a new link from the sign-in page.');
    }
    const { handle, login } = found;
    if ((form?.get('number') ?? '').trim() !== login.linkId) {
      // Whoever typed this did not see the waiting screen: end the sign-in, never let them try again.
      // The waiting screen is told now; if none is waiting, the next status request says it.
      login.refused = true;
      if (login.waiter) {
        login.waiter.abort(wrongNumber());
        logins.delete(handle);
      }
      log({ event: 'verify.wrong_number', login: tag(handle) });
      return sendPage(res, 400, 'Wrong number: this sign-in was stopped', 'That is not the number shown where the sign-in started. Nobody was signed in; start again from the sign-in page if it was you.');
    }
    try {
      await client.verifyToken(token);
      log({ event: 'verify.ok', login: tag(handle) });
      wake(login);
      sendPage(res, 200, 'You are signed in', 'Return to the tab or device where you started: it continues by itself.');
    } catch (error) {
      if (!isEnchantedLinkError(error)) throw error;
      log({ event: 'verify.failed', error: error.name, code: error instanceof DescopeError ? error.errorCode : undefined });
      if (error instanceof RateLimitError) {
        // Busy, not invalid: nothing was verified and the link still works. Say when to come back.
        const retryAfter = String(Math.max(1, error.retryAfter));
        sendPage(res, 429, 'Too many sign-ins right now', `Nothing was confirmed and your link still works: open it again in ${retryAfter} s.`, { headers: { 'retry-after': retryAfter } });
      } else if (error instanceof DescopeError && error.status < 500) {
        sendPage(res, 400, 'This link is invalid or expired', 'Send a new link from the sign-in page.');
      } else sendPage(res, 502, 'Could not reach the sign-in service', 'Open the link from the email again to retry.');
    }
  }

  /** `GET /`: the sign-in page, with its waiting screen (the number to type, and what became of the sign-in). */
  function signInPage(res: ServerResponse): void {
    sendPage(res, 200, 'Sign in', 'We email you three numbered links: open the one with the number shown here.', {
      form: { action: '/login', fields: {}, input: { name: 'email', label: 'Email', pattern: '[^@ ]+@[^@ ]+' }, button: 'Email me a link' },
      script: SIGN_IN_PAGE_SCRIPT,
    });
  }

  const routes: Record<string, { method: string; run: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> }> = {
    '/login': { method: 'POST', run: (req, res) => startLogin(req, res) },
    '/login/status': { method: 'POST', run: (req, res) => waitForLogin(req, res) },
    '/verify': { method: 'GET, POST', run: (req, res, url) => (req.method === 'POST' ? verifyLink(req, res) : Promise.resolve(confirmPage(req, res, url))) },
    '/': { method: 'GET', run: (_, res) => Promise.resolve(signInPage(res)) },
    ...(options.sessions ? createSessionRoutes(client, options.sessions, log, publicUrl) : {}),
  };

  return (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', originOf(req, publicUrl));
    } catch {
      url = new URL(req.url ?? '/', 'http://localhost'); // a Host header that is no host name
    }
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
