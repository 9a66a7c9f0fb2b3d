// The Node backend example over real HTTP: a browser-like client talks to it with fetch/node:http, and it
// talks to the emulator server. It runs on the package's built entry ('enchanted-link' → dist/), as an app would.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnchantedLinkClient } from 'enchanted-link';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLoginHandler, type LogEntry } from '../../examples/node-server/app.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { formFields, postVerify } from './confirm-link.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

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
 * Opens the emailed link: the confirm page and its form fields. Not recorded in `answers`: the page carries
 * the link's own token back to the browser that opened it, in a hidden form field.
 */
async function openLink(url: string) {
  const page = await fetch(`${appUrl}${new URL(url).pathname}${new URL(url).search}`);
  const html = await page.text();
  return { status: page.status, headers: page.headers, html, fields: formFields(html) };
}

/** Presses "Sign me in" on the confirm page of `url`: the answer to the POST. */
async function confirm(url: string, headers: Record<string, string> = {}) {
  const { fields } = await openLink(url);
  const answer = await postVerify(appUrl, fields, headers);
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
  app.on('request', createLoginHandler({ client, log, waitMs: 5_000, poll: { intervalMs: POLL_MS, maxIntervalMs: POLL_MS } }));
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
    const refreshJwt = /^DSR=([^;]+); /.exec(headers.get('set-cookie') ?? '')?.[1];
    expect(refreshJwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    expect(headers.get('set-cookie')).toBe(`DSR=${refreshJwt}; Path=/; Max-Age=2592000; HttpOnly; Secure; SameSite=Strict`);
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
    const client = new EnchantedLinkClient({ projectId: emulator.projectId, baseUrl: emulatorServer.url, ...unlimitedBudget() });
    const short = createServer(createLoginHandler({ client, log: () => {}, waitMs: 3 * POLL_MS, poll: { intervalMs: POLL_MS } }));
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
    expect(await confirm(wrong.url)).toMatchObject({ status: 400, body: expect.stringContaining('invalid or expired') });
    expect(await confirm(right.url)).toMatchObject({ status: 200 });
    expect(await confirm(right.url)).toMatchObject({ status: 400, body: expect.stringContaining('invalid or expired') });
    expect(await call('/verify')).toMatchObject({ status: 400, body: expect.stringContaining('incomplete') });
    expect(logs.filter(({ event }) => event === 'verify.failed')).toHaveLength(2);
  });
});

describe('examples/node-server /verify against mail scanners', () => {
  it('answers GET /verify with a confirm page only: Descope is never called', async () => {
    await login('alan@example.com');
    const before = emulator.requests.length;
    for (const { url } of emulator.lastEmail('alan@example.com')!.links) {
      const page = await openLink(url);
      expect(page.status).toBe(200);
      expect(page.html).toContain('<button type="submit">Sign me in</button>');
      expect(Object.keys(page.fields)).toEqual(['t', 'csrf']);
      expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(emulator.requests.length).toBe(before);
    expect(verifies()).toBe(0);
  });

  it('escapes the token it echoes into the page', async () => {
    const page = await openLink(`${appUrl}/verify?t=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.fields.t).toBe('"><script>alert(1)</script>');
  });

  it.each([
    ['without the CSRF token', ({ t }: Record<string, string>) => ({ t: t! }), {}],
    ['with the CSRF token of another link', ({ t }: Record<string, string>, other: string) => ({ t: t!, csrf: other }), {}],
    ['from another site (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'cross-site' }],
    ['from a sibling subdomain (Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': 'same-site' }],
    ['from another origin (Origin, no Sec-Fetch-Site)', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ['with neither Origin nor Sec-Fetch-Site', (fields: Record<string, string>) => fields, { 'sec-fetch-site': '', origin: '' }],
  ])('refuses a POST %s with 403 and calls nothing', async (_, fieldsOf, headers: Record<string, string>) => {
    await login('edsger@example.com');
    const [right, other] = [...emulator.lastEmail('edsger@example.com')!.links].sort((a) => (a.correct ? -1 : 1));
    const { fields } = await openLink(right!.url);
    const otherCsrf = (await openLink(other!.url)).fields.csrf!;
    const before = emulator.requests.length;
    // An empty header value stands for "not sent".
    const sent = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ''));
    const answer = await fetch(`${appUrl}/verify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(headers.origin === undefined ? { origin: appUrl } : {}),
        ...(headers['sec-fetch-site'] === undefined ? { 'sec-fetch-site': 'same-origin' } : {}),
        ...sent,
      },
      body: new URLSearchParams(fieldsOf(fields, otherCsrf)),
    });
    answers.push(await answer.text());
    expect(answer.status).toBe(403);
    expect(emulator.requests.length).toBe(before);
    expect(logs.at(-1)).toMatchObject({ event: 'verify.refused' });
    // The control: the same page's own form, from the same origin, verifies.
    expect((await postVerify(appUrl, fields)).status).toBe(200);
    expect(verifies()).toBe(1);
  });
});
