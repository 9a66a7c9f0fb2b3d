// Session JWTs for keeper tests: the keeper times refreshes from the JWT's own lifetime (`exp - iat`), so
// test sessions carry a readable payload. They are not signed (the keeper never checks signatures); the
// signature part is a tag, `session-<n>`, that the tests compare.
import { expect } from 'vitest';

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
