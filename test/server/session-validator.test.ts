// SessionValidator against tokens signed here with jose, served by a counting key endpoint: every way a
// token can be wrong, the typed claims, and how often the keys are fetched.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DescopeError, EnchantedLinkError, InvalidArgumentError, NetworkError } from '../../src/index.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  InvalidSessionError,
  KEYS_DEADLINE_MS,
  MAX_KEYS,
  MAX_KEYS_BYTES,
  SessionError,
  SessionExpiredError,
  SessionValidator,
  type InvalidSessionReason,
} from '../../src/server/index.js';
import { FAILED_FETCH_FLOOR_MS } from '../../src/server/project-keys.js';

const PROJECT_ID = 'P2aAc4T2V93bddihGEx2Ryhc8e5Z';
const KEYS_URL = `https://api.descope.com/v2/keys/${PROJECT_ID}`;
const REGIONAL_ID = 'Puse1aAc4T2V93bddihGEx2Ryhc8e5Z'.padEnd(32, 'x');
const NOW = 1_800_000_000; // Unix seconds

interface Key {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string, alg = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let rsa: Key;
let ec: Key;
let stranger: Key; // same kid as `rsa`, another key pair: a forgery
beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([makeKey('k1'), makeKey('k2', 'ES256'), makeKey('k1')]);
});

/** The published keys, and the requests made for them. */
let published: JWK[];
let keyFetches: string[];
let answerKeys: () => Response | Promise<Response>;
const fetchKeys = async (input: Request): Promise<Response> => {
  keyFetches.push(`${input.method} ${input.url}`);
  return answerKeys();
};

beforeEach(() => {
  published = [rsa.jwk, ec.jwk];
  keyFetches = [];
  answerKeys = () => Response.json({ keys: published });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

const validator = () => new SessionValidator({ projectId: PROJECT_ID, fetch: fetchKeys });

const CLAIMS = {
  sub: 'U2abc',
  iss: `https://api.descope.com/${PROJECT_ID}`,
  iat: NOW - 60,
  exp: NOW + 540,
  drn: 'DS',
  roles: ['admin', 7],
  permissions: ['read', 'write'],
  tenants: { T1: { roles: ['owner'], permissions: ['billing'] }, T2: { roles: [] }, bad: 'x' },
  dct: 'T1',
  plan: 'pro',
};

async function sign(claims: JWTPayload = CLAIMS, key: Key = rsa, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

const b64 = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');

async function reasonOf(promise: Promise<unknown>): Promise<InvalidSessionReason | string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof InvalidSessionError)) throw new Error(`expected InvalidSessionError, got ${String(error)}`);
  expect(error).toBeInstanceOf(SessionError);
  expect(error).toBeInstanceOf(EnchantedLinkError);
  expect(error).not.toBeInstanceOf(SessionExpiredError);
  return error.reason;
}

