// The Node backend example over real HTTP: a browser-like client talks to it with fetch/node:http, and it
// talks to the emulator server. It runs on the package's built entry ('enchanted-link' → dist/), as an app would.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnchantedLinkClient } from 'enchanted-link';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLoginHandler, type LogEntry, type LoginServerOptions } from '../../examples/node-server/app.js';
import { LoginStore } from '../../examples/node-server/logins.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { openConfirmPage, postVerify } from './confirm-link.js';
import { fastUnlimitedBudget, unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
let emulatorServer: EmulatorServer;
let app: Server;
let appUrl: string;
/** Every log line of the app, and every answer it gave the browser: scanned for secrets after each test. */
const logs: LogEntry[] = [];
const answers: string[] = [];
/** Upstream requests as the app's client issued them, interleaved with the app's log events, in order. */
const timeline: string[] = [];
const waiters = new Map<string, () => void>();

const POLL_MS = 20;
/** The CSRF key of the app under test (from configuration in a deployment). */
const CSRF_KEY = 'test-key-'.repeat(4);

/** Resolves when the app logs `event` (at once if it already did since the last reset). */
const logged = (event: string) =>
  logs.some((entry) => entry.event === event) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(event, resolve));

/** A bounded wait for a condition that other processes' I/O makes true; fails with `what` after 5 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - started > 5_000) throw new Error(`Timed out waiting for ${what}`);
  }
}

const polls = () => emulator.requests.filter(({ path }) => path === PATHS.pendingSession).length;

/** A request as the browser would send it; records the answer (minus Set-Cookie, which must hold the JWT). */
async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${appUrl}${path}`, init);
  const text = await response.text();
  answers.push(JSON.stringify([...response.headers].filter(([name]) => name !== 'set-cookie')), text);
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
}

const login = (email: string) =>
  call('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });

/** The long-polling status request; the handle travels in the body, never in a URL. */
const status = (handle: string) =>
  call('/login/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle }) });

/** A status request over node:http, so the test can destroy its socket mid-wait. */
function postStatus(handle: string) {
  const body = JSON.stringify({ handle });
  const req = request(`${appUrl}/login/status`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  req.end(body);
  return req;
}

const verifies = () => emulator.requests.filter(({ path }) => path === PATHS.verify).length;

/**
 * Opens the emailed link: the confirm page, its form fields and this browser's cookie. Not recorded in
 * `answers`: the page carries the link's own token back to the browser that opened it, in a hidden field.
 */
const openLink = (url: string, headers: Record<string, string> = {}) => openConfirmPage(`${appUrl}${new URL(url).pathname}${new URL(url).search}`, headers);

/** The number the waiting screen showed for the email `url` belongs to (what the person types). */
const numberFor = (url: string) => emulator.outbox.find((email) => email.links.some((link) => link.url === url))!.linkId;

/** Types `number` (by default the right one) on the confirm page of `url` and presses "Sign in": the answer to the POST. */
async function confirm(url: string, headers: Record<string, string> = {}, number = numberFor(url)) {
  const { fields, cookie } = await openLink(url);
  const answer = await postVerify(appUrl, { ...fields, number }, { cookie, ...headers });
  const text = await answer.text();
  answers.push(text);
  return { status: answer.status, headers: answer.headers, body: text };
}

beforeAll(async () => {
  emulatorServer = await emulator.listen();
  app = createServer();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const client = new EnchantedLinkClient({
    projectId: emulator.projectId,
    baseUrl: emulatorServer.url,
    redirectUrl: `${appUrl}/verify`,
    ...unlimitedBudget(),
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith(PATHS.pendingSession)) timeline.push('poll');
      return fetch(input, init);
    },
  });
  const log = (entry: LogEntry) => {
    logs.push(entry);
    timeline.push(entry.event);
    waiters.get(entry.event)?.();
  };
    // Every test signs in from 127.0.0.1 with a few addresses: the limits have their own test.
  const loginLimits = { perIp: Infinity, perAddress: Infinity };
  app.on('request', createLoginHandler({ client, log, waitMs: 5_000, poll: { intervalMs: POLL_MS, maxIntervalMs: POLL_MS }, csrfKey: CSRF_KEY, loginLimits }));
});

afterEach(() => {
  // Whatever a test did, no link token, pendingRef or refresh JWT reached a log line or the browser
  // (other than the refresh JWT in its HttpOnly cookie, which `answers` leaves out).
  const secrets = emulator.outbox.flatMap((email) => [email.pendingRef, ...email.links.map(({ token }) => token)]);
  const seen = JSON.stringify(logs) + answers.join('\n');
  logs.length = answers.length = timeline.length = 0;
  waiters.clear();
  emulator.reset();
  for (const secret of secrets) expect(seen).not.toContain(secret);
  expect(seen).not.toMatch(/refreshJwt/);
});

afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await emulatorServer.close();
});

describe('examples/node-server', () => {
  it('signs in end to end and hands the refresh JWT over only as an HttpOnly cookie', async () => {
    const sent = await login('ada@example.com');
    expect(sent).toMatchObject({ status: 200, body: { linkId: expect.stringMatching(/^\d\d$/), maskedEmail: 'a***@example.com' } });
    expect(Object.keys(sent.body).sort()).toEqual(['handle', 'linkId', 'maskedEmail']);
    const waiting = status(sent.body.handle);

    const link = emulator.lastEmail('ada@example.com')?.links.find(({ correct }) => correct);
    expect(link?.url).toMatch(new RegExp(`^${appUrl}/verify\\?el_binding=[\\w-]{32}&t=`));
    const page = await confirm(link!.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.body).toContain('You are signed in');

    const { status: code, headers, body } = await waiting;
    expect(code).toBe(200);
    expect(body).toMatchObject({ status: 'signed_in', sessionJwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]*$/), user: { email: 'ada@example.com' } });
    expect(JSON.stringify(body)).not.toContain('refresh');
    const refreshJwt = /^__Host-DSR=([^;]+); /.exec(headers.get('set-cookie') ?? '')?.[1];
    expect(refreshJwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    // `__Host-`: Secure, Path=/ and no Domain, whatever the session's cookie fields say.
    expect(headers.get('set-cookie')).toBe(`__Host-DSR=${refreshJwt}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=2592000`);
    expect(JSON.stringify(logs) + answers.join('\n')).not.toContain(refreshJwt);

    // The handle is spent: it cannot fetch the session a second time.
    expect((await status(sent.body.handle)).body.error).toBe('unknown_login');
  });

  it('stops polling Descope as soon as the browser disconnects mid-wait', async () => {
    const { body } = await login('grace@example.com');
    const request = postStatus(body.handle);
    request.on('error', () => {}); // the socket is destroyed below, on purpose
    await until(() => polls() >= 3, 'the app to poll three times');

    request.destroy();
    await logged('login.wait_aborted');
    const arrivedBeforeAbort = polls();
    const issuedBeforeAbort = timeline.indexOf('login.wait_aborted');
    // Polls were arriving every ~20 ms; wait 15 intervals' worth: a poll loop left running would show up here.
    const settle = Date.now() + 15 * POLL_MS;
    await until(() => Date.now() >= settle, 'the observation window');

    expect(logs.find(({ event }) => event === 'login.wait_aborted')).toMatchObject({ reason: 'client_gone' });
    expect(timeline.slice(issuedBeforeAbort + 1)).not.toContain('poll');
    expect(polls()).toBe(arrivedBeforeAbort);
    expect(polls()).toBeLessThanOrEqual(timeline.filter((entry) => entry === 'poll').length);
  });

  it('lets a newer status request take over the wait, answering the older one 409', async () => {
    const { body } = await login('linus@example.com');
    const first = status(body.handle);
    await until(() => polls() >= 1, 'the first wait to poll');
    const second = status(body.handle);
    expect(await first).toMatchObject({ status: 409, body: { error: 'superseded' } });
    await emulator.click('linus@example.com');
    expect(await second).toMatchObject({ status: 200, body: { status: 'signed_in' } });
  });

  it('answers pending when nobody clicked within its wait, and the login stays usable', async () => {
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: emulatorServer.url, redirectUrl: 'http://127.0.0.1/verify', ...unlimitedBudget() });
    const short = createServer(createLoginHandler({ client, log: () => {}, waitMs: 3 * POLL_MS, poll: { intervalMs: POLL_MS }, csrfKey: CSRF_KEY }));
    await new Promise<void>((resolve) => short.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(short.address() as AddressInfo).port}`;
      const sent = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"ken@example.com"}' });
      const { handle } = (await sent.json()) as { handle: string };
      const check = () =>
        fetch(`${base}/login/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle }) }).then(
          (response) => response.json(),
        );
      expect(await check()).toEqual({ status: 'pending' });
      await emulator.click('ken@example.com');
      expect(await check()).toMatchObject({ status: 'signed_in' });
    } finally {
      await new Promise((resolve) => short.close(resolve));
    }
  });

  it.each([
    ['no email', 'POST', '/login', 'application/json', '{}', 400, 'invalid_email'],
    ['an email that is not a string', 'POST', '/login', 'application/json', '{"email":42}', 400, 'invalid_email'],
    ['bad JSON', 'POST', '/login', 'application/json', '{"email":', 400, 'invalid_json'],
    ['a JSON array', 'POST', '/login', 'application/json', '["a@example.com"]', 400, 'invalid_json'],
    ['a form body', 'POST', '/login', 'application/x-www-form-urlencoded', 'email=a%40example.com', 415, 'unsupported_media_type'],
    ['a body over 16 KB', 'POST', '/login', 'application/json', JSON.stringify({ email: 'a'.repeat(20_000) }), 413, 'body_too_large'],
    ['an unknown login handle', 'POST', '/login/status', 'application/json', '{"handle":"nope"}', 404, 'unknown_login'],
    ['no login handle', 'POST', '/login/status', 'application/json', '{}', 404, 'unknown_login'],
    ['a login handle that is not a string', 'POST', '/login/status', 'application/json', '{"handle":1}', 400, 'invalid_handle'],
    ['a login handle in the query', 'GET', '/login/status?handle=nope', undefined, undefined, 405, 'method_not_allowed'],
    ['the wrong method', 'GET', '/login', undefined, undefined, 405, 'method_not_allowed'],
    ['an unknown path', 'GET', '/admin', undefined, undefined, 404, 'not_found'],
  ])('answers %s with a 4xx JSON error', async (_name, method, path, type, payload, status, error) => {
    const init: RequestInit = { method, ...(type ? { headers: { 'content-type': type } } : {}), ...(payload ? { body: payload } : {}) };
    const answer = await call(path, init);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.body).toEqual({ error, message: expect.any(String) });
  });

  it('answers a wrong, reused or missing link with the invalid-link page and never logs the token', async () => {
    await login('barbara@example.com');
    const email = emulator.lastEmail('barbara@example.com')!;
    const wrong = email.links.find(({ correct }) => !correct)!;
    const right = email.links.find(({ correct }) => correct)!;
    // The person types the right number on a wrong-number link's page: Descope refuses the token.
    expect(await confirm(wrong.url)).toMatchObject({ status: 400, body: expect.stringContaining('invalid or expired') });
    expect(await confirm(right.url)).toMatchObject({ status: 200 });
    expect(await confirm(right.url)).toMatchObject({ status: 400, body: expect.stringContaining('invalid or expired') });
    expect(await call('/verify')).toMatchObject({ status: 400, body: expect.stringContaining('incomplete') });
    expect(logs.filter(({ event }) => event === 'verify.failed')).toHaveLength(2);
  });
});

describe('examples/node-server /verify against mail scanners', () => {
  it('answers GET /verify with a confirm page that shows the sign-in and asks for the number: Descope is never called', async () => {
    await call('/login', { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36' }, body: JSON.stringify({ email: 'alan@example.com' }) });
    const before = emulator.requests.length;
    for (const { url } of emulator.lastEmail('alan@example.com')!.links) {
      const page = await openLink(url);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<button type="submit">Sign in</button>');
      expect(page.html).toMatch(/<input id="number" name="number" required pattern="\[0-9\]\{1,3\}"/);
      expect(page.html).toContain('Account: a***@example.com');
      expect(page.html).toContain('Asked from: Chrome on Windows');
      expect(page.html).toMatch(/Asked at: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(just now\)/);
      expect(page.html).not.toContain(`>${numberFor(url)}<`); // the number is never on the page
      expect(Object.keys(page.fields)).toEqual(['t', 'binding', 'csrf']);
      expect(page.cookie).toMatch(/^__Host-confirm-browser=[\w-]{24}$/);
      expect(page.headers.get('set-cookie')).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=600$/);
      expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(emulator.requests.length).toBe(before);
    expect(verifies()).toBe(0);
  });

  it('escapes the token it echoes into the page', async () => {
    await login('tim@example.com');
    const link = new URL(emulator.lastEmail('tim@example.com')!.links[0]!.url);
    link.searchParams.set('t', '"><script>alert(1)</script>');
    const page = await openLink(link.href);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.fields.t).toBe('"><script>alert(1)</script>');
  });

  it('answers a link whose sign-in it does not know (no binding, or another one) with a page and no form', async () => {
    await login('niklaus@example.com');
    const link = new URL(emulator.lastEmail('niklaus@example.com')!.links[0]!.url);
    link.searchParams.set('el_binding', 'someone-elses');
    for (const url of [link.href, `${appUrl}/verify?t=abc`]) {
      const page = await openLink(url);
      expect(page.status).toBe(410);
      expect(page.fields).toEqual({});
    }
  });

  it('a wrong number sends no verify, ends the sign-in, and the waiting screen says why; it is never retried', async () => {
    const { body } = await login('barbara@example.com');
    const waiting = status(body.handle);
    await until(() => polls() >= 1, 'the wait to poll');
    const right = emulator.lastEmail('barbara@example.com')!.links.find(({ correct }) => correct)!;
    const wrongNumber = String((Number(body.linkId) + 1) % 100).padStart(2, '0');
    const answer = await confirm(right.url, {}, wrongNumber);
    expect(answer).toMatchObject({ status: 400, body: expect.stringContaining('Wrong number: this sign-in was stopped') });
    expect(await waiting).toMatchObject({ status: 410, body: { error: 'wrong_number', message: expect.stringContaining('without knowing the number') } });
    // Over: the link's page no longer offers a form, and the handle is gone.
    const again = await openLink(right.url);
    expect(again.status).toBe(410);
    expect(again.fields).toEqual({});
    expect(verifies()).toBe(0);
    expect((await status(body.handle)).body.error).toBe('unknown_login');
  });

  it('a right number verifies and wakes the waiting status request at once, not a poll interval later', async () => {
    const slow = await startApp({ poll: { intervalMs: 10_000, maxIntervalMs: 10_000 } });
    try {
      const sent = await fetch(`${slow.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"ada@corp.example"}' });
      const { handle, linkId } = (await sent.json()) as { handle: string; linkId: string };
      const waiting = fetch(`${slow.url}/login/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle }) });
      await until(() => polls() >= 1, 'the wait to poll');
      const link = emulator.lastEmail('ada@corp.example')!.links.find(({ correct }) => correct)!;
      const page = await openConfirmPage(link.url.replace(appUrl, slow.url));
      const started = Date.now();
      expect((await postVerify(slow.url, { ...page.fields, number: linkId }, { cookie: page.cookie })).status).toBe(200);
      expect(await (await waiting).json()).toMatchObject({ status: 'signed_in' });
      expect(Date.now() - started).toBeLessThan(2_000); // the 10 s interval was cut short
    } finally {
      await slow.close();
    }
  });

  it.each([
    ['without the CSRF token', ({ csrf: _, ...fields }: Record<string, string>) => fields, {}],
    ['with the CSRF token of another sign-in', (fields: Record<string, string>, other: string) => ({ ...fields, csrf: other }), {}],
    ['with a forged CSRF token', (fields: Record<string, string>) => ({ ...fields, csrf: `${Date.now() + 60_000}.${'A'.repeat(43)}` }), {}],
    ['from another browser (its own cookie)', (fields: Record<string, string>) => fields, { cookie: '__Host-confirm-browser=another-browser-id-0000' }],
    ['without the browser cookie', (fields: Record<string, string>) => fields, { cookie: '' }],
    ['from another site (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'cross-site' }],
    ['from a sibling subdomain (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'same-site' }],
    ['from another origin (Origin, no Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ['from the same host over another scheme (Origin, no Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: 'https:same-host' }],
    ['with neither Origin nor Sec-Fetch-Site', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: '' }],
  ])('refuses a POST %s with 403 and calls nothing', async (_, fieldsOf, headers: Record<string, string>) => {
    await login('edsger@example.com');
    await login('tony@example.com');
    const right = emulator.lastEmail('edsger@example.com')!.links.find(({ correct }) => correct)!;
    const page = await openLink(right.url);
    const otherCsrf = (await openLink(emulator.lastEmail('tony@example.com')!.links[0]!.url, { cookie: page.cookie })).fields.csrf!;
    const fields = { ...page.fields, number: numberFor(right.url) };
    const before = emulator.requests.length;
    // An empty header value stands for "not sent".
    // `https:same-host` stands for this app's host over https (its URL is known only once it listens).
    const sent = Object.fromEntries(
      Object.entries(headers)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => [name, value === 'https:same-host' ? appUrl.replace('http:', 'https:') : value]),
    );
    const answer = await fetch(`${appUrl}/verify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(headers.origin === undefined ? { origin: appUrl } : {}),
        ...(headers['sec-fetch-site'] === undefined ? { 'sec-fetch-site': 'same-origin' } : {}),
        ...(headers.cookie === undefined ? { cookie: page.cookie } : {}),
        ...sent,
      },
      body: new URLSearchParams(fieldsOf(fields, otherCsrf)),
    });
    answers.push(await answer.text());
    expect(answer.status).toBe(403);
    expect(emulator.requests.length).toBe(before);
    expect(logs.at(-1)).toMatchObject({ event: 'verify.refused' });
    // The control: the same page's own form, from the same origin and browser, verifies.
    expect((await postVerify(appUrl, fields, { cookie: page.cookie })).status).toBe(200);
    expect(verifies()).toBe(1);
  });
});

