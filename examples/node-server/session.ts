// After sign-in: the routes a backend puts around the session. The session JWT travels in
// `Authorization: Bearer …` (the page keeps it in memory); the refresh JWT only in the HttpOnly cookie.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DescopeError, RateLimitError, isEnchantedLinkError, type EnchantedLinkClient } from 'enchanted-link';
import { SessionError, SessionExpiredError, type SessionClaims, type SessionValidator } from 'enchanted-link/server';
import { CLEAR_REFRESH_COOKIE, readRefreshCookie, refreshCookie } from './cookie.js';
import { crossOrigin, HttpError, originOf, sendJson } from './http.js';

type Route = { method: string; run: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> };
type Log = (entry: { event: string; [field: string]: unknown }) => void;

/**
 * The check to put in front of every protected route: the claims of a valid session JWT, or a 401
 * (`session_expired`: refresh and retry; `invalid_session`: sign in again). A key fetch failure is a 503.
 */
export async function requireSession(sessions: SessionValidator, req: IncomingMessage): Promise<SessionClaims> {
  const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
  try {
    return await sessions.validateSession(token);
  } catch (error) {
    if (error instanceof SessionExpiredError) throw unauthorized('session_expired', 'The session expired: refresh it and retry');
    if (error instanceof SessionError) throw unauthorized('invalid_session', 'Sign in again');
    if (isEnchantedLinkError(error)) throw new HttpError(503, 'keys_unavailable', 'The session cannot be checked right now');
    throw error;
  }
}

const unauthorized = (code: string, message: string) =>
  new HttpError(401, code, message, { 'www-authenticate': `Bearer error="invalid_token", error_description="${code}"` });

export function createSessionRoutes(client: EnchantedLinkClient, sessions: SessionValidator, log: Log, publicUrl?: string): Record<string, Route> {
  const sameOriginOnly = (req: IncomingMessage) => refuseCrossOrigin(req, originOf(req, publicUrl));

  /** A protected route: who is signed in, from the session JWT alone (no call to Descope). */
  async function me(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { userId, expiresAtSeconds, roles, permissions, tenants } = await requireSession(sessions, req);
    sendJson(res, 200, { userId, expiresAtSeconds, roles, permissions, tenants });
  }

  /** A new session JWT from the HttpOnly refresh cookie; a new cookie when Descope rotated the refresh JWT. */
  async function refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    sameOriginOnly(req);
    const refreshJwt = readRefreshCookie(req.headers.cookie);
    if (!refreshJwt) throw new HttpError(401, 'no_session', 'Not signed in');
    try {
      const session = await client.refreshSession(refreshJwt);
      const cookie = session.refreshJwt ? refreshCookie(session) : undefined;
      log({ event: 'session.refreshed', userId: session.user?.userId, rotated: cookie !== undefined });
      sendJson(res, 200, { sessionJwt: session.sessionJwt, sessionExpiration: session.sessionExpiration }, cookie ? { 'set-cookie': cookie } : {});
    } catch (error) {
      if (error instanceof DescopeError && error.status === 401) {
        // Expired, revoked or not ours: this browser's session is over, so is its cookie.
        log({ event: 'session.refresh_refused', code: error.errorCode });
        throw new HttpError(401, 'session_ended', 'Sign in again', { 'set-cookie': CLEAR_REFRESH_COOKIE });
      }
      throw upstream(error);
    }
  }

  /** Revokes the refresh JWT at Descope and clears the cookie, whatever Descope answered. */
  async function signOut(req: IncomingMessage, res: ServerResponse): Promise<void> {
    sameOriginOnly(req);
    const refreshJwt = readRefreshCookie(req.headers.cookie);
    const everywhere = new URL(req.url ?? '/', 'http://localhost').searchParams.get('everywhere') === 'true';
    if (refreshJwt) {
      await (everywhere ? client.signOutAll(refreshJwt) : client.signOut(refreshJwt)).then(
        () => log({ event: 'session.signed_out', everywhere }),
        // Already expired or revoked is fine; anything else is logged, and the cookie goes anyway.
        (error: unknown) => log({ event: 'session.sign_out_failed', error: isEnchantedLinkError(error) ? error.name : 'unknown' }),
      );
    }
    res.writeHead(204, { 'set-cookie': CLEAR_REFRESH_COOKIE, 'cache-control': 'no-store' });
    res.end();
  }

  return {
    '/me': { method: 'GET', run: (req, res) => me(req, res) },
    '/session/refresh': { method: 'POST', run: (req, res) => refresh(req, res) },
    '/session/sign-out': { method: 'POST', run: (req, res) => signOut(req, res) },
  };
}

/**
 * The cookie alone authenticates these posts, and a browser attaches it to a request another site starts
 * (SameSite stops most, not a sibling subdomain's): only a page of this origin may refresh or sign out.
 */
function refuseCrossOrigin(req: IncomingMessage, origin: string): void {
  const refused = crossOrigin(req, origin);
  if (refused) throw new HttpError(403, refused, 'Send this request from a page of this site');
}

function upstream(error: unknown): HttpError {
  if (error instanceof RateLimitError) return new HttpError(429, 'rate_limited', 'Too many attempts', { 'retry-after': String(error.retryAfter) });
  if (isEnchantedLinkError(error)) return new HttpError(502, 'upstream_unavailable', 'The sign-in service could not be reached');
  throw error;
}
