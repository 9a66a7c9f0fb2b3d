// The sign-in routes of the server kit on Request/Response alone, against the in-process emulator: start,
// the long-poll, the confirm page and its number check, across two instances sharing a store and a secret.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PATHS } from '../../../src/protocol/paths.js';
import { RequestBudget } from '../../../src/transport/request-budget.js';
import { WATCH_INTERVAL_MS } from '../../../src/server/index.js';
import { Browser, drive, DumpableStore, FAKE_TIMERS, formFields, kitSetup, ORIGIN, pathOf, until, type KitSetup } from './helpers.js';

let setup: KitSetup;
let store: DumpableStore;

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMERS);
  vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
  store = new DumpableStore();
  setup = kitSetup(store);
});

afterEach(() => {
  // Whatever a test did, nothing is left scheduled: no watch, no poll, no deadline.
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

const upstream = () => setup.emulator.requests.length;
const calls = (path: string) => setup.emulator.requests.filter((request) => request.path === path).length;

/** Starts a sign-in from `browser` on `kit`: the handle and number the waiting screen gets. */
async function start(kit: ReturnType<KitSetup['instance']>, browser: Browser, email = 'ada@example.com') {
  const { response, body } = await browser.send(kit, '/auth/start', { json: { email } });
  expect(response.status).toBe(200);
  return body as { handle: string; linkId: string; maskedEmail: string };
}

/** The emailed link with the right number for `email`. */
const rightLink = (email = 'ada@example.com') => setup.emulator.lastEmail(email)!.links.find(({ correct }) => correct)!;

/** Opens `link` in `browser` (the confirm page): status, HTML, form fields. */
async function openLink(kit: ReturnType<KitSetup['instance']>, browser: Browser, url: string) {
  const { response, body } = await browser.send(kit, pathOf(url));
  return { response, html: body as string, fields: formFields(body as string) };
}

describe('server kit: start, status, confirm', () => {
  it('signs in end to end: start → confirm page → right number → status signed_in with the session cookies', async () => {
    const kit = setup.instance();
    const person = new Browser();
    const sent = await start(kit, person);
    expect(sent).toEqual({ handle: expect.stringMatching(/^[\w-]{32}$/), linkId: expect.stringMatching(/^\d\d$/), maskedEmail: 'a***@example.com' });
    const waiting = person.send(kit, '/auth/status', { json: { handle: sent.handle } });

    const link = rightLink();
    expect(link.url).toMatch(new RegExp(`^${ORIGIN}/auth/confirm\\?el_binding=[\\w-]+&t=`));
    // The link opens in another browser (the phone), which types the number shown on the waiting screen.
    const phone = new Browser('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1');
    const confirmPage = await openLink(kit, phone, link.url);
    expect(confirmPage.response.status).toBe(200);
    const confirmed = await phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } });
    expect(confirmed.response.status).toBe(200);
    expect(confirmed.body).toContain('You are signed in');

    // Woken at once on this instance: no poll interval, no store watch needed.
    const { response, body } = await waiting;
    expect(response.status).toBe(200);
    expect(body).toEqual({ status: 'signed_in', user: expect.objectContaining({ email: 'ada@example.com' }), sessionExpiration: expect.any(Number), firstSeen: true });
    const cookies = response.headers.getSetCookie();
    expect(cookies).toEqual([
      expect.stringMatching(/^__Host-DS=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=600$/),
      expect.stringMatching(/^__Host-DSR=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/),
    ]);
    // No JWT in the body the page's script reads.
    expect(JSON.stringify(body)).not.toMatch(/eyJ/);
    // The session is handed out once: the handle is spent.
    expect((await person.send(kit, '/auth/status', { json: { handle: sent.handle } })).body.error).toBe('unknown_login');
    expect((await person.send(kit, '/auth/session')).body).toMatchObject({ userId: body.user.userId });
  });

  it('reads the typed number as a number: a leading zero more (or less) is the same number', async () => {
    const kit = setup.instance();
    const person = new Browser();
    const sent = await start(kit, person);
    const phone = new Browser();
    const confirmPage = await openLink(kit, phone, rightLink().url);
    expect((await phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, number: ` 0${sent.linkId} ` } })).response.status).toBe(200);
    expect(calls(PATHS.verify)).toBe(1);
  });

  it('a scanner that opens every link (GET) calls nothing upstream and signs nobody in', async () => {
    const kit = setup.instance();
    const sent = await start(kit, new Browser());
    const before = upstream();
    const scanner = new Browser('Mozilla/5.0 (compatible; SafeLinks)');
    for (const { url } of setup.emulator.lastEmail('ada@example.com')!.links) {
      const confirmPage = await openLink(kit, scanner, url);
      expect(confirmPage.response.status).toBe(200);
      expect(confirmPage.html).toContain('<button type="submit">Sign in</button>');
      expect(confirmPage.html).toMatch(/<input id="number" name="number" required pattern="\[0-9\]\{1,3\}"/);
      expect(confirmPage.html).toContain('Account: a***@example.com');
      expect(confirmPage.html).toContain('Asked from: Chrome on Windows');
      expect(confirmPage.html).toContain('Asked at: 2026-12-01 12:00 UTC (just now)');
      expect(confirmPage.html).not.toContain(`>${sent.linkId}<`);
      expect(Object.keys(confirmPage.fields)).toEqual(['t', 'binding', 'csrf']);
      expect(confirmPage.response.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-confirm-browser=[\w-]{24}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=600$/)]);
      expect(confirmPage.response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(confirmPage.response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(upstream()).toBe(before);
  });

  it.each([
    ['no number (a scanner that submits the form without typing)', undefined],
    ['an empty field', ''],
    ['text that is no number', 'test'],
    ['more digits than the field takes', '1234'],
  ])('a form with %s guesses nothing: the page asks again with the same form, and the sign-in goes on', async (_, number) => {
    const kit = setup.instance();
    const person = new Browser();
    const sent = await start(kit, person);
    const phone = new Browser();
    const confirmPage = await openLink(kit, phone, rightLink().url);
    const answer = await phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, ...(number !== undefined && { number }) } });
    expect(answer.response.status).toBe(400);
    expect(answer.body).toContain('Type the number first');
    expect(answer.body).toContain('Account: a***@example.com');
    expect(formFields(answer.body as string)).toEqual(confirmPage.fields);
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'confirm', outcome: 'no-number', status: 400 }));
    expect(calls(PATHS.verify)).toBe(0);
    // Nothing ended: the waiting screen is still pending, and the person's own number, on the same form, verifies.
    expect((await drive(person.send(kit, '/auth/status', { json: { handle: sent.handle } }), { step: 500 })).body).toEqual({ status: 'pending' });
    expect((await phone.send(kit, '/auth/confirm', { form: { ...formFields(answer.body as string), number: sent.linkId } })).response.status).toBe(200);
    expect((await person.send(kit, '/auth/status', { json: { handle: sent.handle } })).body).toMatchObject({ status: 'signed_in' });
  });

  it('a wrong number sends no verify and ends the sign-in: status answers 410 wrong_number, even from another instance', async () => {
    const first = setup.instance();
    const second = setup.instance();
    const person = new Browser();
    const sent = await start(first, person);
    const phone = new Browser();
    const confirmPage = await openLink(first, phone, rightLink().url);
    const wrong = String((Number(sent.linkId) + 1) % 100).padStart(2, '0');
    const answer = await phone.send(first, '/auth/confirm', { form: { ...confirmPage.fields, number: wrong } });
    expect(answer.response.status).toBe(400);
    expect(answer.body).toContain('Wrong number: this sign-in was stopped');
    expect(calls(PATHS.verify)).toBe(0);

    // The waiting screen asks the other instance.
    const status = await person.send(second, '/auth/status', { json: { handle: sent.handle } });
    expect(status.response.status).toBe(410);
    expect(status.body).toEqual({ error: 'wrong_number', message: expect.stringContaining('without knowing the number') });
    // Over for good: the link's page no longer offers a form, the handle is gone, and the right number does nothing.
    const again = await openLink(second, phone, rightLink().url);
    expect(again.response.status).toBe(410);
    expect(again.fields).toEqual({});
    expect((await phone.send(second, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } })).response.status).toBe(410);
    expect((await person.send(second, '/auth/status', { json: { handle: sent.handle } })).body.error).toBe('unknown_login');
    expect(calls(PATHS.verify)).toBe(0);
  });

  /**
   * A sign-in started on one instance, its status request waiting on a second (its first poll answered
   * pending; the next is 2.5 s away), and `number` typed on the first instance's confirm page: what the wait
   * answers after one store look, and whether it was still waiting before.
   */
  async function confirmedElsewhere(number: (linkId: string) => string) {
    const first = setup.instance();
    const second = setup.instance();
    const person = new Browser();
    const sent = await start(first, person);
    let ended: Awaited<ReturnType<Browser['send']>> | undefined;
    void person.send(second, '/auth/status', { json: { handle: sent.handle } }).then((answer) => (ended = answer));
    await until(() => calls(PATHS.pendingSession) === 1, 'the wait to poll');
    const phone = new Browser();
    const confirmPage = await openLink(first, phone, rightLink().url);
    const confirmed = await phone.send(first, '/auth/confirm', { form: { ...confirmPage.fields, number: number(sent.linkId) } });
    const waitedBefore = ended === undefined;
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    await until(() => ended !== undefined, 'the wait to end');
    return { confirmed: confirmed.response.status, waitedBefore, ended: ended! };
  }

  it('a wrong number typed on one instance ends the wait on another within one store look', async () => {
    const { confirmed, waitedBefore, ended } = await confirmedElsewhere((linkId) => (linkId === '00' ? '01' : '00'));
    expect(confirmed).toBe(400);
    expect(waitedBefore).toBe(true);
    expect(ended.response.status).toBe(410);
    expect(ended.body.error).toBe('wrong_number');
    expect(calls(PATHS.verify)).toBe(0);
  });

  it('a right number confirmed on one instance makes the wait on another poll at once, not an interval later', async () => {
    const { confirmed, waitedBefore, ended } = await confirmedElsewhere((linkId) => linkId);
    expect(confirmed).toBe(200);
    expect(waitedBefore).toBe(true);
    expect(ended.response.status).toBe(200);
    expect(ended.body.status).toBe('signed_in');
    // One poll before the confirm, one right after the store look: none waited for the 2.5 s interval.
    expect(calls(PATHS.pendingSession)).toBe(2);
  });

  it('answers pending after waitMs, and the sign-in stays usable', async () => {
    const kit = setup.instance({ waitMs: 3_000 });
    const person = new Browser();
    const sent = await start(kit, person);
    expect(await drive(person.send(kit, '/auth/status', { json: { handle: sent.handle } }), { step: 500 })).toMatchObject({ body: { status: 'pending' } });
    await setup.emulator.click('ada@example.com');
    // The next status request's first poll is immediate: no time needs to pass.
    expect(await person.send(kit, '/auth/status', { json: { handle: sent.handle } })).toMatchObject({ body: { status: 'signed_in' } });
  });

  it('stops polling Descope when request.signal aborts, leaving no timer', async () => {
    const kit = setup.instance();
    const person = new Browser();
    const sent = await start(kit, person);
    const gone = new AbortController();
    const waiting = kit.status(person.request('/auth/status', { json: { handle: sent.handle }, signal: gone.signal }));
    await until(() => calls(PATHS.pendingSession) === 1, 'the wait to poll');
    gone.abort();
    expect((await drive(waiting, { step: 10, within: 0 })).status).toBe(499);
    const polls = calls(PATHS.pendingSession);
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'status', outcome: 'client-gone' }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls(PATHS.pendingSession)).toBe(polls);
    // afterEach: no timer left.
  });

  it('sends nothing when request.signal aborts while the send waits for its turn in the request budget', async () => {
    // Two sends at once, then one per 3 s: the third waits.
    const requestBudget = new RequestBudget({ requests: 3, windowMs: 3_000 });
    const kit = setup.instance({ requestBudget });
    await start(kit, new Browser(), 'ada@example.com');
    await start(kit, new Browser(), 'grace@example.com');
    const gone = new AbortController();
    const third = kit.start(new Browser().request('/auth/start', { json: { email: 'alan@example.com' }, signal: gone.signal }));
    await until(() => requestBudget.queued === 1, 'the send to wait for its turn');
    gone.abort();
    const answer = await drive(third, { step: 10, within: 0 });
    expect(answer.status).toBe(499);
    expect(await answer.json()).toEqual({ error: 'client_gone', message: expect.any(String) });
    expect(setup.events).toContainEqual(expect.objectContaining({ type: 'kit', step: 'start', outcome: 'client-gone', status: 499 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(setup.emulator.lastEmail('alan@example.com')).toBeUndefined();
    expect(calls(PATHS.signInOrUp)).toBe(2);
    // afterEach: no timer left.
  });

  it('a newer status request takes over (409 superseded to the older), on another instance too', async () => {
    const first = setup.instance();
    const second = setup.instance();
    const person = new Browser();
    const sent = await start(first, person);
    let older: Awaited<ReturnType<Browser['send']>> | undefined;
    void person.send(first, '/auth/status', { json: { handle: sent.handle } }).then((answer) => (older = answer));
    await until(() => calls(PATHS.pendingSession) === 1, 'the older wait to poll');
    const newer = person.send(second, '/auth/status', { json: { handle: sent.handle } });
    await until(() => calls(PATHS.pendingSession) === 2, 'the newer wait to poll');
    await vi.advanceTimersByTimeAsync(WATCH_INTERVAL_MS);
    await until(() => older !== undefined, 'the older wait to end');
    expect(older).toMatchObject({ response: { status: 409 }, body: { error: 'superseded' } });
    // Confirmed on the newer one's instance: it is woken at once.
    const phone = new Browser();
    const confirmPage = await openLink(second, phone, rightLink().url);
    expect((await phone.send(second, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } })).response.status).toBe(200);
    expect(await newer).toMatchObject({ body: { status: 'signed_in' } });
  });

  it('answers a link it does not know (no binding, another one, no token) with a page and no form', async () => {
    const kit = setup.instance();
    await start(kit, new Browser());
    const link = new URL(rightLink().url);
    link.searchParams.set('el_binding', 'someone-elses');
    const phone = new Browser();
    const unknown = await openLink(kit, phone, link.href);
    expect(unknown.response.status).toBe(410);
    expect(unknown.fields).toEqual({});
    const incomplete = await phone.send(kit, '/auth/confirm');
    expect(incomplete.response.status).toBe(400);
    expect(incomplete.body).toContain('incomplete');
  });

  it('escapes the token it echoes into the page', async () => {
    const kit = setup.instance();
    await start(kit, new Browser());
    const link = new URL(rightLink().url);
    link.searchParams.set('t', '"><script>alert(1)</script>');
    const confirmPage = await openLink(kit, new Browser(), link.href);
    expect(confirmPage.html).not.toContain('<script>alert(1)');
    expect(confirmPage.fields.t).toBe('"><script>alert(1)</script>');
  });

  it('a link already used, or a wrong link with the right number, gets "invalid or expired"', async () => {
    const kit = setup.instance();
    const sent = await start(kit, new Browser());
    const email = setup.emulator.lastEmail('ada@example.com')!;
    const phone = new Browser();
    const confirmWith = async (url: string) => {
      const confirmPage = await openLink(kit, phone, url);
      return phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } });
    };
    const wrongLink = email.links.find(({ correct }) => !correct)!;
    expect((await confirmWith(wrongLink.url)).body).toContain('invalid or expired');
    expect((await confirmWith(rightLink().url)).response.status).toBe(200);
    expect((await confirmWith(rightLink().url)).body).toContain('invalid or expired');
  });
});

