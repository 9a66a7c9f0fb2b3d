// After sign-in: the session JWT in `__Host-DS`, the refresh JWT in `__Host-DSR`, both HttpOnly. Reading the
// session costs no request to Descope (the validator caches the project's keys); refresh and sign-out read
// the refresh cookie, and accept only posts from a page of the app's own origin.
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import { RequestTimeoutError } from '../../errors/request-timeout-error.js';
import { PATHS } from '../../protocol/paths.js';
import { isEnchantedLinkError } from '../../errors/enchanted-link-error.js';
import { SessionError, SessionExpiredError } from '../../errors/session-errors.js';
import type { Session } from '../../types/session.js';
import type { SessionClaims } from '../claims.js';
import type { Authentication } from './create-server-kit.js';
import { errorFacts, refusedByDescope, upstreamFailure, type KitContext } from './context.js';
import { CLEAR_SESSION, cookieHeaderAfter, readCookie, REFRESH_COOKIE, SESSION_COOKIE, sessionCookies } from './cookies.js';
import { crossOrigin, json, KitError } from './http.js';
import { unverifiedPayload } from '../../utils/jwt-lifetime.js';
import { sleep } from '../../utils/sleep.js';
import { REFRESH_SETTLE_MS } from './refreshes.js';

/**
 * The longest a sign-out waits for Descope to revoke the refresh JWT, in ms. The cookies are cleared
 * whatever Descope answers, so the person is signed out of this browser at once; 5 s is enough for a
 * healthy answer and short enough that a hanging API does not hold the sign-out button.
 */
export const SIGN_OUT_DEADLINE_MS = 5_000;

/**
 * The longest a refresh (`POST /refresh`, or `authenticate` in a middleware) waits for Descope, in ms.
 * Without it a refresh gets the client's bounds (10 s for an attempt that gets no answer, and up to four
 * attempts with backoff while Descope fails transiently), and a middleware holds every page load that long. A healthy refresh answers in well under
 * a second; 5 s leaves room for one retry of a transient failure. Past it `authenticate` answers no session
 * and leaves the cookies as they are (the next request tries again), and `POST /refresh` answers 502.
 * A store that hangs adds at most one `storeTimeoutMs` (the refresh then goes on without it), and a refresh
 * Descope refused waits `REFRESH_SETTLE_MS` more for a racing one: 7.5 s in all with the defaults.
 */
export const REFRESH_DEADLINE_MS = 5_000;

/** What `getSession` and `authenticate` take: a `Request`, or its headers (Next.js `await headers()`). */
export type RequestOrHeaders = Request | Headers;

/** The headers of a request, or the headers themselves (duck-typed: a framework's own `Headers` class passes). */
function headersOf(input: RequestOrHeaders): Headers {
  const headers = (input as Request).headers;
  if (headers && typeof headers.get === 'function') return headers;
  if (typeof (input as Headers).get === 'function') return input as Headers;
  throw new InvalidArgumentError('request', 'expected a Request or its Headers');
}

