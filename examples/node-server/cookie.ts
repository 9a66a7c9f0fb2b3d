import type { Session } from 'enchanted-link';

/**
 * The refresh cookie: Descope's default name `DSR` with the `__Host-` prefix, which browsers accept only
 * with `Secure`, `Path=/` and no `Domain`: so no sibling subdomain can set or overwrite it, and clearing it
 * needs exactly these attributes, which {@link CLEAR_REFRESH_COOKIE} has.
 */
export const REFRESH_COOKIE = '__Host-DSR';

// Values come from upstream: refuse anything that could end the attribute or the header early.
const SAFE_VALUE = /^[\w.~+/=-]+$/;

/** The attributes every cookie of this server has (`__Host-` requires the first two; no `Domain`). */
const HOST_ONLY = 'Path=/; HttpOnly; Secure; SameSite=Strict';

/**
 * The `Set-Cookie` value that hands the refresh JWT to the browser without JavaScript ever seeing it:
 * `HttpOnly`, `Secure` (browsers accept it on http://localhost too) and `SameSite=Strict` (the cookie is
 * set by the same-site status request and only ever sent back to this site), `Path=/` and no `Domain`
 * (the `__Host-` rules: the session's `cookiePath` and `cookieDomain` are not used). Max-Age comes from
 * the session. Undefined when the session has no (usable) refresh JWT.
 */
export function refreshCookie(session: Session): string | undefined {
  const { refreshJwt, cookieMaxAge, cookieExpiration } = session;
  if (!refreshJwt || !SAFE_VALUE.test(refreshJwt)) return undefined;
  const attributes = [`${REFRESH_COOKIE}=${refreshJwt}`, HOST_ONLY];
  if (cookieMaxAge !== undefined && Number.isFinite(cookieMaxAge)) attributes.push(`Max-Age=${Math.max(0, Math.floor(cookieMaxAge))}`);
  else if (cookieExpiration !== undefined && Number.isFinite(cookieExpiration)) {
    attributes.push(`Expires=${new Date(cookieExpiration * 1000).toUTCString()}`);
  }
  return attributes.join('; ');
}

/** The `Set-Cookie` value that deletes the refresh cookie: the same name and attributes, `Max-Age=0`. */
export const CLEAR_REFRESH_COOKIE = `${REFRESH_COOKIE}=; ${HOST_ONLY}; Max-Age=0`;

/** A short-lived `__Host-` cookie (`Max-Age` in seconds). */
export const hostCookie = (name: string, value: string, maxAgeSeconds: number) => `${name}=${value}; ${HOST_ONLY}; Max-Age=${maxAgeSeconds}`;

/** The value of the cookie `name` in a request's `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name && value.length > 0) return value.join('=') || undefined;
  }
  return undefined;
}

/** The refresh JWT from a request's `Cookie` header, or undefined. */
export const readRefreshCookie = (header: string | undefined): string | undefined => readCookie(header, REFRESH_COOKIE);