describe('examples/node-server CSRF across instances and time', () => {
  it('refuses an expired token with 403 and calls nothing', async () => {
    let skew = 0;
    const app2 = await startApp({ now: () => Date.now() + skew, loginTtlMs: 60 * 60_000 });
    try {
      await fetch(`${app2.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"kay@example.com"}' });
      const link = emulator.lastEmail('kay@example.com')!.links.find(({ correct }) => correct)!;
      const page = await openConfirmPage(link.url.replace(appUrl, app2.url));
      skew = 10 * 60_000 + 1; // past the token's 10 minutes; the login itself lives an hour here
      const before = emulator.requests.length;
      expect((await postVerify(app2.url, { ...page.fields, number: numberFor(link.url) }, { cookie: page.cookie })).status).toBe(403);
      expect(emulator.requests.length).toBe(before);
    } finally {
      await app2.close();
    }
  });

  it('two instances sharing the key (and the login store) accept each other’s tokens; a foreign key’s are refused', async () => {
    const logins = new LoginStore(300_000, Date.now);
    const [first, second, foreign] = await Promise.all([startApp({ logins }), startApp({ logins }), startApp({ logins, csrfKey: 'another-key-'.repeat(3) })]);
    try {
      const sent = await fetch(`${first.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"dennis@example.com"}' });
      const { linkId } = (await sent.json()) as { linkId: string };
      const link = emulator.lastEmail('dennis@example.com')!.links.find(({ correct }) => correct)!;
      const page = await openConfirmPage(link.url.replace(appUrl, first.url));
      const before = emulator.requests.length;
      // The same form posted to an instance with another key: refused before anything is called.
      expect((await postVerify(foreign.url, { ...page.fields, number: linkId }, { cookie: page.cookie })).status).toBe(403);
      expect(emulator.requests.length).toBe(before);
      // Posted to the other instance with the shared key: accepted, and verified.
      expect((await postVerify(second.url, { ...page.fields, number: linkId }, { cookie: page.cookie })).status).toBe(200);
      expect(verifies()).toBe(1);
    } finally {
      await Promise.all([first.close(), second.close(), foreign.close()]);
    }
  });
});

describe('examples/node-server POST /login limits', () => {
  it('a send that met a 429 sends nothing and is not counted; a verify that met one says "try again" and the link still works', async () => {
    // Its own client on a fast clock: the 6 s pause a 429 asks for passes in 0.6 s.
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: emulatorServer.url, redirectUrl: `${appUrl}/verify`, ...fastUnlimitedBudget() });
    const busy = await startApp({ client, loginLimits: { perAddress: 1 } });
    try {
      const send = () => fetch(`${busy.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"barbara@example.com"}' });
      emulator.injectFault({ type: 'rate-limit', retryAfter: 6 }, { path: PATHS.signInOrUp });
      const turnedAway = await send();
      expect(turnedAway.status).toBe(429);
      expect(turnedAway.headers.get('retry-after')).toBe('6');
      // The retry it asked for is the address's one send of the window: the 429 was not counted.
      const sent = await send();
      expect(sent.status).toBe(200);
      const { linkId } = (await sent.json()) as { linkId: string };
      const link = emulator.lastEmail('barbara@example.com')!.links.find(({ correct }) => correct)!;
      const page = await openConfirmPage(link.url.replace(appUrl, busy.url));
      emulator.injectFault({ type: 'rate-limit', retryAfter: 6 }, { path: PATHS.verify });
      const busyAnswer = await postVerify(busy.url, { ...page.fields, number: linkId }, { cookie: page.cookie });
      expect(busyAnswer.status).toBe(429);
      expect(busyAnswer.headers.get('retry-after')).toBe('6');
      expect(await busyAnswer.text()).toContain('your link still works');
      const again = await postVerify(busy.url, { ...page.fields, number: linkId }, { cookie: page.cookie });
      expect(again.status).toBe(200);
    } finally {
      await busy.close();
    }
  });

  it('limits sends per email address and per IP address with 429 and Retry-After, before calling Descope', async () => {
    // A refused send counts against the IP address too: it is an attempt all the same.
    const limited = await startApp({ loginLimits: { perAddress: 2, perIp: 4, windowMs: 60_000 } });
    try {
      const send = (email: string) => fetch(`${limited.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
      expect((await send('grace@example.com')).status).toBe(200);
      expect((await send('GRACE@example.com')).status).toBe(200);
      const perAddress = await send('grace@example.com');
      expect(perAddress.status).toBe(429);
      expect(Number(perAddress.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await send('hopper@example.com')).status).toBe(200); // the fourth attempt from this IP
      const sends = () => emulator.requests.filter(({ path }) => path === PATHS.signInOrUp).length;
      const before = sends();
      expect((await send('margaret@example.com')).status).toBe(429); // the fifth
      expect(sends()).toBe(before);
    } finally {
      await limited.close();
    }
  });
});

/** Another instance of the app on its own port, against the same emulator; its links point to it. */
async function startApp(options: Partial<LoginServerOptions> = {}) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: emulatorServer.url, redirectUrl: `${appUrl}/verify`, ...unlimitedBudget() });
  server.on('request', createLoginHandler({ client, log: (entry) => logs.push(entry), csrfKey: CSRF_KEY, ...options }));
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