describe('server kit: against a Descope that never answers', () => {
  // The client's bound: one attempt of 10 s; a send or a verify is not retried after a timeout (it may
  // have been carried out).
  const BOUND_MS = 10_000;

  it('POST /start answers 502 upstream_unavailable within the client\'s bound; the next start works', async () => {
    const kit = setup.instance();
    setup.emulator.injectFault({ type: 'latency', ms: 600_000 }, { path: PATHS.signInOrUp, times: 1 });
    const started = Date.now();
    const answer = await drive(new Browser().send(kit, '/auth/start', { json: { email: 'ada@example.com' } }), { step: 500 });
    expect(answer).toMatchObject({ response: { status: 502 }, body: { error: 'upstream_unavailable' } });
    expect(Date.now() - started).toBeLessThanOrEqual(BOUND_MS + 500);
    await start(kit, new Browser());
    // afterEach: no timer left.
  });

  it('POST /confirm answers a 502 page within the client\'s bound', async () => {
    const kit = setup.instance();
    const sent = await start(kit, new Browser());
    const phone = new Browser();
    const confirmPage = await openLink(kit, phone, rightLink().url);
    setup.emulator.injectFault({ type: 'latency', ms: 600_000 }, { path: PATHS.verify, times: 1 });
    const started = Date.now();
    const answer = await drive(phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } }), { step: 500 });
    expect(answer.response.status).toBe(502);
    expect(answer.body).toContain('Could not reach the sign-in service');
    expect(Date.now() - started).toBeLessThanOrEqual(BOUND_MS + 500);
  });
});

