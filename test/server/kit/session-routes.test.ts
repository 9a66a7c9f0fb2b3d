// The session side of the server kit on Request/Response alone, against the in-process emulator: reading
// the session (route, getSession, authenticate), refresh from the HttpOnly cookie (with and without
// rotation), sign-out that clears the cookies whatever Descope answers, and the same-origin rule.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../../src/index.js';
import { PATHS } from '../../../src/protocol/paths.js';
import { RequestBudget } from '../../../src/transport/request-budget.js';
import { REFRESH_DEADLINE_MS, REFRESH_GRACE_MS, REFRESH_SETTLE_MS, SIGN_OUT_DEADLINE_MS, type Authentication, type ServerKit } from '../../../src/server/index.js';
import { Browser, drive, DumpableStore, FAKE_TIMERS, kitSetup, ORIGIN, type KitSetup } from './helpers.js';

/** Shifts the emulator's clock, to issue sessions that are already expired. */
let clockOffsetMs = 0;
let setup: KitSetup;
let kit: ServerKit;

function prepare(emulatorOptions = {}) {
  setup = kitSetup(undefined, { now: () => Date.now() + clockOffsetMs, ...emulatorOptions });
  kit = setup.instance();
}

beforeEach(() => {
  clockOffsetMs = 0;
  prepare();
});

const CLEARED = ['__Host-DS=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0', '__Host-DSR=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0'];

/** A browser holding the cookies of a session the emulator issued (as `POST /status` sets them). */
async function signedIn(email = 'ada@example.com'): Promise<{ browser: Browser; sessionJwt: string; refreshJwt: string }> {
  const client = new EnchantedLinkClient({ projectId: setup.emulator.projectId, fetch: setup.emulator.fetch, requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }) });
  const { pendingRef } = await client.signInOrUp(email);
  await setup.emulator.click(email);
  const session = await client.getSession(pendingRef);
  const browser = new Browser();
  browser.cookies.set('__Host-DS', session!.sessionJwt);
  browser.cookies.set('__Host-DSR', session!.refreshJwt!);
  return { browser, sessionJwt: session!.sessionJwt, refreshJwt: session!.refreshJwt! };
}

/**
 * `send()` on the fake clock from `now`: a refresh that Descope refuses looks once more for a racing
 * refresh's outcome after REFRESH_SETTLE_MS, a wait that passes at once here rather than in real time.
 */
async function onFakeClock<T>(send: () => Promise<T>, now = Date.now()): Promise<T> {
  vi.useFakeTimers(FAKE_TIMERS);
  vi.setSystemTime(now);
  try {
    return await drive(send(), { step: REFRESH_SETTLE_MS });
  } finally {
    vi.useRealTimers();
  }
}

const refresh = (browser: Browser, headers: Record<string, string> = {}) => browser.send(kit, '/auth/refresh', { method: 'POST', headers });
const signOut = (browser: Browser, query = '', headers: Record<string, string> = {}) => browser.send(kit, `/auth/sign-out${query}`, { method: 'POST', headers });