describe('a valid session JWT', () => {
  it('resolves to typed claims: user ID, expiry, roles, permissions, tenants, current tenant and every claim', async () => {
    const claims = await validator().validateSession(await sign());
    expect(claims).toEqual({
      userId: 'U2abc',
      expiresAtSeconds: NOW + 540,
      issuedAtSeconds: NOW - 60,
      roles: ['admin'],
      permissions: ['read', 'write'],
      tenants: { T1: { roles: ['owner'], permissions: ['billing'] }, T2: { roles: [], permissions: [] } },
      currentTenant: 'T1',
      claims: CLAIMS,
    });
    expect(keyFetches).toEqual([`GET ${KEYS_URL}`]);
  });

  it('reads absent roles, permissions and tenants as empty', async () => {
    const claims = await validator().validateSession(await sign({ sub: 'U1', iss: PROJECT_ID, exp: NOW + 60, drn: 'DS' }));
    expect(claims).toEqual({ userId: 'U1', expiresAtSeconds: NOW + 60, roles: [], permissions: [], tenants: {}, claims: { sub: 'U1', iss: PROJECT_ID, exp: NOW + 60, drn: 'DS' } });
  });

  it.each([
    ['the bare project ID', PROJECT_ID, undefined],
    ["Descope's URL form", `https://api.descope.com/${PROJECT_ID}`, undefined],
    ["Descope's URL form, with a custom domain as baseUrl", `https://api.descope.com/${PROJECT_ID}`, 'https://auth.example.com'],
    ['the custom domain given as baseUrl', `https://auth.example.com/${PROJECT_ID}`, 'https://auth.example.com'],
    ['the regional API of a regional project ID', `https://api.use1.descope.com/${REGIONAL_ID}`, undefined],
  ])('accepts iss as %s', async (_, iss, baseUrl) => {
    const projectId = iss.endsWith(REGIONAL_ID) ? REGIONAL_ID : PROJECT_ID;
    const sessions = new SessionValidator({ projectId, fetch: fetchKeys, ...(baseUrl && { baseUrl }) });
    await expect(sessions.validateSession(await sign({ ...CLAIMS, iss }))).resolves.toMatchObject({ userId: 'U2abc' });
  });

  it('accepts ES256 keys as well as RS256', async () => {
    await expect(validator().validateSession(await sign(CLAIMS, ec))).resolves.toMatchObject({ userId: 'U2abc' });
  });

  it(`accepts a token expired less than ${CLOCK_TOLERANCE_SECONDS} s ago, and one valid from ${CLOCK_TOLERANCE_SECONDS} s ahead (clock tolerance)`, async () => {
    const sessions = validator();
    await expect(sessions.validateSession(await sign({ ...CLAIMS, exp: NOW - CLOCK_TOLERANCE_SECONDS + 1 }))).resolves.toBeDefined();
    await expect(sessions.validateSession(await sign({ ...CLAIMS, nbf: NOW + CLOCK_TOLERANCE_SECONDS }))).resolves.toBeDefined();
  });
});