describe('server kit: the confirm form is refused with 403, calling nothing', () => {
  async function prepared() {
    const kit = setup.instance();
    const sent = await start(kit, new Browser());
    await start(kit, new Browser(), 'tony@example.com');
    const phone = new Browser();
    const confirmPage = await openLink(kit, phone, rightLink().url);
    const other = await openLink(kit, phone, rightLink('tony@example.com').url);
    return { kit, phone, fields: { ...confirmPage.fields, number: sent.linkId }, otherCsrf: other.fields.csrf! };
  }

  it.each([
    ['without the CSRF token', ({ csrf: _, ...fields }: Record<string, string>) => fields, {}],
    ['with the CSRF token of another sign-in', (fields: Record<string, string>, other: string) => ({ ...fields, csrf: other }), {}],
    ['with a forged CSRF token', (fields: Record<string, string>) => ({ ...fields, csrf: `${Date.now() + 60_000}.${'A'.repeat(43)}` }), {}],
    ['with a token that is not one', (fields: Record<string, string>) => ({ ...fields, csrf: 'garbage' }), {}],
    ['from another browser (its own cookie)', (fields: Record<string, string>) => fields, { cookie: '__Host-confirm-browser=another-browser-id-0000' }],
    ['without the browser cookie', (fields: Record<string, string>) => fields, { cookie: '' }],
    ['from another site (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'cross-site' }],
    ['from a sibling subdomain (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'same-site' }],
    ['from another origin (Origin, no Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ['over another scheme (Origin, no Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: 'http://app.example.com' }],
    ['with neither Origin nor Sec-Fetch-Site', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: '' }],
  ])('%s', async (_, fieldsOf, headers: Record<string, string>) => {
    const { kit, phone, fields, otherCsrf } = await prepared();
    const before = upstream();
    const answer = await phone.send(kit, '/auth/confirm', { form: fieldsOf(fields, otherCsrf), headers });
    expect(answer.response.status).toBe(403);
    expect(answer.body).toContain('This request was refused');
    expect(upstream()).toBe(before);
    expect(setup.events.at(-1)).toMatchObject({ type: 'kit', step: 'confirm', outcome: 'refused' });
    // The control: the same page's own form, from the same origin and browser, verifies.
    expect((await phone.send(kit, '/auth/confirm', { form: fields })).response.status).toBe(200);
  });

  it('an expired token (past its 10 minutes)', async () => {
    const { kit, phone, fields } = await prepared();
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1);
    const before = upstream();
    // The sign-in itself lives 5 minutes: the kit refuses on the token before it looks for the sign-in.
    expect((await phone.send(kit, '/auth/confirm', { form: fields })).response.status).toBe(403);
    expect(upstream()).toBe(before);
  });

  it('a token issued under another secret (another app); the same secret on another instance is accepted', async () => {
    const { kit, phone, fields } = await prepared();
    const foreign = setup.instance({ secret: 'another-secret-of-enough-length-987654321' });
    const before = upstream();
    expect((await phone.send(foreign, '/auth/confirm', { form: fields })).response.status).toBe(403);
    expect(upstream()).toBe(before);
    const sameApp = setup.instance();
    expect(sameApp).not.toBe(kit);
    expect((await phone.send(sameApp, '/auth/confirm', { form: fields })).response.status).toBe(200);
  });
});

