// The Node example over real HTTP as main.ts serves it: its app (the sign-in page, its own /me route, the
// server kit under /auth) on Node's http through srvx, against the emulator. What the kit does on its own
// is tested on Request/Response in test/server/kit/; here: that the adapter carries it whole (cookies,
// bodies, a client that disconnects aborting request.signal), and that nothing secret reaches a log line
// or a page's script.
import { request } from 'node:http';
import { RequestBudget } from 'enchanted-link';
import { createServerKit, type ServerKit } from 'enchanted-link/server';
import { serve, type Server } from 'srvx';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../examples/node-server/app.js';
import { PATHS } from '../../src/protocol/paths.js';
import type { EnchantedLinkEvent } from '../../src/types/events.js';
import { createEmulator } from '../../src/testing/index.js';
import { openConfirmPage, postConfirm } from './confirm-link.js';

const emulator = createEmulator({ rateLimit: false });
let server: Server;
let appUrl: string;
let kit: ServerKit;
/** Every event of the kit (the example logs the kit's as JSON lines) and every answer a page's script read. */
const events: EnchantedLinkEvent[] = [];
const answers: string[] = [];

beforeAll(async () => {
  let app = async (_: Request) => new Response(null, { status: 503 });
  server = serve({ fetch: (req) => app(req), port: 0, hostname: '127.0.0.1', silent: true, gracefulShutdown: false });
  await server.ready();
  appUrl = new URL(server.url!).origin;
  kit = createServerKit({
    projectId: emulator.projectId,
    secret: 'node-example-test-secret-0123456789abcdef',
    publicUrl: appUrl,
    fetch: emulator.fetch,
    requestBudget: new RequestBudget({ requests: Number.POSITIVE_INFINITY }),
    onEvent: (event) => events.push(event),
  });
  app = createApp({ kit });
});

afterEach(() => {
  // Whatever a test did, no link token, pendingRef or JWT reached an event or a script-readable answer.
  const secrets = emulator.outbox.flatMap((email) => [email.pendingRef, ...email.links.map(({ token }) => token)]);
  const seen = JSON.stringify(events) + answers.join('\n');
  events.length = answers.length = 0;
  emulator.reset();
  for (const secret of secrets) expect(seen).not.toContain(secret);
  expect(seen).not.toMatch(/eyJ/);
});

afterAll(() => server.close(true));

/** A request as the page's script sends it (same origin); records the answer, which the script could read. */
async function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  if ((rest.method ?? (json === undefined ? 'GET' : 'POST')) === 'POST') headers.set('sec-fetch-site', 'same-origin');
  const response = await fetch(`${appUrl}${path}`, { method: json === undefined ? 'GET' : 'POST', ...rest, headers, ...(json !== undefined && { body: JSON.stringify(json) }) });
  const text = await response.text();
  answers.push(text);
  return { status: response.status, headers: response.headers, body: response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

const polls = () => emulator.requests.filter(({ path }) => path === PATHS.pendingSession).length;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - started > 5_000) throw new Error(`Timed out waiting for ${what}`);
  }
}

describe('examples/node-server (srvx + the server kit)', () => {
  it('serves the sign-in page, whose script uses the kit under /auth', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(page.body).toContain('<input id="email"');
    expect(page.body).toContain('fetch("/auth" + route');
    expect(page.body).toContain("post('/start'");
    expect(page.body).toContain("post('/status'");
  });

  it('signs in end to end over HTTP: the session in HttpOnly cookies, /me from the cookie, refresh, sign-out', async () => {
    const sent = await call('/auth/start', { json: { email: 'ada@example.com' } });
    expect(sent).toMatchObject({ status: 200, body: { handle: expect.any(String), linkId: expect.stringMatching(/^\d\d$/), maskedEmail: 'a***@example.com' } });
    const waiting = fetch(`${appUrl}/auth/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: sent.body.handle }) });

    const link = emulator.lastEmail('ada@example.com')!.links.find(({ correct }) => correct)!;
    expect(link.url).toMatch(new RegExp(`^${appUrl}/auth/confirm\\?el_binding=[\\w-]{32}&t=`));
    const page = await openConfirmPage(link.url);
    expect(page.status).toBe(200);
    expect(page.action).toBe('/auth/confirm');
    expect((await postConfirm(appUrl, { ...page.fields, number: sent.body.linkId }, { cookie: page.cookie }, page.action)).status).toBe(200);

    const answer = await waiting;
    const body = await answer.json();
    answers.push(JSON.stringify(body));
    expect(body).toMatchObject({ status: 'signed_in', user: { email: 'ada@example.com' } });
    const cookies = answer.headers.getSetCookie();
    expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['__Host-DS', '__Host-DSR']);
    for (const cookie of cookies) expect(cookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=\d+$/);
    const jar = cookies.map((cookie) => cookie.split(';')[0]).join('; ');

    expect(await call('/me', { headers: { cookie: jar } })).toMatchObject({ status: 200, body: { userId: body.user.userId, roles: [] } });
    expect(await call('/me')).toMatchObject({ status: 401, body: { error: 'no_session' } });
    const refreshed = await call('/auth/refresh', { method: 'POST', headers: { cookie: jar } });
    expect(refreshed).toMatchObject({ status: 200, body: { sessionExpiration: expect.any(Number) } });
    expect(refreshed.headers.getSetCookie()).toEqual([expect.stringMatching(/^__Host-DS=/)]);
    const out = await call('/auth/sign-out', { method: 'POST', headers: { cookie: jar } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()).toEqual(['__Host-DS=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0', '__Host-DSR=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0']);
    expect(await call('/auth/refresh', { method: 'POST', headers: { cookie: jar } })).toMatchObject({ status: 401, body: { error: 'session_ended' } });
  });

  it('stops polling Descope as soon as the browser disconnects mid-wait (srvx aborts request.signal)', async () => {
    const { body } = await call('/auth/start', { json: { email: 'grace@example.com' } });
    const payload = JSON.stringify({ handle: body.handle });
    const req = request(`${appUrl}/auth/status`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } });
    req.on('error', () => {}); // destroyed below, on purpose
    req.end(payload);
    await until(() => polls() >= 1, 'the wait to poll');
    req.destroy();
    await until(() => events.some((event) => event.type === 'kit' && event.step === 'status' && event.outcome === 'client-gone'), 'the kit to see the client go');
    // The kit answered the aborted wait, which it does only once its poll loop stopped (that no poll
    // follows is test/server/kit's, on a fake clock).
    expect(polls()).toBeGreaterThanOrEqual(1);
  });

  it('answers the kit’s JSON errors through the adapter (a malformed body, an unknown route)', async () => {
    expect(await call('/auth/start', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' })).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await call('/auth/nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await call('/', { method: 'POST', body: '' })).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
  });
});
