// The kit's cookies. All `__Host-`: browsers accept such a cookie only with `Secure`, `Path=/` and no
// `Domain`, so no sibling subdomain can set or overwrite it, and clearing it needs exactly these
// attributes. `HttpOnly`: no script of the page reads a JWT. `SameSite=Strict`: another site's page never
// makes the browser send them. (Browsers accept `Secure` cookies on http://localhost and http://127.0.0.1.)
import type { Session } from '../../types/session.js';
import { lifetimeMs } from '../../utils/jwt-lifetime.js';

/** The session JWT's cookie (Descope's default name `DS`, with the `__Host-` prefix). */
export const SESSION_COOKIE = '__Host-DS';
/** The refresh JWT's cookie (Descope's default name `DSR`, with the `__Host-` prefix). */
export const REFRESH_COOKIE = '__Host-DSR';
/** The random id of the browser that opened a confirm page: the CSRF token is bound to it. */
export const BROWSER_COOKIE = '__Host-confirm-browser';

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';
// Values come from upstream: refuse anything that could end the attribute or the header early.
const SAFE_VALUE = /^[\w.~+/=-]+$/;

/**
 * The longest a cookie the kit sets may live, in seconds: 400 days, the cap browsers apply anyway (RFC 6265bis).
 * A JWT's claimed lifetime sizes the session cookie, and a JWT from a misbehaving server (or a proxy at
 * `baseUrl`) may claim years.
 */
const MAX_COOKIE_AGE_SECONDS = 400 * 24 * 60 * 60;

/** A `Set-Cookie` value for `name`, living `maxAgeSeconds`, kept within 0 to 400 days (NaN counts as 0). */
export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  const seconds = Number.isNaN(maxAgeSeconds) ? 0 : Math.min(MAX_COOKIE_AGE_SECONDS, Math.max(0, maxAgeSeconds));
  return `${name}=${value}; ${ATTRIBUTES}; Max-Age=${Math.floor(seconds)}`;
}

/** The `Set-Cookie` value that deletes `name`: the same name and attributes, `Max-Age=0`. */
export const clearCookie = (name: string): string => `${name}=; ${ATTRIBUTES}; Max-Age=0`;

/** Both session cookies cleared: a session that ended, a sign-out. */
export const CLEAR_SESSION = [clearCookie(SESSION_COOKIE), clearCookie(REFRESH_COOKIE)];

/**
 * How long a session JWT lives, in seconds: its own `exp - iat` when it says (Descope's clock on both
 * sides, so a server clock that is off changes nothing), else `sessionExpiration` from now on this clock,
 * else 10 minutes (Descope's default). Read only to size the cookie: the JWT is checked where it is used.
 */
function sessionSeconds(sessionJwt: string, sessionExpiration: number | undefined, nowMs: number): number {
  const lifetime = lifetimeMs(sessionJwt);
  if (lifetime !== undefined) return lifetime / 1000;
  return sessionExpiration !== undefined && Number.isFinite(sessionExpiration) ? sessionExpiration - nowMs / 1000 : 600;
}

/**
 * The cookies a session is handed over in: the session JWT for its lifetime (see above; the emulator's
 * and Descope's 10 minutes by default) and, when the answer has one, the refresh JWT for the session's
 * `cookieMaxAge` (or until its `cookieExpiration`). The session's `cookieDomain` and `cookiePath` are not
 * used: `__Host-` forbids them. A value that is no JWT is not set.
 */
export function sessionCookies(session: Session, nowMs: number): string[] {
  const cookies: string[] = [];
  const { sessionJwt, refreshJwt, sessionExpiration, cookieMaxAge, cookieExpiration } = session;
  if (SAFE_VALUE.test(sessionJwt)) cookies.push(setCookie(SESSION_COOKIE, sessionJwt, sessionSeconds(sessionJwt, sessionExpiration, nowMs)));
  if (refreshJwt && SAFE_VALUE.test(refreshJwt)) {
    const seconds =
      cookieMaxAge !== undefined && Number.isFinite(cookieMaxAge)
        ? cookieMaxAge
        : cookieExpiration !== undefined && Number.isFinite(cookieExpiration)
          ? cookieExpiration - nowMs / 1000
          : // Descope's default refresh lifetime (4 weeks) when the answer says nothing.
            28 * 24 * 3600;
    cookies.push(setCookie(REFRESH_COOKIE, refreshJwt, seconds));
  }
  return cookies;
}

/** The value of the cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(headers: Headers, name: string): string | undefined {
  for (const pair of (headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name && value.length > 0) return value.join('=') || undefined;
  }
  return undefined;
}

/**
 * The `Cookie` header `cookieHeader` becomes once a browser has applied `setCookie` (values the kit wrote:
 * `name=value; attributes`, `Max-Age=0` to delete): set cookies replace their pair in place or are added at
 * the end, deleted ones are dropped, every other pair stays as it was, in order.
 */
export function cookieHeaderAfter(cookieHeader: string, setCookie: readonly string[]): string {
  if (setCookie.length === 0) return cookieHeader;
  const nameOf = (pair: string) => pair.split('=', 1)[0]!.trim();
  let pairs = cookieHeader.split(';').map((pair) => pair.trim()).filter(Boolean);
  for (const line of setCookie) {
    const [set = '', ...attributes] = line.split(';');
    const name = nameOf(set);
    const removed = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
    let replaced = false;
    // The first pair of that name takes the new value in place; any further ones (and all, when deleted) go.
    pairs = pairs.flatMap((pair) => {
      if (nameOf(pair) !== name) return [pair];
      if (removed || replaced) return [];
      replaced = true;
      return [set.trim()];
    });
    if (!removed && !replaced) pairs.push(set.trim());
  }
  return pairs.join('; ');
}