describe('server kit: send limits', () => {
  it('limits sends per address and per IP with 429 and Retry-After, before calling Descope', async () => {
    const kit = setup.instance({ limits: { perAddress: 2, perIp: 4, windowMs: 60_000 } });
    const browser = new Browser();
    const send = (email: string) => kit.start(browser.request('/auth/start', { json: { email } }), { clientIp: '203.0.113.7' });
    expect((await send('grace@example.com')).status).toBe(200);
    expect((await send('GRACE@example.com')).status).toBe(200);
    const perAddress = await send('grace@example.com');
    expect(perAddress.status).toBe(429);
    expect(Number(perAddress.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await perAddress.json()).toMatchObject({ error: 'rate_limited' });
    // The refused attempt counted against the IP: this is its fourth.
    expect((await send('hopper@example.com')).status).toBe(200);
    const before = calls(PATHS.signInOrUp);
    expect((await send('margaret@example.com')).status).toBe(429);
    expect(calls(PATHS.signInOrUp)).toBe(before);
    // Another IP is not limited by this one; the window's end frees this one.
    expect((await kit.start(browser.request('/auth/start', { json: { email: 'ken@example.com' } }), { clientIp: '198.51.100.1' })).status).toBe(200);
    vi.setSystemTime(Date.now() + 60_000);
    expect((await send('margaret@example.com')).status).toBe(200);
  });

  it('a send that met a 429 is refunded: the retry it asks for is allowed', async () => {
    const kit = setup.instance({ limits: { perAddress: 1 } });
    // A 429 pauses the request budget for its Retry-After: the retry waits its turn on the fake clock.
    const send = () => drive(kit.handle(new Browser().request('/auth/start', { json: { email: 'barbara@example.com' } })), { step: 1_000 });
    setup.emulator.injectFault({ type: 'rate-limit', retryAfter: 6 }, { path: PATHS.signInOrUp });
    const turnedAway = await send();
    expect(turnedAway.status).toBe(429);
    expect(turnedAway.headers.get('retry-after')).toBe('6');
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(429);
  });
});

describe('server kit: what the store holds', () => {
  it('no handle, binding, pendingRef, link token, JWT or address in clear', async () => {
    const kit = setup.instance();
    const person = new Browser();
    const sent = await start(kit, person);
    const waiting = person.send(kit, '/auth/status', { json: { handle: sent.handle } });
    const phone = new Browser();
    const confirmPage = await openLink(kit, phone, rightLink().url);
    await phone.send(kit, '/auth/confirm', { form: { ...confirmPage.fields, number: sent.linkId } });
    expect(await waiting).toMatchObject({ body: { status: 'signed_in' } });
    const email = setup.emulator.lastEmail('ada@example.com')!;
    const secrets = [sent.handle, confirmPage.fields.binding!, email.pendingRef, ...email.links.map(({ token }) => token), 'ada@example.com', 'a***@example.com'];
    const dump = JSON.stringify(store.written);
    expect(store.written.length).toBeGreaterThan(3);
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).not.toMatch(/eyJ/);
    // Nor do the events.
    const events = JSON.stringify(setup.events);
    for (const secret of secrets) expect(events).not.toContain(secret);
  });
});