describe('refused tokens', () => {
  it('an expired token rejects with SessionExpiredError, distinct from InvalidSessionError', async () => {
    const error = await validator().validateSession(await sign({ ...CLAIMS, exp: NOW - CLOCK_TOLERANCE_SECONDS - 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).not.toBeInstanceOf(InvalidSessionError);
    expect(error).toMatchObject({ name: 'SessionExpiredError', expiredAtSeconds: NOW - CLOCK_TOLERANCE_SECONDS - 1 });
  });

  it('a not-yet-valid token (nbf in the future)', async () => {
    expect(await reasonOf(validator().validateSession(await sign({ ...CLAIMS, nbf: NOW + 60 })))).toBe('not-yet-valid');
  });

  it('a tampered payload', async () => {
    const [header, , signature] = (await sign()).split('.');
    const forged = `${header}.${b64({ ...CLAIMS, sub: 'Uadmin', roles: ['superuser'] })}.${signature}`;
    expect(await reasonOf(validator().validateSession(forged))).toBe('signature');
  });

  it("a token signed by another key under a published key's kid", async () => {
    expect(await reasonOf(validator().validateSession(await sign(CLAIMS, stranger)))).toBe('signature');
  });

  it.each([
    ['another project', 'P2other000000000000000000000'],
    ['a URL naming another project', 'https://api.descope.com/P2other000000000000000000000'],
    ['a URL with the project elsewhere in the path', `https://api.descope.com/${PROJECT_ID}/other`],
    ['a non-URL containing the project', `x${PROJECT_ID}`],
  ])('a wrong issuer: %s', async (_, iss) => {
    expect(await reasonOf(validator().validateSession(await sign({ ...CLAIMS, iss })))).toBe('issuer');
  });

  it('a kid that is not published', async () => {
    expect(await reasonOf(validator().validateSession(await sign(CLAIMS, { ...rsa, kid: 'k9' })))).toBe('unknown-key');
  });

  it('alg: none (an unsigned token)', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(CLAIMS)}.`;
    expect(await reasonOf(validator().validateSession(unsigned))).toBe('algorithm');
  });

  it('alg: HS256 keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const hs = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(secret);
    expect(await reasonOf(validator().validateSession(hs))).toBe('algorithm');
  });

  it('an algorithm other than the one the key is published for (no switching)', async () => {
    // k1 is published for RS256: a header claiming RS384 (or PS256) finds no key to verify with.
    const [, payload, signature] = (await sign()).split('.');
    for (const alg of ['RS384', 'PS256']) {
      expect(await reasonOf(validator().validateSession(`${b64({ alg, kid: 'k1' })}.${payload}.${signature}`))).toBe('unknown-key');
    }
  });

  it('a refresh JWT (drn: DSR) is not a session', async () => {
    expect(await reasonOf(validator().validateSession(await sign({ ...CLAIMS, drn: 'DSR' })))).toBe('claims');
  });

  it.each([
    ['without drn', undefined],
    ['with another drn', 'DSX'],
  ])('a token %s is not a session (a session JWT says drn: DS)', async (_, drn) => {
    const { drn: _drn, ...rest } = CLAIMS;
    expect(await reasonOf(validator().validateSession(await sign(drn ? { ...rest, drn } : rest)))).toBe('claims');
  });

  it.each([
    ['another host ending with the project ID', `https://evil.example/${PROJECT_ID}`],
    ["Descope's host with a longer path", `https://api.descope.com/x/${PROJECT_ID}`],
    ['a trailing slash', `https://api.descope.com/${PROJECT_ID}/`],
    ['http: instead of https:', `http://api.descope.com/${PROJECT_ID}`],
    ['another project', 'P2other000000000000000000000'],
    ['a custom domain that is not the baseUrl', `https://auth.example.com/${PROJECT_ID}`],
  ])('an issuer that is not one of the forms Descope signs with: %s', async (_, iss) => {
    expect(await reasonOf(validator().validateSession(await sign({ ...CLAIMS, iss })))).toBe('issuer');
  });

  it.each(['sub', 'exp', 'iss'] as const)('a token without %s', async (claim) => {
    const { [claim]: _, ...rest } = CLAIMS;
    expect(await reasonOf(validator().validateSession(await sign(rest)))).toBe('claims');
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['undefined', undefined],
    ['two parts', 'abc.def'],
    ['garbage in three parts', 'a.b.c'],
    ['a header that is not JSON', `${btoa('nope')}.${b64(CLAIMS)}.c2ln`],
  ])('a malformed token (%s), before any key fetch', async (_, token) => {
    expect(await reasonOf(validator().validateSession(token as string))).toBe('malformed');
  });

  it('never puts the token in the error', async () => {
    const token = await sign({ ...CLAIMS, iss: 'P2other000000000000000000000' });
    const error = await validator().validateSession(token).catch((e: unknown) => e);
    const [, payload, signature] = token.split('.');
    for (const text of [String(error), JSON.stringify(error), (error as Error).stack ?? '']) {
      expect(text).not.toContain(payload);
      expect(text).not.toContain(signature);
    }
  });
});