describe('server kit: reading the session', () => {
  it('GET /session answers the claims from the cookie or a bearer token; 401 without one or with a forged one', async () => {
    const { browser, sessionJwt } = await signedIn();
    const claims = { userId: expect.stringMatching(/^U/), expiresAtSeconds: expect.any(Number), roles: [], permissions: [], tenants: {} };
    expect(await browser.send(kit, '/auth/session')).toMatchObject({ response: { status: 200 }, body: claims });
    const bearer = new Browser();
    expect(await bearer.send(kit, '/auth/session', { headers: { authorization: `Bearer ${sessionJwt}` } })).toMatchObject({ body: claims });
    const none = await new Browser().send(kit, '/auth/session');
    expect(none).toMatchObject({ response: { status: 401 }, body: { error: 'no_session' } });
    expect(none.response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="no_session"');
    const [header, payload, signature] = sessionJwt.split('.');
    browser.cookies.set('__Host-DS', `${header}.${payload}A.${signature}`);
    expect((await browser.send(kit, '/auth/session')).body.error).toBe('invalid_session');
  });

  it('an expired session answers 401 session_expired; POST /refresh sets a new session cookie (no rotation: no refresh cookie)', async () => {
    clockOffsetMs = -3_600_000; // issued an hour ago; it lived 10 minutes
    const { browser, refreshJwt } = await signedIn();
    clockOffsetMs = 0;
    expect((await browser.send(kit, '/auth/session')).body.error).toBe('session_expired');
    const refreshed = await refresh(browser);
    expect(refreshed.response.status).toBe(200);
    expect(refreshed.body).toEqual({ sessionExpiration: expect.any(Number), user: expect.objectContaining({ email: 'ada@example.com' }) });
    expect(refreshed.response.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-DS=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=600$/)]);
    expect(browser.cookies.get('__Host-DSR')).toBe(refreshJwt);
    expect((await browser.send(kit, '/auth/session')).response.status).toBe(200);
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'refresh', outcome: 'refreshed', rotated: false }));
  });

  it('sizes the session cookie by the JWT’s own lifetime, whatever this server’s clock says', async () => {
    const { browser } = await signedIn();
    clockOffsetMs = 20 * 60_000; // Descope's clock 20 minutes ahead of this server's
    const refreshed = await refresh(browser);
    expect(refreshed.response.headers.getSetCookie()).toEqual([expect.stringMatching(/; Max-Age=600$/)]);
  });

  it('refresh with rotation: a new refresh cookie; the old refresh JWT gets the same session within the grace, then no longer works', async () => {
    prepare({ rotateRefreshJwt: true });
    const { browser, refreshJwt } = await signedIn();
    const refreshed = await refresh(browser);
    expect(refreshed.response.status).toBe(200);
    const cookies = refreshed.response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[1]).toMatch(/^__Host-DSR=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);
    expect(browser.cookies.get('__Host-DSR')).not.toBe(refreshJwt);
    expect((await refresh(browser)).response.status).toBe(200); // the rotated one works
    const stale = new Browser();
    stale.cookies.set('__Host-DSR', refreshJwt);
    // A request that raced the refresh (sent with the old cookie): the same outcome, not a sign-out.
    expect((await refresh(stale)).response.headers.getSetCookie()).toEqual(cookies);
    expect((await onFakeClock(() => refresh(stale), Date.now() + REFRESH_GRACE_MS + 1)).body.error).toBe('session_ended');
  });

  it('POST /refresh without the cookie answers 401 no_session', async () => {
    expect(await refresh(new Browser())).toMatchObject({ response: { status: 401 }, body: { error: 'no_session' } });
  });

  it('a refresh Descope refuses answers 401 session_ended and clears both cookies', async () => {
    const { browser } = await signedIn();
    browser.cookies.set('__Host-DSR', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2ln');
    const ended = await onFakeClock(() => refresh(browser));
    expect(ended).toMatchObject({ response: { status: 401 }, body: { error: 'session_ended' } });
    expect(ended.response.headers.getSetCookie()).toEqual(CLEARED);
    expect(browser.cookies.size).toBe(0);
  });

  it.each([['garbage', 'garbage0'], ['two parts', 'abc.def'], ['a payload that is no JSON', 'abc.%%%.def'], ['a JSON array payload', `x.${btoa('[1]')}.y`]])(
    'a refresh cookie that is no JWT (%s) ends the session without a request to Descope',
    async (_, value) => {
      const browser = new Browser();
      browser.cookies.set('__Host-DSR', value);
      const before = setup.emulator.requests.length;
      const ended = await refresh(browser);
      expect(ended).toMatchObject({ response: { status: 401 }, body: { error: 'session_ended' } });
      expect(ended.response.headers.getSetCookie()).toEqual(CLEARED);
      expect(setup.emulator.requests.length).toBe(before);
      expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'refresh', outcome: 'ended', reason: 'malformed' }));
    },
  );

  it('a refresh that cannot reach Descope answers 502 and keeps the cookies', async () => {
    const { browser } = await signedIn();
    setup.emulator.injectFault({ type: 'drop-connection' }, { path: PATHS.refresh, times: 3 });
    const failed = await refresh(browser);
    expect(failed).toMatchObject({ response: { status: 502 }, body: { error: 'upstream_unavailable' } });
    expect(failed.response.headers.getSetCookie()).toEqual([]);
  });
});

