// Secret hygiene: errors of every class, from every method, over an injected fetch, real HTTP and the
// emulator, are rendered every way a log could render them (message, String(), JSON, util.inspect at full
// depth, the whole cause chain with stacks), and console output during the calls is captured. None may
// contain the refresh JWT, the link token, the PKCE verifier or the management key the calls carried.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, isEnchantedLinkError, type ClientOptions, type FetchFunction } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';
import { thrown } from '../helpers/settle.js';
import { ALL_METHODS, METHODS, PROJECT_ID, rawServer, renderings, SECRET_HEADERS, SECRETS, trackUnhandledRejections, type Method } from './helpers.js';
import { fastUnlimitedBudget } from '../helpers/fixtures.js';

trackUnhandledRejections();

// Every credential the client holds, and every header value it sends that carries one.
const AUTHORIZATION = `Bearer ${PROJECT_ID}:${SECRETS.refreshJwt}`;
const SECRET_VALUES = [...Object.values(SECRETS), ...Object.values(SECRET_HEADERS), AUTHORIZATION];
const full = (value: unknown) => inspect(value, { depth: Infinity, showHidden: false, getters: true });

// Everything written to the console while the calls run.
const printed: string[] = [];
const onWarning = (warning: Error) => printed.push(full(warning));
beforeAll(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.map(full).join(' ')));
  }
  process.on('warning', onWarning);
});
afterAll(() => {
  vi.restoreAllMocks();
  process.off('warning', onWarning);
});

const collected: Array<{ label: string; error: unknown }> = [];
const classesSeen = new Set<string>();

/** Runs `call`, which must reject with one of our errors, and keeps the error for the scan. */
async function collect(label: string, call: () => Promise<unknown>) {
  const error = await call().then(
    (value) => ({ resolved: value }),
    (caught: unknown) => caught,
  );
  expect(isEnchantedLinkError(error), `${label}: ${full(error)}`).toBe(true);
  classesSeen.add((error as Error).name);
  collected.push({ label, error });
}

/** Polls give up at the first failure; a 429 reaching past the 1 s deadline rejects at once. */
const POLL = { maxFailures: 1, timeoutMs: 1_000 };
const answering = (response: () => Response): FetchFunction => async () => response();
// Every wait on a fast clock (see fastClock): the retries' backoff is what made this file slow.
const clientWith = (options: Partial<ClientOptions>) => new EnchantedLinkClient({ projectId: PROJECT_ID, headers: SECRET_HEADERS, ...fastUnlimitedBudget(), ...options });

/** Bodies that carry the secrets back, in places our validation or error paths look at. */
const SECRET_ECHO = { token: SECRETS.token, pkceVerifier: SECRETS.pkceVerifier, refreshJwt: SECRETS.refreshJwt, key: SECRETS.managementKey };
const FAULTS: Record<string, () => Response> = {
  'a Descope error (DescopeError)': () => Response.json({ errorCode: 'E062108', errorDescription: 'User not found', extra: SECRET_ECHO }, { status: 400 }),
  'a 429 (RateLimitError)': () => Response.json({ errorCode: 'E130429', errorDescription: 'slow down', extra: SECRET_ECHO }, { status: 429, headers: { 'retry-after': '60' } }),
  'a 200 of the wrong shape echoing the secrets (ResponseValidationError)': () =>
    Response.json([{ linkId: 42, pendingRef: [SECRETS.refreshJwt], sessionJwt: { token: SECRETS.token }, ...SECRET_ECHO }]),
  'an HTML page echoing the secrets (ResponseValidationError)': () => new Response(`<html>${SECRET_VALUES.join(' ')}</html>`, { status: 502 }),
  'an error body without errorCode (ResponseValidationError)': () => Response.json({ message: SECRETS.token, ...SECRET_ECHO }, { status: 403 }),
};
const THROWS: Record<string, unknown | ((request: Request) => unknown)> = {
  'fetch failed (NetworkError)': new TypeError('fetch failed'),
  'a custom fetch throwing a plain Error (NetworkError)': new Error('proxy said no'),
  // A custom fetch (a proxy agent, a test double) may quote or hold the headers of the request it refused.
  'a custom fetch quoting the request headers (NetworkError)': (request: Request) => new Error(`refused: ${JSON.stringify([...request.headers])}`),
  'a custom fetch error holding the request (NetworkError)': (request: Request) => Object.assign(new Error('refused'), { request, headers: request.headers }),
};