describe('key fetches', () => {
  it('one fetch for many checks, and one for many concurrent first checks', async () => {
    const sessions = validator();
    const token = await sign();
    await Promise.all(Array.from({ length: 10 }, () => sessions.validateSession(token)));
    for (let i = 0; i < 20; i++) await sessions.validateSession(token);
    expect(keyFetches).toHaveLength(1);
  });

  it('a key rotation costs exactly one fetch; the old key keeps working while it is published', async () => {
    const sessions = validator();
    published = [rsa.jwk];
    await sessions.validateSession(await sign());
    const next = await makeKey('k3');
    published = [rsa.jwk, next.jwk];
    vi.setSystemTime((NOW + 31) * 1000);
    const later = { ...CLAIMS, exp: NOW + 600 };
    for (let i = 0; i < 5; i++) await sessions.validateSession(await sign(later, next));
    await sessions.validateSession(await sign(later));
    expect(keyFetches).toHaveLength(2);
  });

  it('an unknown kid refetches at most once per 30 s', async () => {
    const sessions = validator();
    await sessions.validateSession(await sign());
    const unknown = await sign(CLAIMS, { ...rsa, kid: 'k9' });
    vi.setSystemTime((NOW + 31) * 1000);
    for (let i = 0; i < 5; i++) expect(await reasonOf(sessions.validateSession(unknown))).toBe('unknown-key');
    expect(keyFetches).toHaveLength(2);
    vi.setSystemTime((NOW + 60) * 1000);
    expect(await reasonOf(sessions.validateSession(unknown))).toBe('unknown-key');
    expect(keyFetches).toHaveLength(2);
    vi.setSystemTime((NOW + 62) * 1000);
    expect(await reasonOf(sessions.validateSession(unknown))).toBe('unknown-key');
    expect(keyFetches).toHaveLength(3);
  });

  it('renews the keys after 10 minutes, and keeps the old ones when the renewal fails', async () => {
    const sessions = validator();
    const token = await sign({ ...CLAIMS, exp: NOW + 3600 });
    await sessions.validateSession(token);
    vi.setSystemTime((NOW + 601) * 1000);
    answerKeys = () => Response.json({ errorCode: 'E011003', errorDescription: 'bad' }, { status: 400 });
    await expect(sessions.validateSession(token)).resolves.toMatchObject({ userId: 'U2abc' });
    expect(keyFetches).toHaveLength(2);
    await sessions.validateSession(token); // within 5 s of the failed attempt: no fetch
    expect(keyFetches).toHaveLength(2);
  });

  it('a failed first fetch rejects with the typed error, fails fast for 5 s, then fetches again', async () => {
    const sessions = validator();
    const token = await sign();
    answerKeys = () => Response.json({ errorCode: 'E011003', errorDescription: 'bad' }, { status: 400 });
    const error = await sessions.validateSession(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).not.toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ status: 400 });
    await expect(sessions.validateSession(token)).rejects.toBe(error);
    expect(keyFetches).toHaveLength(1);
    vi.setSystemTime((NOW + 5) * 1000);
    answerKeys = () => Response.json({ keys: published });
    await expect(sessions.validateSession(token)).resolves.toMatchObject({ userId: 'U2abc' });
    expect(keyFetches).toHaveLength(2);
  });

  it('a network failure is a NetworkError (after the idempotent retries), not a SessionError', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW * 1000);
    const sessions = validator();
    answerKeys = () => Promise.reject(new TypeError('fetch failed'));
    const outcome = sessions.validateSession(await sign()).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await outcome).toBeInstanceOf(NetworkError);
    expect(keyFetches).toHaveLength(3);
  });

  it('the first token signed with a rotated key fetches at once, even when the keys on hand are seconds old', async () => {
    const sessions = validator();
    published = [rsa.jwk];
    await sessions.validateSession(await sign()); // a cold start fetches the keys...
    const next = await makeKey('k3');
    published = [rsa.jwk, next.jwk];
    vi.setSystemTime(NOW * 1000 + 1_000); // ...and one second later meets a token of the rotated-in key
    await expect(sessions.validateSession(await sign(CLAIMS, next))).resolves.toMatchObject({ userId: 'U2abc' });
    expect(keyFetches).toHaveLength(2);
    // A second unknown kid within 30 s of that fetch fetches nothing (a stream of made-up kids costs one fetch per 30 s).
    expect(await reasonOf(sessions.validateSession(await sign(CLAIMS, { ...rsa, kid: 'k9' })))).toBe('unknown-key');
    expect(keyFetches).toHaveLength(2);
  });

  describe('a hanging or huge keys endpoint', () => {
    /** A key server that never answers (but lets go when the request is aborted, as a real one does). */
    const hang = (input: Request) => new Promise<Response>((_, reject) => input.signal.addEventListener('abort', () => reject(input.signal.reason)));
    const hangingFetch = async (input: Request) => {
      keyFetches.push(`${input.method} ${input.url}`);
      return hang(input);
    };

    beforeEach(() => {
      vi.useFakeTimers();
      vi.setSystemTime(NOW * 1000);
    });

    /** Settles `promise` with fake time standing still: whatever it needs must already be on hand. */
    async function withoutWaiting<T>(promise: Promise<T>): Promise<T | 'still waiting'> {
      let outcome: { value: T } | undefined;
      promise.then((value) => (outcome = { value }), () => undefined);
      await vi.advanceTimersByTimeAsync(0);
      return outcome ? outcome.value : 'still waiting';
    }

    it('a check with cached keys answers at once while their renewal hangs, and after it fails', async () => {
      const sessions = validator();
      const token = await sign({ ...CLAIMS, exp: NOW + 3_600 });
      await sessions.validateSession(token);
      answerKeys = () => new Promise(() => {}); // hangs and ignores the abort
      vi.setSystemTime((NOW + 601) * 1000); // the keys are due for renewal
      // Fake time stands still while these are awaited: had a check waited for the hanging fetch, it would
      // never settle (the test would time out). The signature check itself is real async crypto.
      const started = Date.now();
      await expect(sessions.validateSession(token)).resolves.toMatchObject({ userId: 'U2abc' });
      expect(keyFetches).toHaveLength(2); // the renewal started, in the background
      await expect(sessions.validateSession(token)).resolves.toMatchObject({ userId: 'U2abc' });
      expect(Date.now() - started).toBeLessThan(50);
      await vi.advanceTimersByTimeAsync(KEYS_DEADLINE_MS); // the renewal fails at its deadline
      await expect(sessions.validateSession(token)).resolves.toMatchObject({ userId: 'U2abc' });
      expect(keyFetches).toHaveLength(2); // and is not tried again within the failure floor
    });

    it(`a check without keys fails within ${KEYS_DEADLINE_MS} ms with RequestTimeoutError (one deadline for every retry)`, async () => {
      const sessions = new SessionValidator({ projectId: PROJECT_ID, fetch: hangingFetch });
      const outcome = sessions.validateSession(await sign()).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(KEYS_DEADLINE_MS - 1);
      expect(await withoutWaiting(outcome)).toBe('still waiting');
      await vi.advanceTimersByTimeAsync(1);
      expect(await withoutWaiting(outcome)).toMatchObject({ name: 'RequestTimeoutError', timeoutMs: KEYS_DEADLINE_MS });
      expect(keyFetches).toHaveLength(1);
    });

    it('the failure floor starts when the fetch fails, not when it started', async () => {
      const sessions = new SessionValidator({ projectId: PROJECT_ID, fetch: hangingFetch });
      const token = await sign({ ...CLAIMS, exp: NOW + 3_600 });
      const first = sessions.validateSession(token).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(KEYS_DEADLINE_MS);
      const failure = await first;
      // 4.9 s after the failure (9.9 s after the fetch started): still failing fast with the same error.
      await vi.advanceTimersByTimeAsync(FAILED_FETCH_FLOOR_MS - 100);
      expect(await withoutWaiting(sessions.validateSession(token).catch((e: unknown) => e))).toBe(failure);
      expect(keyFetches).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(100);
      void sessions.validateSession(token).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(0);
      expect(keyFetches).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(KEYS_DEADLINE_MS);
    });

    it(`a key set of more than ${MAX_KEYS} keys is refused, not cached`, async () => {
      answerKeys = () => Response.json({ keys: Array.from({ length: MAX_KEYS + 1 }, (_, i) => ({ ...rsa.jwk, kid: `k${i}` })) });
      await expect(validator().validateSession(await sign())).rejects.toMatchObject({ name: 'ResponseValidationError' });
    });

    it(`a key set of more than ${MAX_KEYS_BYTES} bytes fails as it arrives, not cached`, async () => {
      let sent = 0;
      // 32 MB in 64 KB chunks, as a hostile key server would send it; reading stops at the limit.
      answerKeys = () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              if (sent >= 32 * 1024 * 1024) return controller.close();
              sent += 65_536;
              controller.enqueue(new Uint8Array(65_536).fill(32));
            },
          }),
        );
      let error: unknown;
      const outcome = validator().validateSession(await sign()).catch((e: unknown) => (error = e));
      // The stream is read in real time; the retries between reads wait on fake time.
      for (let i = 0; i < 100 && error === undefined; i++) await vi.advanceTimersByTimeAsync(100);
      await outcome;
      expect(error).toMatchObject({ name: 'NetworkError' });
      expect(String((error as Error).cause)).toMatch(/key set is larger than/);
      // Each attempt (the first and two retries) stops reading soon after the limit, far from the 32 MB offered.
      expect(keyFetches).toHaveLength(3);
      expect(sent).toBeLessThan(3 * 2 * MAX_KEYS_BYTES);
    });
  });

  it('a key set of the wrong shape is a ResponseValidationError', async () => {
    answerKeys = () => Response.json({ keys: 'none' });
    await expect(validator().validateSession(await sign())).rejects.toMatchObject({ name: 'ResponseValidationError' });
  });
});