describe('server kit: sign-out', () => {
  it('revokes the refresh JWT and clears both cookies; a refresh then fails', async () => {
    const { browser, refreshJwt } = await signedIn();
    const out = await signOut(browser);
    expect(out.response.status).toBe(204);
    expect(out.response.headers.getSetCookie()).toEqual(CLEARED);
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'sign-out', outcome: 'confirmed' }));
    const again = new Browser();
    again.cookies.set('__Host-DSR', refreshJwt);
    expect((await onFakeClock(() => refresh(again))).body.error).toBe('session_ended');
  });

  it('clears the cookies even when Descope fails, and reports it', async () => {
    const { browser } = await signedIn();
    setup.emulator.injectFault({ type: 'drop-connection' }, { path: PATHS.logout, times: 5 });
    const out = await signOut(browser);
    expect(out.response.status).toBe(204);
    expect(out.response.headers.getSetCookie()).toEqual(CLEARED);
    expect(setup.events.filter((event) => event.type === 'kit').at(-1)).toMatchObject({ step: 'sign-out', outcome: 'failed', errorType: 'NetworkError' });
  });

  it('?everywhere=true ends every session of the user', async () => {
    const first = await signedIn();
    const second = await signedIn();
    expect((await signOut(first.browser, '?everywhere=true')).response.status).toBe(204);
    expect((await onFakeClock(() => refresh(second.browser))).body.error).toBe('session_ended');
  });

  it('without a refresh cookie, clears the cookies and calls nothing', async () => {
    const before = setup.emulator.requests.length;
    const out = await signOut(new Browser());
    expect(out.response.status).toBe(204);
    expect(out.response.headers.getSetCookie()).toEqual(CLEARED);
    expect(setup.emulator.requests.length).toBe(before);
  });

  it.each([
    ['another site (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site' }, 'cross_origin'],
    ['a sibling subdomain (Sec-Fetch-Site)', { 'sec-fetch-site': 'same-site' }, 'cross_origin'],
    ['another origin (Origin, no Sec-Fetch-Site)', { 'sec-fetch-site': '', origin: 'https://evil.example' }, 'cross_origin'],
    ['neither Origin nor Sec-Fetch-Site', { 'sec-fetch-site': '', origin: '' }, 'no_origin'],
  ])('refuses refresh and sign-out from %s with 403, touching nothing', async (_, headers, code) => {
    const { browser } = await signedIn();
    const before = setup.emulator.requests.length;
    for (const answer of [await refresh(browser, headers), await signOut(browser, '', headers), await signOut(browser, '?everywhere=true', headers)]) {
      expect(answer).toMatchObject({ response: { status: 403 }, body: { error: code } });
      expect(answer.response.headers.getSetCookie()).toEqual([]);
    }
    expect(setup.emulator.requests.length).toBe(before);
    // The control: the same cookie refreshes from a page of the site (Origin alone, as an older browser sends).
    expect((await refresh(browser, { 'sec-fetch-site': '', origin: ORIGIN })).response.status).toBe(200);
  });
});