/** The session JWT a request carries: the session cookie, else `Authorization: Bearer`. */
function sessionJwtOf(headers: Headers): string | undefined {
  return readCookie(headers, SESSION_COOKIE) ?? /^Bearer (\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
}

/** What a refresh came to: the new session and its cookies, or `ended` with the cookies to clear. */
type Refreshed = { session: Session; setCookie: string[] } | { ended: true; setCookie: string[] };

const unauthorized = (code: string, message: string, setCookie: readonly string[] = []) =>
  new KitError(401, code, message, { 'www-authenticate': `Bearer error="invalid_token", error_description="${code}"` }, setCookie);

export function sessionRoutes(kit: KitContext) {
  const { settings, client, validator, refreshes, report } = kit;

  /** The claims of a valid session JWT, undefined for none or a bad one; rejects when the keys cannot be fetched. */
  async function claimsOf(sessionJwt: string | undefined): Promise<SessionClaims | undefined> {
    if (!sessionJwt) return undefined;
    try {
      return await validator.validateSession(sessionJwt);
    } catch (error) {
      if (error instanceof SessionError) return undefined;
      throw error;
    }
  }

  /** Refreshes in flight in this process, by the id (HMAC) of the refresh JWT they spend; removed on settle. */
  const inFlight = new Map<string, Promise<Refreshed>>();

  /**
   * Refreshes from `refreshJwt`: the new session and its cookies, `ended` (Descope refused it: the cookies
   * to clear) or the upstream error. Concurrent calls with the same refresh JWT share one refresh: with
   * rotation, a second refresh would spend a refresh JWT the first already spent, and sign the person out.
   */
  async function refreshFrom(refreshJwt: string): Promise<Refreshed> {
    const id = await refreshes.id(refreshJwt);
    const running = inFlight.get(id);
    if (running) return running;
    const refreshed = refreshOnce(id, refreshJwt).finally(() => inFlight.delete(id));
    inFlight.set(id, refreshed);
    return refreshed;
  }

  /** The session from a racing refresh (on any instance) with the same refresh JWT, as {@link refreshFrom} answers it. */
  function kept(session: Session): Refreshed {
    report({ step: 'refresh', outcome: 'refreshed', status: 200, rotated: session.refreshJwt !== undefined, reason: 'shared' });
    return { session, setCookie: sessionCookies(session, Date.now()) };
  }

  async function refreshOnce(id: string, refreshJwt: string): Promise<Refreshed> {
    // A cookie that is no JWT at all (garbage, or a forged header from a script) never reaches Descope:
    // each such refresh would spend a turn of the request budget the real sign-ins share.
    if (!unverifiedPayload(refreshJwt)) {
      report({ step: 'refresh', outcome: 'ended', status: 401, reason: 'malformed' });
      return { ended: true, setCookie: CLEAR_SESSION };
    }
    // The store only helps a refresh (racing requests share its outcome): once a call of it fails or runs
    // out, this refresh does without it, so a hanging store adds one `storeTimeoutMs`, not one per call.
    let storeUp = true;
    const find = async () => {
      if (!storeUp) return undefined;
      try {
        return await refreshes.find(id);
      } catch {
        storeUp = false;
        return undefined;
      }
    };
    /** What a racing refresh kept: looked up at once, then once more after it had time to write. */
    const racedOutcome = async () => {
      const now = await find();
      if (now || !storeUp) return now;
      await sleep(REFRESH_SETTLE_MS);
      return find();
    };

    const earlier = await find();
    if (earlier) return kept(earlier);
    let session: Session;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new RequestTimeoutError(PATHS.refresh, REFRESH_DEADLINE_MS)), REFRESH_DEADLINE_MS);
    try {
      session = await client.refreshSession(refreshJwt, { signal: deadline.signal });
    } catch (error) {
      // Expired, revoked or not this project's (or not even a token): this browser's session is over,
      // unless a racing refresh spent this refresh JWT (rotation) and kept what it got.
      if (refusedByDescope(error) || error instanceof InvalidArgumentError) {
        // (A value that is no token never reached Descope: nothing raced it.)
        const raced = refusedByDescope(error) ? await racedOutcome() : undefined;
        if (raced) return kept(raced);
        report({ step: 'refresh', outcome: 'ended', status: 401, ...errorFacts(error) });
        return { ended: true, setCookie: CLEAR_SESSION };
      }
      report({ step: 'refresh', outcome: 'failed', status: 502, ...errorFacts(error) });
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (storeUp) await refreshes.keep(id, session);
    // Only a rotated refresh JWT comes back: the cookie for it is set only then.
    report({ step: 'refresh', outcome: 'refreshed', status: 200, rotated: session.refreshJwt !== undefined });
    return { session, setCookie: sessionCookies(session, Date.now()) };
  }

  /** Refuses a post that is not from a page of the app's origin: the cookie alone authenticates it. */
  function sameOriginOnly(request: Request, step: 'refresh' | 'sign-out'): void {
    const refused = crossOrigin(request.headers, settings.origin);
    if (refused) {
      report({ step, outcome: 'refused', status: 403, reason: refused });
      throw new KitError(403, refused, 'Send this request from a page of this site');
    }
  }

  /** `POST /refresh`: a new session cookie from the refresh cookie (and a new refresh cookie when rotated). */
  async function refresh(request: Request): Promise<Response> {
    sameOriginOnly(request, 'refresh');
    const refreshJwt = readCookie(request.headers, REFRESH_COOKIE);
    if (!refreshJwt) {
      report({ step: 'refresh', outcome: 'no-session', status: 401 });
      throw new KitError(401, 'no_session', 'Not signed in');
    }
    let refreshed;
    try {
      refreshed = await refreshFrom(refreshJwt);
    } catch (error) {
      throw upstreamFailure(error);
    }
    if ('ended' in refreshed) throw unauthorized('session_ended', 'Sign in again', refreshed.setCookie);
    const { sessionExpiration, user } = refreshed.session;
    return json(200, { sessionExpiration, ...(user && { user }) }, {}, refreshed.setCookie);
  }

  /** `POST /sign-out` (`?everywhere=true`): revokes the refresh JWT (bounded) and clears the cookies, whatever Descope says. */
  async function signOut(request: Request): Promise<Response> {
    sameOriginOnly(request, 'sign-out');
    const refreshJwt = readCookie(request.headers, REFRESH_COOKIE);
    const everywhere = new URL(request.url).searchParams.get('everywhere') === 'true';
    const reason = everywhere ? { reason: 'everywhere' } : {};
    if (!refreshJwt) report({ step: 'sign-out', outcome: 'local', status: 204, ...reason });
    else {
      const path = everywhere ? PATHS.logoutAll : PATHS.logout;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new RequestTimeoutError(path, SIGN_OUT_DEADLINE_MS)), SIGN_OUT_DEADLINE_MS);
      // What a refresh kept is dropped while Descope revokes (forget never rejects): a hanging store does
      // not add to the sign-out's wait.
      const forgotten = refreshes.forget(refreshJwt);
      try {
        await (everywhere ? client.signOutAll(refreshJwt, { signal: deadline.signal }) : client.signOut(refreshJwt, { signal: deadline.signal }));
        report({ step: 'sign-out', outcome: 'confirmed', status: 204, ...reason });
      } catch (error) {
        // Already expired or revoked, or Descope unreachable: reported, and the cookies go anyway.
        report({ step: 'sign-out', outcome: 'failed', status: 204, ...reason, ...errorFacts(error) });
      } finally {
        clearTimeout(timer);
      }
      await forgotten;
    }
    const headers = new Headers({ 'cache-control': 'no-store' });
    for (const cookie of CLEAR_SESSION) headers.append('set-cookie', cookie);
    return new Response(null, { status: 204, headers });
  }

  /** `GET /session`: the claims of the session (cookie or bearer), or 401; 503 when the keys cannot be fetched. */
  async function session(request: Request): Promise<Response> {
    const sessionJwt = sessionJwtOf(request.headers);
    if (!sessionJwt) throw unauthorized('no_session', 'Not signed in');
    try {
      const { userId, expiresAtSeconds, roles, permissions, tenants } = await validator.validateSession(sessionJwt);
      return json(200, { userId, expiresAtSeconds, roles, permissions, tenants });
    } catch (error) {
      if (error instanceof SessionExpiredError) throw unauthorized('session_expired', 'The session expired: refresh it and retry');
      if (error instanceof SessionError) throw unauthorized('invalid_session', 'Sign in again');
      if (isEnchantedLinkError(error)) throw new KitError(503, 'keys_unavailable', 'The session cannot be checked right now');
      throw error;
    }
  }

  /** See {@link ServerKit.getSession}. */
  async function getSession(input: RequestOrHeaders): Promise<SessionClaims | undefined> {
    return claimsOf(sessionJwtOf(headersOf(input)));
  }

  /** See {@link ServerKit.authenticate}. */
  async function authenticate(input: RequestOrHeaders): Promise<Authentication> {
    const headers = headersOf(input);
    const cookieHeader = headers.get('cookie') ?? '';
    const unchanged = (claims: SessionClaims | undefined): Authentication => ({ claims, setCookie: [], cookieHeader });
    const claims = await claimsOf(sessionJwtOf(headers));
    if (claims) return unchanged(claims);
    const refreshJwt = readCookie(headers, REFRESH_COOKIE);
    if (!refreshJwt) return unchanged(undefined);
    let refreshed;
    try {
      refreshed = await refreshFrom(refreshJwt);
    } catch {
      // Descope unreachable: no session this time, and the cookies stay for the next request.
      return unchanged(undefined);
    }
    const { setCookie } = refreshed;
    const after = { setCookie: [...setCookie], cookieHeader: cookieHeaderAfter(cookieHeader, setCookie) };
    if ('ended' in refreshed) return { claims: undefined, ...after };
    try {
      return { claims: await claimsOf(refreshed.session.sessionJwt), ...after };
    } catch {
      // The keys cannot be fetched right now. The cookies must go out all the same: with rotation, the
      // browser's refresh JWT was just spent, and keeping it would sign the person out later.
      return { claims: undefined, ...after };
    }
  }

  return { refresh, signOut, session, getSession, authenticate };
}
