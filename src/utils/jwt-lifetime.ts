// Read, never trusted: a session JWT's own lifetime sizes a refresh timer (keeper) or a cookie (server kit);
// the JWT itself is checked where it is used. Both issue times are the issuer's clock, so a device or
// server clock that is off changes nothing.

/** The session JWT's lifetime (`exp - iat`, ms), or `undefined` when it has no readable `iat` and `exp`. */
export function lifetimeMs(sessionJwt: string): number | undefined {
  try {
    const base64 = sessionJwt.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/');
    const { iat, exp } = JSON.parse(atob(base64)) as { iat?: unknown; exp?: unknown };
    if (typeof iat === 'number' && typeof exp === 'number' && exp > iat) return (exp - iat) * 1000;
  } catch {
    // Not a JWT with a readable payload: no lifetime.
  }
  return undefined;
}