describe('server kit: against a failing or hanging Descope (fake clock)', () => {
  beforeEach(() => vi.useFakeTimers(FAKE_TIMERS));
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  it('answers 204 clearing the cookies after at most 5 s', async () => {
    const { browser } = await signedIn();
    setup.emulator.injectFault({ type: 'latency', ms: 60_000 }, { path: PATHS.logout });
    const started = Date.now();
    const out = await drive(kit.signOut(browser.request('/auth/sign-out', { method: 'POST' })), { step: 500 });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()).toEqual(CLEARED);
    expect(Date.now() - started).toBeLessThanOrEqual(5_500);
  });

  it('a refresh against a Descope that never answers settles after 5 s: authenticate keeps the cookies, POST /refresh answers 502', async () => {
    clockOffsetMs = -3_600_000;
    const { browser } = await signedIn();
    clockOffsetMs = 0;
    setup.emulator.injectFault({ type: 'latency', ms: 600_000 }, { path: PATHS.refresh, times: 20 });
    let started = Date.now();
    const request = browser.request('/');
    expect(await drive(kit.authenticate(request), { step: 500 })).toEqual({ claims: undefined, setCookie: [], cookieHeader: request.headers.get('cookie') });
    expect(Date.now() - started).toBeLessThanOrEqual(REFRESH_DEADLINE_MS + 500);
    started = Date.now();
    const answer = await drive(refresh(browser), { step: 500 });
    expect(answer.response.status).toBe(502);
    expect(answer.body.error).toBe('upstream_unavailable');
    expect(Date.now() - started).toBeLessThanOrEqual(REFRESH_DEADLINE_MS + 500);
  });

  it('getSession rejects (and GET /session answers 503) when the keys cannot be fetched', async () => {
    const { browser } = await signedIn();
    setup.emulator.injectFault({ type: 'drop-connection' }, { path: `/v2/keys/${setup.emulator.projectId}`, times: 10 });
    await expect(drive(kit.getSession(browser.request('/')), { step: 500 })).rejects.toMatchObject({ name: 'NetworkError' });
    expect((await drive(browser.send(setup.instance(), '/auth/session'), { step: 500 })).body.error).toBe('keys_unavailable');
  });
});

