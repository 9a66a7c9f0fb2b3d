import type { Session } from 'enchanted-link';

/** Descope's default name for the refresh cookie. */
export const REFRESH_COOKIE = 'DSR';

// Values come from upstream: refuse anything that could end the attribute or the header early.
const SAFE_VALUE = /^[\w.~+/=-]+$/;
const SAFE_ATTRIBUTE = /^[\w.~/-]*$/;

/**
 * The `Set-Cookie` value that hands the refresh JWT to the browser without JavaScript ever seeing it:
 * `HttpOnly`, `Secure` (browsers accept it on http://localhost too) and `SameSite=Strict` (the cookie is
 * set by the same-site status request and only ever sent back to this site). Path, Domain and Max-Age
 * come from the session's cookie fields. Undefined when the session has no (usable) refresh JWT.
 */
export function refreshCookie(session: Session): string | undefined {
  const { refreshJwt, cookiePath, cookieDomain, cookieMaxAge, cookieExpiration } = session;
  if (!refreshJwt || !SAFE_VALUE.test(refreshJwt)) return undefined;
  const attributes = [`${REFRESH_COOKIE}=${refreshJwt}`, `Path=${cookiePath && SAFE_ATTRIBUTE.test(cookiePath) ? cookiePath : '/'}`];
  if (cookieDomain && SAFE_ATTRIBUTE.test(cookieDomain)) attributes.push(`Domain=${cookieDomain}`);
  if (cookieMaxAge !== undefined && Number.isFinite(cookieMaxAge)) attributes.push(`Max-Age=${Math.max(0, Math.floor(cookieMaxAge))}`);
  else if (cookieExpiration !== undefined && Number.isFinite(cookieExpiration)) {
    attributes.push(`Expires=${new Date(cookieExpiration * 1000).toUTCString()}`);
  }
  attributes.push('HttpOnly', 'Secure', 'SameSite=Strict');
  return attributes.join('; ');
}

/** The `Set-Cookie` value that deletes the refresh cookie (same name, path and flags, `Max-Age=0`). */
export const CLEAR_REFRESH_COOKIE = `${REFRESH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;

/** The refresh JWT from a request's `Cookie` header, or undefined. */
export function readRefreshCookie(header: string | undefined): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === REFRESH_COOKIE && value.length > 0) return value.join('=') || undefined;
  }
  return undefined;
}
