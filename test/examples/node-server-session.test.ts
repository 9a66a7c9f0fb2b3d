// The Node example's session routes end to end over real HTTP, on the built package, against the emulator
// server: the protected route checks the session JWT, refresh uses the HttpOnly cookie, sign-out revokes
// it and clears the cookie.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnchantedLinkClient } from 'enchanted-link';
import { SessionValidator } from 'enchanted-link/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLoginHandler, type LogEntry } from '../../examples/node-server/app.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

/** Shifts the emulator's clock, to issue sessions that are already expired. */
let clockOffsetMs = 0;
const emulator = createEmulator({ now: () => Date.now() + clockOffsetMs });
let emulatorServer: EmulatorServer;
let app: Server;
let appUrl: string;
let sdk: EnchantedLinkClient;
const logs: LogEntry[] = [];
// The same name and attributes as the cookie the login set (`__Host-`: Path=/, no Domain), so the browser drops exactly it.
const CLEARED = '__Host-DSR=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0';

beforeAll(async () => {
  emulatorServer = await emulator.listen();
  app = createServer();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: emulatorServer.url, redirectUrl: `${appUrl}/verify`, ...unlimitedBudget() });
  sdk = client;
  const sessions = new SessionValidator({ projectId: emulator.projectId, baseUrl: emulatorServer.url });
  app.on('request', createLoginHandler({ client, sessions, log: (entry) => logs.push(entry), poll: { intervalMs: 20, maxIntervalMs: 20 }, csrfKey: 'k'.repeat(32) }));
});

afterEach(() => {
  clockOffsetMs = 0;
  logs.length = 0;
  emulator.reset();
});

afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await emulatorServer.close();
});

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${appUrl}${path}`, init);
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
}

/**
 * Signs in with the SDK against the emulator, as the example's login routes do (their own test covers
 * them): the session JWT the page holds, and the cookie the example sets with the refresh JWT.
 */
async function signIn(email = 'ada@example.com'): Promise<{ sessionJwt: string; cookie: string; refreshJwt: string }> {
  const { pendingRef } = await sdk.signInOrUp(email);
  await emulator.click(email);
  const { sessionJwt, refreshJwt } = await sdk.pollSession(pendingRef, { intervalMs: 1_000 });
  return { sessionJwt, cookie: `__Host-DSR=${refreshJwt}`, refreshJwt: refreshJwt! };
}

const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });
// What a page of the example's own origin sends with its fetch().
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };
const refresh = (cookie?: string, from: Record<string, string> = SAME_ORIGIN) =>
  call('/session/refresh', { method: 'POST', headers: { ...from, ...(cookie ? { cookie } : {}) } });
const signOut = (cookie: string, query = '', from: Record<string, string> = SAME_ORIGIN) =>
  call(`/session/sign-out${query}`, { method: 'POST', headers: { ...from, cookie } });

describe('examples/node-server session routes', () => {
  it('GET /me answers the claims for a valid session JWT and 401 without one or with a forged one', async () => {
    const { sessionJwt } = await signIn();
    const me = await call('/me', bearer(sessionJwt));
    expect(me).toMatchObject({ status: 200, body: { userId: expect.stringMatching(/^U/), roles: [], permissions: [], tenants: {} } });
    const missing = await call('/me');
    expect(missing).toMatchObject({ status: 401, body: { error: 'invalid_session' } });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="invalid_session"');
    const [header, payload, signature] = sessionJwt.split('.');
    expect((await call('/me', bearer(`${header}.${payload}A.${signature}`))).body.error).toBe('invalid_session');
  });

  it('an expired session JWT answers 401 session_expired; POST /session/refresh with the cookie mints a valid one', async () => {
    clockOffsetMs = -3_600_000; // the session is issued an hour ago; it lived 10 minutes
    const { sessionJwt, cookie } = await signIn();
    clockOffsetMs = 0;
    expect(await call('/me', bearer(sessionJwt))).toMatchObject({ status: 401, body: { error: 'session_expired' } });
    const refreshed = await refresh(cookie);
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body).sort()).toEqual(['sessionExpiration', 'sessionJwt']);
    expect(refreshed.headers.get('set-cookie')).toBeNull(); // no rotation: the cookie stays as it is
    expect((await call('/me', bearer(refreshed.body.sessionJwt))).status).toBe(200);
  });

  it('POST /session/refresh without the cookie answers 401 no_session', async () => {
    expect(await refresh()).toMatchObject({ status: 401, body: { error: 'no_session' } });
  });

  it('POST /session/sign-out revokes the refresh JWT and clears the cookie; refresh then fails and clears it too', async () => {
    const { cookie } = await signIn();
    const out = await signOut(cookie);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe(CLEARED);
    expect(logs.map(({ event }) => event)).toContain('session.signed_out');
    const after = await refresh(cookie);
    expect(after).toMatchObject({ status: 401, body: { error: 'session_ended' } });
    expect(after.headers.get('set-cookie')).toBe(CLEARED);
    // Signing out again (an already revoked token) still clears the cookie.
    expect((await signOut(cookie)).status).toBe(204);
  });

  it('?everywhere=true ends every session of the user', async () => {
    const first = await signIn();
    const second = await signIn();
    expect((await signOut(first.cookie, '?everywhere=true')).status).toBe(204);
    expect((await refresh(second.cookie)).body.error).toBe('session_ended');
  });

  it.each([
    ['another site (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site' }, 'cross_origin'],
    ['a sibling subdomain (Sec-Fetch-Site)', { 'sec-fetch-site': 'same-site' }, 'cross_origin'],
    ['another origin (Origin, no Sec-Fetch-Site)', { origin: 'https://evil.example' }, 'cross_origin'],
    ['neither Origin nor Sec-Fetch-Site', {}, 'no_origin'],
  ])('refuses POST /session/refresh and /session/sign-out from %s with 403, touching nothing', async (_, from, code) => {
    const { cookie } = await signIn();
    const refused = [await refresh(cookie, from), await signOut(cookie, '', from), await signOut(cookie, '?everywhere=true', from)];
    for (const answer of refused) {
      expect(answer).toMatchObject({ status: 403, body: { error: code } });
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    // The session is untouched: the same cookie still refreshes from a page of the site.
    expect(await refresh(cookie)).toMatchObject({ status: 200, body: { sessionJwt: expect.any(String) } });
  });

  it('accepts a POST whose Origin matches the Host (a browser without Sec-Fetch-Site)', async () => {
    const { cookie } = await signIn();
    expect(await refresh(cookie, { origin: appUrl })).toMatchObject({ status: 200 });
  });

  it('never logs a JWT', async () => {
    const { sessionJwt, refreshJwt, cookie } = await signIn();
    await call('/me', bearer(sessionJwt));
    await refresh(cookie);
    await signOut(cookie);
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(refreshJwt);
    expect(logged).not.toContain(sessionJwt.split('.')[2]);
  });
});