describe('server kit: getSession and authenticate', () => {
  it('getSession takes a Request or its Headers: the claims, or undefined', async () => {
    const { browser, sessionJwt } = await signedIn();
    const request = browser.request('/dashboard');
    expect(await kit.getSession(request)).toMatchObject({ userId: expect.stringMatching(/^U/) });
    expect(await kit.getSession(request.headers)).toMatchObject({ userId: expect.stringMatching(/^U/) });
    expect(await kit.getSession(new Headers({ authorization: `Bearer ${sessionJwt}` }))).toMatchObject({ userId: expect.stringMatching(/^U/) });
    expect(await kit.getSession(new Headers())).toBeUndefined();
    expect(await kit.getSession(new Headers({ cookie: '__Host-DS=garbage' }))).toBeUndefined();
    await expect(kit.getSession({} as Request)).rejects.toMatchObject({ name: 'InvalidArgumentError', argument: 'request' });
  });

  it('authenticate: a valid session as is; an expired one refreshed from the cookie (Request or Headers)', async () => {
    const fresh = await signedIn();
    expect(await kit.authenticate(fresh.browser.request('/'))).toEqual({ claims: expect.objectContaining({ userId: expect.any(String) }), setCookie: [], cookieHeader: fresh.browser.cookieHeader });

    clockOffsetMs = -3_600_000;
    const stale = await signedIn('grace@example.com');
    clockOffsetMs = 0;
    for (const input of [stale.browser.request('/'), stale.browser.request('/').headers]) {
      const { claims, setCookie } = await kit.authenticate(input);
      expect(claims).toMatchObject({ userId: expect.any(String), expiresAtSeconds: expect.any(Number) });
      expect(claims!.expiresAtSeconds * 1000).toBeGreaterThan(Date.now());
      expect(setCookie).toEqual([expect.stringMatching(/^__Host-DS=/)]);
    }
    // Only the refresh cookie (the session cookie expired in the browser): refreshed as well.
    stale.browser.cookies.delete('__Host-DS');
    expect((await kit.authenticate(stale.browser.request('/'))).setCookie).toEqual([expect.stringMatching(/^__Host-DS=/)]);
  });

  it('authenticate: a refused refresh clears the cookies; no cookies at all is no session and no cookie', async () => {
    const browser = new Browser();
    browser.cookies.set('__Host-DSR', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2ln');
    expect(await onFakeClock(() => kit.authenticate(browser.request('/')))).toEqual({ claims: undefined, setCookie: CLEARED, cookieHeader: '' });
    expect(await kit.authenticate(new Headers())).toEqual({ claims: undefined, setCookie: [], cookieHeader: '' });
  });

  it('no JWT reaches an event', async () => {
    clockOffsetMs = -3_600_000;
    const { browser, sessionJwt, refreshJwt } = await signedIn();
    clockOffsetMs = 0;
    await kit.authenticate(browser.request('/'));
    await refresh(browser);
    await signOut(browser);
    const events = JSON.stringify(setup.events);
    expect(events).not.toContain(refreshJwt);
    expect(events).not.toContain(sessionJwt.split('.')[2]);
    expect(events).not.toMatch(/eyJ/);
  });
});

describe('server kit: concurrent refreshes with rotation (fake clock)', () => {
  let store: DumpableStore;

  beforeEach(() => {
    vi.useFakeTimers(FAKE_TIMERS);
    store = new DumpableStore();
    setup = kitSetup(store, { now: () => Date.now() + clockOffsetMs, rotateRefreshJwt: true, sessionTtlSeconds: 1 });
    kit = setup.instance();
  });
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  /** A browser whose session expired: the next request must refresh. */
  async function expired() {
    const signed = await signedIn();
    vi.setSystemTime(Date.now() + 7_000);
    return signed;
  }

  /** The outcome every caller must get: claims, a new session cookie and the one rotated refresh cookie. */
  function expectRefreshed(results: Authentication[], refreshJwt: string) {
    const rotated = results[0]!.setCookie.find((cookie) => cookie.startsWith('__Host-DSR='));
    expect(rotated).toBeDefined();
    expect(rotated).not.toContain(refreshJwt);
    for (const result of results) {
      expect(result.claims).toMatchObject({ userId: expect.stringMatching(/^U/) });
      expect(result.setCookie).toEqual([expect.stringMatching(/^__Host-DS=eyJ/), rotated]);
      expect(result.setCookie).not.toContainEqual(expect.stringContaining('Max-Age=0'));
    }
  }

  it('authenticate() twice at once in one kit: one refresh, both get the new session', async () => {
    const { browser, refreshJwt } = await expired();
    const results = await drive(Promise.all([kit.authenticate(browser.request('/')), kit.authenticate(browser.request('/')), kit.authenticate(browser.request('/').headers)]));
    expectRefreshed(results, refreshJwt);
    expect(setup.events.filter((event) => event.type === 'kit' && event.step === 'refresh')).toEqual([expect.objectContaining({ outcome: 'refreshed', rotated: true })]);
    // POST /refresh joins the same way: one refresh (not a second one refused and then rescued by the
    // kept outcome), and Descope asked once.
    const again = await expired();
    const refreshEvents = () => setup.events.filter((event) => event.type === 'kit' && event.step === 'refresh');
    const before = refreshEvents().length;
    const calls = () => setup.emulator.requests.filter((request) => request.path === PATHS.refresh).length;
    const callsBefore = calls();
    const answers = await drive(Promise.all([refresh(again.browser), refresh(again.browser)]));
    expect(answers.map(({ response }) => response.status)).toEqual([200, 200]);
    expect(refreshEvents().slice(before)).toEqual([expect.objectContaining({ outcome: 'refreshed', rotated: true })]);
    expect(calls() - callsBefore).toBe(1);
  });

  it('two instances sharing the store and secret, at once: both get the new session; a late request within the grace too', async () => {
    const { browser, refreshJwt } = await expired();
    const other = setup.instance();
    const results = await drive(Promise.all([kit.authenticate(browser.request('/')), other.authenticate(browser.request('/'))]));
    expectRefreshed(results, refreshJwt);
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'refresh', outcome: 'refreshed', reason: 'shared' }));
    // A request sent with the old cookie before the browser stored the new one, on a third instance.
    vi.setSystemTime(Date.now() + 2_000);
    expectRefreshed([results[0]!, await drive(setup.instance().authenticate(browser.request('/')))], refreshJwt);
  });

  it('authenticate hands out the rotated cookies even when the keys cannot be fetched to read the new session', async () => {
    const { browser, refreshJwt } = await expired();
    // The session cookie's Max-Age (the JWT's lifetime) ran out: the browser sends only the refresh cookie.
    browser.cookies.delete('__Host-DS');
    // A fresh instance (no keys cached yet) whose key fetches fail.
    const fresh = setup.instance();
    setup.emulator.injectFault({ type: 'drop-connection' }, { path: `/v2/keys/${setup.emulator.projectId}`, times: 20 });
    const result = await drive(fresh.authenticate(browser.request('/')), { step: 500 });
    expect(result.claims).toBeUndefined();
    const rotated = result.setCookie.find((cookie) => cookie.startsWith('__Host-DSR='));
    expect(rotated).toBeDefined();
    expect(rotated).not.toContain(refreshJwt);
  });

  it('a store that hangs costs a refresh one storeTimeoutMs, not one per store call; the refresh still succeeds', async () => {
    const hanging = new DumpableStore();
    hanging.get = () => new Promise(() => {});
    hanging.set = () => new Promise(() => {});
    setup = kitSetup(hanging, { now: () => Date.now() + clockOffsetMs, rotateRefreshJwt: true, sessionTtlSeconds: 1 });
    kit = setup.instance({ storeTimeoutMs: 2_000 });
    const { browser, refreshJwt } = await expired();
    const started = Date.now();
    expectRefreshed([await drive(kit.authenticate(browser.request('/')), { step: 250 })], refreshJwt);
    // The lookup ran out (2 s), then the refresh went on without the store (no 2 s more to keep its outcome).
    expect(Date.now() - started).toBeLessThanOrEqual(2_250);
  });

  it('a sign-out against a hanging store and a hanging Descope still ends within SIGN_OUT_DEADLINE_MS', async () => {
    const hanging = new DumpableStore();
    hanging.take = () => new Promise(() => {});
    setup = kitSetup(hanging, { now: () => Date.now() + clockOffsetMs, rotateRefreshJwt: true, sessionTtlSeconds: 1 });
    kit = setup.instance({ storeTimeoutMs: 2_000 });
    const { browser } = await signedIn();
    setup.emulator.injectFault({ type: 'latency', ms: 60_000 }, { path: PATHS.logout });
    const started = Date.now();
    const out = await drive(kit.signOut(browser.request('/auth/sign-out', { method: 'POST' })), { step: 250 });
    expect(out.status).toBe(204);
    expect(Date.now() - started).toBeLessThanOrEqual(SIGN_OUT_DEADLINE_MS + 250);
    expect(setup.events.filter((event) => event.type === 'kit').at(-1)).toMatchObject({ step: 'sign-out', outcome: 'failed', errorType: 'RequestTimeoutError' });
  });

  it('a revoked refresh JWT still ends the session after the grace lookup; an old one ends it after the grace', async () => {
    const revoked = await expired();
    await setup.instance().signOut(revoked.browser.request('/auth/sign-out', { method: 'POST' }));
    expect(await drive(Promise.all([kit.authenticate(revoked.browser.request('/')), setup.instance().authenticate(revoked.browser.request('/'))]))).toEqual([
      { claims: undefined, setCookie: CLEARED, cookieHeader: '' },
      { claims: undefined, setCookie: CLEARED, cookieHeader: '' },
    ]);

    const rotated = await expired();
    await drive(kit.authenticate(rotated.browser.request('/')));
    vi.setSystemTime(Date.now() + REFRESH_GRACE_MS + 1);
    expect((await drive(setup.instance().authenticate(rotated.browser.request('/')))).setCookie).toEqual(CLEARED);

    // Signed out (with the rotated cookie, on another instance) within the grace: the old cookie gets nothing.
    const signedOut = await expired();
    const stale = new Browser();
    for (const [name, value] of signedOut.browser.cookies) stale.cookies.set(name, value);
    const { setCookie } = await drive(kit.authenticate(signedOut.browser.request('/')));
    signedOut.browser.keep(new Response(null, { headers: setCookie.map((cookie) => ['set-cookie', cookie] as [string, string]) }));
    expect((await drive(setup.instance().signOut(signedOut.browser.request('/auth/sign-out', { method: 'POST' })))).status).toBe(204);
    expect(await drive(setup.instance().authenticate(stale.request('/')))).toEqual({ claims: undefined, setCookie: CLEARED, cookieHeader: '' });
  });

  it('the store holds neither JWT in clear; a failing store signs nobody out', async () => {
    const { browser, refreshJwt, sessionJwt } = await expired();
    const [result] = await drive(Promise.all([kit.authenticate(browser.request('/')), setup.instance().authenticate(browser.request('/'))]));
    const written = JSON.stringify(store.written);
    expect(store.written.some(({ key }) => key.startsWith('refreshed:'))).toBe(true);
    for (const jwt of [refreshJwt, sessionJwt, ...result!.setCookie.map((cookie) => cookie.split(/[=;]/)[1]!)]) expect(written).not.toContain(jwt.split('.')[2]);
    expect(written).not.toMatch(/eyJ/);

    const failing = new DumpableStore();
    const down = () => Promise.reject(new Error('redis://user:pw@host down'));
    failing.get = down;
    failing.set = down;
    setup = kitSetup(failing, { now: () => Date.now() + clockOffsetMs, rotateRefreshJwt: true, sessionTtlSeconds: 1 });
    const again = await expired();
    const alone = setup.instance();
    const results = await drive(Promise.all([alone.authenticate(again.browser.request('/')), alone.authenticate(again.browser.request('/'))]));
    expectRefreshed(results, again.refreshJwt);
    // Reported by its class name only (the message may quote a connection string).
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'request', outcome: 'failed', errorType: 'Error' }));
    expect(JSON.stringify(setup.events)).not.toContain('redis://');
  });
});

