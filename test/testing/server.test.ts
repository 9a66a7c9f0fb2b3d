import { request as httpRequest, Agent } from 'node:http';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, EMULATOR_ERRORS, type EmulatorServer } from '../../src/testing/index.js';
import { ADA, answer, expectError, expectFetchFailed, type CallOptions } from './helpers.js';

const emu = createEmulator({ users: [{ loginId: ADA }] });
let server: EmulatorServer;

beforeAll(async () => {
  server = await emu.listen();
});
afterEach(() => emu.reset());
afterAll(() => server.close());

/** A POST over real HTTP to the server, with the project's Authorization header. */
const post = (path: string, body: unknown, { raw, auth = `Bearer ${emu.projectId}` }: CallOptions = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: raw ?? JSON.stringify(body),
  }).then(answer);

describe('listen()', () => {
  it('serves on a random 127.0.0.1 port, with no trailing slash', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs a whole sign-in over HTTP', async () => {
    const sent = await post(PATHS.signIn, { loginId: ADA });
    expect(sent.status).toBe(200);
    expectError(await post(PATHS.pendingSession, { pendingRef: sent.body.pendingRef }), 'pending');
    await emu.click(ADA);
    expect((await post(PATHS.pendingSession, { pendingRef: sent.body.pendingRef })).status).toBe(200);
  });

  it('makes the link base `${url}/verify` while it is open', async () => {
    await post(PATHS.signIn, { loginId: ADA });
    const link = emu.lastEmail(ADA)?.links[0];
    expect(link?.url).toBe(`${server.url}/verify?t=${link?.token}`);
  });

  it('lets emu.fetch reach the server URL too', async () => {
    const response = await emu.fetch(`${server.url}${PATHS.verify}`, { method: 'POST', body: '{}' });
    expectError(await answer(response), 'badAuthorization');
  });

  it('logs requests with the headers the client sent', async () => {
    await post(PATHS.signIn, { loginId: ADA });
    expect(emu.requests[0]).toMatchObject({
      method: 'POST',
      path: PATHS.signIn,
      headers: expect.objectContaining({ authorization: `Bearer ${emu.projectId}`, host: server.url.slice('http://'.length) }),
      body: { loginId: ADA },
      status: 200,
    });
  });
});