describe('errors from an injected fetch', () => {
  it.each(ALL_METHODS)('%s: every failure class is collected', async (method) => {
    for (const [what, response] of Object.entries(FAULTS)) {
      await collect(`${method}: ${what}`, () => METHODS[method].call(clientWith({ fetch: answering(response) }), undefined, POLL));
    }
    for (const [what, thrown] of Object.entries(THROWS)) {
      const fetch: FetchFunction = (request) => Promise.reject(typeof thrown === 'function' ? thrown(request) : thrown);
      await collect(`${method}: ${what}`, () => METHODS[method].call(clientWith({ fetch }), undefined, POLL));
    }
  }, 20_000);

  it('pollSession timing out (PollTimeoutError)', async () => {
    const fetch = answering(() => Response.json({ errorCode: 'E062503' }, { status: 401 }));
    await collect('pollSession: its deadline', () => METHODS.pollSession.call(clientWith({ fetch }), undefined, { timeoutMs: 50, intervalMs: 10 }));
  });
});

describe.concurrent('errors over real HTTP', () => {
  let server: Awaited<ReturnType<typeof rawServer>>;
  beforeAll(async () => {
    server = await rawServer((req, res) => {
      if (req.url?.startsWith('/silent/')) return; // never answers: RequestTimeoutError
      if (req.url?.startsWith('/reset/')) return void req.socket.resetAndDestroy();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write(`{"linkId":"${SECRETS.token}`, () => req.socket.destroy()); // truncated body
    });
  });
  afterAll(() => server.close());

  it.each(ALL_METHODS)('%s: refused, reset, truncated and silent connections', async (method) => {
    const poll = { maxFailures: 1 };
    await Promise.all([
      collect(`${method}: connection refused`, () => METHODS[method].call(clientWith({ baseUrl: 'http://127.0.0.1:9' }), undefined, poll)),
      collect(`${method}: reset`, () => METHODS[method].call(clientWith({ baseUrl: `${server.url}/reset` }), undefined, poll)),
      collect(`${method}: truncated`, () => METHODS[method].call(clientWith({ baseUrl: `${server.url}/cut` }), undefined, poll)),
      collect(`${method}: silent (RequestTimeoutError)`, () => METHODS[method].call(clientWith({ baseUrl: `${server.url}/silent`, timeoutMs: 50 }), undefined, poll)),
    ]);
  }, 20_000);
});

describe('errors from the emulator', () => {
  it.each(ALL_METHODS)('%s: the emulator refusing a call made with the secrets', async (method: Method) => {
    const emulator = createEmulator({ users: [{ loginId: 'ada@example.com' }] });
    const client = clientWith({ projectId: emulator.projectId, fetch: emulator.fetch });
    emulator.injectFault({ type: 'status', status: 500 }, { path: METHODS.getSession.path, times: 10 });
    emulator.injectFault({ type: 'rate-limit', retryAfter: 60 }, { path: METHODS.signInOrUp.path });
    // Unknown token, unknown pendingRef, a refresh JWT the emulator never issued, an existing user, a 429.
    await collect(`${method}: emulator`, () => METHODS[method].call(client, undefined, { maxFailures: 1 }));
  });
});

