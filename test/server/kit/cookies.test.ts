// The kit's cookies are sized by what a session JWT claims of its own lifetime: a claim from a misbehaving
// server (or a proxy at `baseUrl`) must still give a cookie browsers honour and that ends.
import { describe, expect, it } from 'vitest';
import { sessionCookies, setCookie } from '../../../src/server/kit/cookies.js';

/** An unsigned JWT with `payload` as written (a literal, so `1e400` stays what a server could send). */
const jwt = (payload: string) => `eyJhbGciOiJub25lIn0.${Buffer.from(payload).toString('base64url')}.c2ln`;
const maxAge = (cookie: string | undefined) => /Max-Age=([^;]*)$/.exec(cookie ?? '')?.[1];

describe('server kit cookies', () => {
  it('keep Max-Age a whole number of seconds from 0 to 400 days', () => {
    expect(maxAge(setCookie('a', 'b', 90.7))).toBe('90');
    expect(maxAge(setCookie('a', 'b', -5))).toBe('0');
    expect(maxAge(setCookie('a', 'b', Number.NaN))).toBe('0');
    expect(maxAge(setCookie('a', 'b', Number.POSITIVE_INFINITY))).toBe(String(400 * 86_400));
    expect(maxAge(setCookie('a', 'b', 10 * 365 * 86_400))).toBe(String(400 * 86_400));
  });

  it('size the session cookie by the JWT, but never as Infinity or beyond 400 days', () => {
    const [normal] = sessionCookies({ sessionJwt: jwt('{"iat":1000,"exp":1600}') }, 0);
    expect(maxAge(normal)).toBe('600');
    const [endless] = sessionCookies({ sessionJwt: jwt('{"iat":1000,"exp":1e400}') }, 0);
    // No usable lifetime: the fallback (10 minutes), not `Max-Age=Infinity`, which browsers ignore.
    expect(maxAge(endless)).toBe('600');
    const [years] = sessionCookies({ sessionJwt: jwt('{"iat":0,"exp":99999999999}') }, 0);
    expect(maxAge(years)).toBe(String(400 * 86_400));
  });
});