describe('CORS', () => {
  it('answers a preflight with 204 and the allowed methods and headers', async () => {
    const response = await fetch(`${server.url}${PATHS.signIn}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': 'http://localhost:5173',
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers':
        'authorization, content-type, accept, x-descope-sdk-name, x-descope-sdk-version, x-descope-project-id',
      'access-control-expose-headers': 'retry-after',
    });
  });

  it('adds CORS headers for a loopback page to successes, errors and faults', async () => {
    const origin = 'http://127.0.0.1:5173';
    const fromPage = (path: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${emu.projectId}`, 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: ADA }),
      });
    emu.injectFault({ type: 'status', status: 503 });
    const results = [await fromPage(PATHS.signIn), await fromPage(PATHS.signIn), await fromPage('/nope')];
    expect(results.map(({ status }) => status)).toEqual([503, 200, 404]);
    for (const result of results) {
      expect(result.headers.get('access-control-allow-origin')).toBe(origin);
      expect(result.headers.get('vary')).toContain('origin');
    }
  });

  it('refuses another origin unless allowOrigins lets it in', async () => {
    const preflight = (url: string) =>
      fetch(`${url}${PATHS.signIn}`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    const refused = await preflight(server.url);
    expect([refused.status, refused.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    expectError(await answer(refused), 'originNotAllowed');
    const listed = await createEmulator().listen({ allowOrigins: ['https://app.example.com'] });
    try {
      expect((await preflight(listed.url)).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    } finally {
      await listed.close();
    }
  });
});

describe('pages', () => {
  it('serves GET /verify as a self-contained HTML page', async () => {
    const response = await fetch(`${server.url}/verify?t=abc`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('history.replaceState');
    expect(html).not.toMatch(/<script[^>]+src=|import /);
  });

  it('serves the outbox at GET /, oldest email first, with its time and links, refreshing itself', async () => {
    await post(PATHS.signIn, { loginId: ADA });
    await post(PATHS.signUp, { loginId: 'grace@example.com' });
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html.indexOf(ADA)).toBeLessThan(html.indexOf('grace@example.com'));
    const email = emu.lastEmail(ADA)!;
    expect(html).toContain(`<time datetime="${new Date(email.sentAtMs).toISOString()}">`);
    for (const link of email.links) expect(html).toContain(`<a href="${link.url}">${link.number}</a>`);
    expect(html).toMatch(/<meta http-equiv="refresh" content="\d+">/);
  });

  it('does not give the right number away', async () => {
    await post(PATHS.signIn, { loginId: ADA });
    const html = await (await fetch(`${server.url}/`)).text();
    const { linkId } = emu.lastEmail(ADA)!;
    // The number appears once: as the text of its own link, like the two others.
    expect(html.split(`>${linkId}<`)).toHaveLength(2);
    // Elsewhere, not at all; the send time is left out (its digits can be the number, e.g. 03 in 03:58).
    const withoutTimes = html.replace(/<time[^>]*>[^<]*<\/time>/g, '');
    expect(withoutTimes.match(new RegExp(`\\b${linkId}\\b`, 'g'))).toHaveLength(1);
  });

  it('escapes what a request put in the outbox, and does not link a javascript: URL', async () => {
    await post(PATHS.signIn, { loginId: ADA, redirectUrl: 'javascript:alert(1)//<b>' });
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toContain('href="javascript:');
    expect(html).not.toContain('<b>');
  });
});

/**
 * Runs the verify page's inline script against fake DOM globals, with fetch going to the real server;
 * `click(isTrusted)` fires the button's click listener as a person (`true`) or a script (`false`) would.
 */
async function openVerifyPage(href: string) {
  const html = await (await fetch(href)).text();
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const status = { textContent: '' };
  const detail = { textContent: '' };
  const listeners: ((event: { isTrusted: boolean }) => void)[] = [];
  const button = { hidden: false, disabled: false, addEventListener: (_: string, listener: (typeof listeners)[number]) => listeners.push(listener) };
  const replaceState = vi.fn();
  const verifies = vi.fn((path: string, init: RequestInit) => fetch(new URL(path, href), init));
  runInNewContext(script, {
    URL,
    JSON,
    String,
    location: { href },
    history: { replaceState },
    document: { visibilityState: 'visible', getElementById: (id: string) => ({ status, detail, confirm: button })[id] },
    fetch: verifies,
  });
  const page = {
    replaceState,
    verifies,
    get status() {
      return status.textContent;
    },
    get detail() {
      return detail.textContent;
    },
    async click(isTrusted: boolean) {
      for (const listener of listeners) listener({ isTrusted });
      if (isTrusted) await vi.waitFor(() => expect(status.textContent).not.toBe(''));
    },
  };
  return page;
}

describe('verify page script', () => {
  it('removes the token from the address bar at once, and verifies only on a person’s click', async () => {
    const sent = await post(PATHS.signIn, { loginId: ADA });
    const link = emu.lastEmail(ADA)?.links.find(({ correct }) => correct);
    const page = await openVerifyPage(`${link?.url}#top`);
    expect(page.replaceState).toHaveBeenCalledWith(null, '', '/verify#top');
    await page.click(false); // a script's click()
    expect(page.verifies).not.toHaveBeenCalled();
    expect((await post(PATHS.pendingSession, { pendingRef: sent.body.pendingRef })).status).toBe(401);
    await page.click(true);
    expect(page.status).toBe('Signed in — you can return to the app');
    expect((await post(PATHS.pendingSession, { pendingRef: sent.body.pendingRef })).status).toBe(200);
  });

  it('shows the error of a wrong link', async () => {
    await post(PATHS.signIn, { loginId: ADA });
    const link = emu.lastEmail(ADA)?.links.find(({ correct }) => !correct);
    const page = await openVerifyPage(link?.url ?? '');
    await page.click(true);
    const { errorDescription, errorCode } = EMULATOR_ERRORS.wrongLink;
    expect(page).toMatchObject({ status: 'Could not sign in', detail: `${errorDescription} (${errorCode})` });
  });

  it('says so when the link has no token', async () => {
    const page = await openVerifyPage(`${server.url}/verify?x=1`);
    expect(page.status).toBe('This link has no token');
  });
});

describe('errors over HTTP', () => {
  it('answers an unknown path with a Descope-shaped 404', async () => {
    expectError(await post('/v2/whatever', {}), 'routeNotFound');
  });

  it('answers a body over 1 MB with 413, and keeps serving', async () => {
    const raw = JSON.stringify({ loginId: ADA, pad: 'x'.repeat(2_000_000) });
    expectError(await post(PATHS.signIn, undefined, { raw }), 'bodyTooLarge');
    expect((await post(PATHS.signIn, { loginId: ADA })).status).toBe(200);
  });

  it('destroys the socket for drop-connection', async () => {
    emu.injectFault({ type: 'drop-connection' });
    await expectFetchFailed(post(PATHS.signIn, { loginId: ADA }));
    expect((await post(PATHS.signIn, { loginId: ADA })).status).toBe(200);
  });

  it('survives a client that disconnects during injected latency', async () => {
    emu.injectFault({ type: 'latency', ms: 60_000 });
    const controller = new AbortController();
    const pending = fetch(`${server.url}${PATHS.signIn}`, { method: 'POST', body: '{}', signal: controller.signal });
    await vi.waitFor(() => expect(emu.requests).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect((await post(PATHS.signIn, { loginId: ADA })).status).toBe(200);
    expect(emu.requests.map((request) => request.status)).toEqual([0, 200]);
  });

  it('answers a method that cannot become a Request with a Descope-shaped 400', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest(`${server.url}/`, { method: 'TRACE' }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(EMULATOR_ERRORS.invalidRequest.status);
  });
});

describe('close()', () => {
  it('closes a connection still waiting for its answer, so the server stops at once', async () => {
    const local = createEmulator();
    const own = await local.listen();
    local.injectFault({ type: 'latency', ms: 60_000 });
    const pending = fetch(`${own.url}${PATHS.verify}`, { method: 'POST', body: '{}' });
    await vi.waitFor(() => expect(local.requests).toHaveLength(1));
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expectFetchFailed(pending);
  });

  it('closes idle keep-alive connections, so the server stops at once', async () => {
    const own = await createEmulator().listen();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      httpRequest(`${own.url}/`, { agent }, (response) => response.resume().on('end', resolve)).on('error', reject).end();
    });
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expectFetchFailed(fetch(`${own.url}/`));
    await own.close(); // a second close is harmless
    agent.destroy();
  });

  it('puts the default redirect URL back to the base URL', async () => {
    const local = createEmulator({ users: [{ loginId: ADA }] });
    const own = await local.listen();
    await own.close();
    await local.fetch(PATHS.signIn, { method: 'POST', headers: { authorization: `Bearer ${local.projectId}` }, body: JSON.stringify({ loginId: ADA }) });
    expect(local.lastEmail(ADA)?.links[0]?.url).toMatch(/^https:\/\/api\.descope\.com\/verify\?t=/);
  });
});