const argumentClient = clientWith({ fetch: answering(() => Response.json({})) });
const MISPLACED_IN_CALLS: Array<[string, () => Promise<unknown>]> = [
  ['a token where an email belongs', () => argumentClient.updateUserEmail('ada@example.com', SECRETS.token, { refreshJwt: SECRETS.refreshJwt })],
  ['a verifier where options belong', () => argumentClient.verifyToken(SECRETS.token, SECRETS.pkceVerifier as never)],
  ['a JWT as the poll timeout', () => argumentClient.pollSession(SECRETS.pendingRef, { timeoutMs: SECRETS.refreshJwt as never })],
  ['a JWT as a redirect URL', () => argumentClient.signIn('ada@example.com', { redirectUrl: SECRETS.refreshJwt })],
  ['a token as loginOptions', () => argumentClient.signInOrUp('ada@example.com', { loginOptions: SECRETS.token as never })],
  ['a key as the user', () => argumentClient.signUp('ada@example.com', { user: SECRETS.managementKey as never })],
  ['a refresh JWT with a newline', () => argumentClient.signIn('ada@example.com', { loginOptions: { stepup: true }, refreshJwt: `${SECRETS.refreshJwt}\n` })],
  ['a refresh JWT with a NUL', () => argumentClient.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt: `${SECRETS.refreshJwt}\0` })],
];
const MISPLACED_IN_OPTIONS: Array<[string, unknown]> = [
  ['a management key in the project ID', { projectId: `${PROJECT_ID}:${SECRETS.managementKey}` }],
  ['a key in the base URL', { projectId: PROJECT_ID, baseUrl: `ftp://${SECRETS.managementKey}@example.com` }],
  ['a JWT as the timeout', { projectId: PROJECT_ID, timeoutMs: SECRETS.refreshJwt }],
  ['a header value with a CR LF', { projectId: PROJECT_ID, headers: { 'x-api-key': `${SECRETS.apiKey}\r\nx-evil: 1` } }],
  ['a header value with a NUL', { projectId: PROJECT_ID, headers: { 'x-api-key': `${SECRETS.apiKey}\0` } }],
  ['a key as a header name', { projectId: PROJECT_ID, headers: { [`${SECRETS.apiKey}:`]: 'x' } }],
  ['a key in the base URL user info', { projectId: PROJECT_ID, baseUrl: `https://${SECRETS.managementKey}@api.example.com` }],
];

describe('argument errors carrying a misplaced secret', () => {
  it.each(MISPLACED_IN_CALLS)('%s', async (label, call) => {
    await collect(label, call);
  });

  it.each(MISPLACED_IN_OPTIONS)('the constructor with %s', (label, options) => {
    const error = thrown(() => new EnchantedLinkClient(options as unknown as ClientOptions));
    expect(isEnchantedLinkError(error)).toBe(true);
    classesSeen.add((error as Error).name);
    collected.push({ label, error });
  });
});

describe('the scan', () => {
  it('covers every error class', () => {
    expect([...classesSeen].sort()).toEqual(
      ['DescopeError', 'InvalidArgumentError', 'NetworkError', 'PollTimeoutError', 'RateLimitError', 'RequestTimeoutError', 'ResponseValidationError'].sort(),
    );
  });

  it('finds no secret in any rendering of any error, nor in console output', () => {
    // Every row above: per method the fetch faults and throws, 4 connection failures and the emulator; the poll
    // deadline; the misplaced arguments.
    const perMethod = Object.keys(FAULTS).length + Object.keys(THROWS).length + 4 + 1;
    expect(collected).toHaveLength(ALL_METHODS.length * perMethod + 1 + MISPLACED_IN_CALLS.length + MISPLACED_IN_OPTIONS.length);
    const leaks = collected.flatMap(({ label, error }) =>
      renderings(error, full).flatMap((text) => SECRET_VALUES.filter((secret) => text.includes(secret)).map((secret) => `${label} leaks ${secret.slice(0, 12)}…`)),
    );
    const printedLeaks = printed.filter((text) => SECRET_VALUES.some((secret) => text.includes(secret)));
    expect(leaks).toEqual([]);
    expect(printedLeaks).toEqual([]);
  });

  it('names the endpoint path in errors that came from a request', () => {
    const fromRequests = collected.filter(({ error }) => ['DescopeError', 'RateLimitError', 'ResponseValidationError', 'NetworkError', 'RequestTimeoutError'].includes((error as Error).name));
    for (const { label, error } of fromRequests) expect((error as Error).message, label).toMatch(/ \/v1\/auth\/[a-z/-]+/);
  });

  it('would catch a leak (the scan is not blind)', () => {
    const leaky = new Error('wrapped', { cause: { request: { headers: { authorization: `Bearer ${PROJECT_ID}:${SECRETS.refreshJwt}` } } } });
    expect(renderings(leaky, full).some((text) => text.includes(SECRETS.refreshJwt))).toBe(true);
  });
});