describe('server kit: authenticate().cookieHeader', () => {
  it('is the Cookie header once the browser applied setCookie: replaced in place, cleared removed, others kept in order', async () => {
    clockOffsetMs = -3_600_000;
    const { browser } = await signedIn();
    clockOffsetMs = 0;
    const cookie = `theme=dark; __Host-DS=${browser.cookies.get('__Host-DS')}; __Host-DSR=${browser.cookies.get('__Host-DSR')}; lang=en`;
    const refreshed = await kit.authenticate(new Headers({ cookie }));
    const newSession = refreshed.setCookie[0]!.split(';')[0]!;
    expect(refreshed.cookieHeader).toBe(`theme=dark; ${newSession}; __Host-DSR=${browser.cookies.get('__Host-DSR')}; lang=en`);
    expect(await kit.getSession(new Headers({ cookie: refreshed.cookieHeader }))).toMatchObject({ userId: expect.any(String) });
    // Unchanged without Set-Cookie (a valid session, or none at all).
    const fresh = await signedIn();
    const freshCookie = `a=1; ${fresh.browser.cookieHeader}`;
    expect((await kit.authenticate(new Headers({ cookie: freshCookie }))).cookieHeader).toBe(freshCookie);
    expect((await kit.authenticate(new Headers({ cookie: 'a=1' }))).cookieHeader).toBe('a=1');
    expect((await kit.authenticate(new Headers())).cookieHeader).toBe('');
    // Refused: both session cookies go, the others stay.
    const ended = await onFakeClock(() => kit.authenticate(new Headers({ cookie: 'a=1; __Host-DS=x; __Host-DSR=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2ln; b=2' })));
    expect(ended).toMatchObject({ setCookie: CLEARED, cookieHeader: 'a=1; b=2' });
  });
});
