// Session JWTs for keeper tests: the keeper times refreshes from the JWT's own lifetime (`exp - iat`), so
// test sessions carry a readable payload. They are not signed (the keeper never checks signatures); the
// signature part is a tag, `session-<n>`, that the tests compare.
import { expect, vi } from 'vitest';
import type { Session, SessionKeeperClient } from '../../src/index.js';

/** Descope's default session lifetime. */
export const SESSION_MS = 10 * 60_000;

const base64url = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** A session JWT tagged `session-<n>`, living `lifetimeMs`, issued at `issuedAtMs` by the server's clock. */
export const jwt = (n: number, lifetimeMs = SESSION_MS, issuedAtMs = Date.now()): string =>
  `${base64url('{"alg":"RS256"}')}.${base64url(JSON.stringify({ iat: Math.floor(issuedAtMs / 1000), exp: Math.floor((issuedAtMs + lifetimeMs) / 1000), drn: 'DS' }))}.session-${n}`;

/** The tag of a session JWT (`session-<n>`). */
export const tagOf = (sessionJwt: string | undefined): string | undefined => sessionJwt?.split('.')[2];

/** Matches a session JWT tagged `session-<n>`. */
export const tagged = (n: number): unknown => expect.stringMatching(new RegExp(`\\.session-${n}$`));

/** A server whose clock is `skewMs` ahead of the device's, issuing sessions that live `lifetimeMs`. */
export function server(skewMs: number, lifetimeMs = SESSION_MS) {
  let n = 0;
  const issue = (): Session => {
    const issuedAt = Date.now() + skewMs;
    n++;
    return { sessionJwt: jwt(n, lifetimeMs, issuedAt), refreshJwt: `refresh-${n}`, sessionExpiration: Math.floor((issuedAt + lifetimeMs) / 1000) };
  };
  const client = {
    refreshSession: vi.fn(async (_refreshJwt: string) => issue()),
    signOut: vi.fn(async () => {}),
    signOutAll: vi.fn(async () => {}),
  } satisfies SessionKeeperClient;
  return { client, issue };
}
