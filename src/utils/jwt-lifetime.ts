// Read, never trusted: a session JWT's own lifetime sizes a refresh timer (keeper) or a cookie (server kit),
// and a refresh cookie that is no JWT at all is refused before it costs a request (server kit); the JWT
// itself is checked where it is used. Both issue times are the issuer's clock, so a device or
// server clock that is off changes nothing.

/** A JWT's payload, decoded but not verified; `undefined` when it is not three parts with a JSON object in the middle. */
export function unverifiedPayload(jwt: string): Record<string, unknown> | undefined {
  try {
    const parts = jwt.split('.');
    if (parts.length !== 3) return undefined;
    const payload: unknown = JSON.parse(atob(parts[1]!.replaceAll('-', '+').replaceAll('_', '/')));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The session JWT's lifetime (`exp - iat`, ms), or `undefined` when it has no readable `iat` and `exp`. */
export function lifetimeMs(sessionJwt: string): number | undefined {
  const { iat, exp } = unverifiedPayload(sessionJwt) ?? {};
  // Finite: `"exp": 1e400` parses to Infinity, which would make a timer or a cookie that never ends.
  if (typeof iat === 'number' && typeof exp === 'number' && exp > iat && Number.isFinite(exp - iat)) return (exp - iat) * 1000;
  return undefined;
}