describe('audience', () => {
  const withAudience = (audience: string | string[]) => new SessionValidator({ projectId: PROJECT_ID, fetch: fetchKeys, audience });

  it('is not checked unless configured', async () => {
    await expect(validator().validateSession(await sign({ ...CLAIMS, aud: 'someone-else' }))).resolves.toBeDefined();
  });

  it('accepts a token naming the audience, or one of several', async () => {
    await expect(withAudience('my-api').validateSession(await sign({ ...CLAIMS, aud: 'my-api' }))).resolves.toBeDefined();
    await expect(withAudience(['a', 'my-api']).validateSession(await sign({ ...CLAIMS, aud: ['my-api', 'x'] }))).resolves.toBeDefined();
  });

  it('refuses a token for another audience, or without aud, with reason audience', async () => {
    expect(await reasonOf(withAudience('my-api').validateSession(await sign({ ...CLAIMS, aud: 'other-api' })))).toBe('audience');
    expect(await reasonOf(withAudience('my-api').validateSession(await sign(CLAIMS)))).toBe('audience');
  });
});

describe('options', () => {
  it.each([
    ['no options', undefined, 'projectId'],
    ['a blank projectId', { projectId: ' ' }, 'projectId'],
    ['a projectId that would change the keys path', { projectId: 'P2/../x' }, 'projectId'],
    ['a relative baseUrl', { projectId: PROJECT_ID, baseUrl: '/api' }, 'baseUrl'],
    ['a fetch that is not a function', { projectId: PROJECT_ID, fetch: 'fetch' }, 'fetch'],
    ['a blank audience', { projectId: PROJECT_ID, audience: '' }, 'audience'],
    ['an audience list with a number', { projectId: PROJECT_ID, audience: ['a', 7] }, 'audience[1]'],
    // Whoever answers the key fetch decides which tokens are genuine: never over plain http (as the client).
    ['an http: baseUrl', { projectId: PROJECT_ID, baseUrl: 'http://auth.example.com' }, 'baseUrl'],
    ['an http: baseUrl on a private address', { projectId: PROJECT_ID, baseUrl: 'http://10.0.0.5:8080' }, 'baseUrl'],
  ])('rejects %s with InvalidArgumentError', (_, options, argument) => {
    expect(() => new SessionValidator(options as never)).toThrow(InvalidArgumentError);
    expect(() => new SessionValidator(options as never)).toThrow(expect.objectContaining({ argument }));
  });

  it.each(['http://localhost:4010', 'http://127.0.0.1:4010/descope', 'http://[::1]:4010'])('accepts http: on loopback (%s), as the client does', (baseUrl) => {
    expect(() => new SessionValidator({ projectId: PROJECT_ID, baseUrl })).not.toThrow();
  });

  it('fetches the keys from baseUrl', async () => {
    const sessions = new SessionValidator({ projectId: PROJECT_ID, baseUrl: 'https://auth.example.com', fetch: fetchKeys });
    await sessions.validateSession(await sign());
    expect(keyFetches).toEqual([`GET https://auth.example.com/v2/keys/${PROJECT_ID}`]);
  });
});
