import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as copyA from '../../src/index.js';
import {
  DescopeError,
  EnchantedLinkClient,
  EnchantedLinkError,
  InvalidArgumentError,
  NetworkError,
  PollTimeoutError,
  verifyFromUrl,
  WrongDeviceError,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  type FetchFunction,
} from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { answer, API, descopeError, json, pending, PROJECT_ID, useMockServer } from '../helpers/msw.js';
import { rejectionOf } from '../helpers/settle.js';

// The exact paths are pinned against the spec in test/client/requests.test.ts; here they only route answers.
const { signInOrUp: SIGN_IN_OR_UP, signUp: SIGN_UP, updateEmail: UPDATE_EMAIL, verify: VERIFY, pendingSession: PENDING_SESSION } = PATHS;
const REFRESH_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJyIjoxfQ.c2VjcmV0LXJlZnJlc2g';
/** 2025-01-01T00:00:00Z, a Wednesday. */
const NOW = Date.UTC(2025, 0, 1);

const { server, seen } = useMockServer();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: PROJECT_ID });
});
afterEach(() => vi.useRealTimers());

/** The rejection of `call()` on a fake clock, run until it settles (inline retries, request timeouts, short polls). */
function settleFake(call: () => Promise<unknown>): Promise<unknown> {
  vi.useFakeTimers({ now: NOW });
  return rejectionOf(call);
}

const send = () => client.signInOrUp('ada@example.com');
const failingFetch = (cause: unknown) => vi.fn<FetchFunction>(() => Promise.reject(cause));
const offline = (cause: unknown = new TypeError('fetch failed')) => new EnchantedLinkClient({ projectId: PROJECT_ID, fetch: failingFetch(cause) });
const htmlPage = () => new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } });

describe('DescopeError', () => {
  it.each([
    {
      what: 'every field',
      reply: json({ errorCode: 'E062107', errorDescription: 'User already exists', errorMessage: 'ada@example.com is taken' }, 400),
      fields: { status: 400, errorCode: 'E062107', errorDescription: 'User already exists', errorMessage: 'ada@example.com is taken' },
    },
    { what: 'only an errorCode', reply: json({ errorCode: 'E011003' }, 400), fields: { status: 400, errorCode: 'E011003', errorDescription: '' } },
  ])('carries the status and the Descope body ($what) of a 4xx answer', async ({ reply, fields }) => {
    server.use(answer(SIGN_UP, reply));
    const error = await rejectionOf(client.signUp('ada@example.com'));
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).not.toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject(fields);
    if (!('errorMessage' in fields)) expect(error).not.toHaveProperty('errorMessage');
    expect((error as Error).message).toContain(fields.errorCode);
  });
});

describe('RateLimitError', () => {
  it.each([
    { what: 'Retry-After: 30', headers: { 'retry-after': '30' }, retryAfter: 30, requests: 1 },
    { what: 'an HTTP date 90 s ahead', headers: { 'retry-after': 'Wed, 01 Jan 2025 00:01:30 GMT' }, retryAfter: 90, requests: 1 },
    { what: 'no Retry-After (retried twice)', headers: undefined, retryAfter: 0, requests: 3 },
    { what: 'Retry-After: 2 (retried twice)', headers: { 'retry-after': '2' }, retryAfter: 2, requests: 3 },
  ])('a 429 with $what is a RateLimitError with retryAfter $retryAfter', async ({ headers, retryAfter, requests }) => {
    server.use(answer(SIGN_IN_OR_UP, descopeError(429, 'E130429', 'Rate limit exceeded', headers)));
    const error = await settleFake(send);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).toMatchObject({ status: 429, errorCode: 'E130429', errorDescription: 'Rate limit exceeded', retryAfter });
    expect(seen).toHaveLength(requests);
  });
});

describe('ResponseValidationError', () => {
  it.each([
    { what: 'an HTML 502 page from a proxy', reply: htmlPage, status: 502, at: [] },
    { what: 'a 200 with an empty body', reply: () => new HttpResponse(null, { status: 200 }), status: 200, at: [] },
    { what: 'a 200 whose linkId is a number', reply: () => json({ linkId: 42, pendingRef: 'ref' }), status: 200, at: ['linkId'] },
    { what: 'a 200 without pendingRef', reply: () => json({ linkId: '42' }), status: 200, at: ['pendingRef'] },
    { what: 'a 400 JSON body without errorCode', reply: () => json({ message: 'Bad Request' }, 400), status: 400, at: ['errorCode'] },
  ])('describes $what with the status and its issues', async ({ reply, status, at }) => {
    server.use(answer(SIGN_IN_OR_UP, reply));
    const error = await rejectionOf(send());
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).not.toBeInstanceOf(DescopeError);
    const { issues } = error as ResponseValidationError;
    expect(error).toMatchObject({ status });
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toEqual({ path: expect.any(Array), message: expect.stringMatching(/\S/) });
    expect(issues[0]!.path).toEqual(at);
  });

  it('does not copy the page it could not read into the error', async () => {
    server.use(answer(SIGN_IN_OR_UP, htmlPage));
    const error = await rejectionOf(send());
    expect(JSON.stringify(error)).not.toContain('Bad Gateway');
  });
});

describe('NetworkError', () => {
  it.each([
    ['an undici TypeError', new TypeError('fetch failed')],
    ['any other Error from a custom fetch', new Error('proxy refused')],
  ])('wraps %s, kept as cause', async (_, cause) => {
    const error = await rejectionOf(offline(cause).signInOrUp('ada@example.com'));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).cause).toBe(cause);
  });
});

describe('every error class', () => {
  const CLASSES = [
    { name: 'InvalidArgumentError', Class: InvalidArgumentError, produce: () => client.signIn(' '), fields: { argument: 'loginId' } },
    {
      name: 'DescopeError',
      Class: DescopeError,
      produce: () => {
        server.use(answer(SIGN_IN_OR_UP, descopeError(403, 'E011004', 'Invalid arguments')));
        return send();
      },
      fields: { status: 403, errorCode: 'E011004', errorDescription: 'Invalid arguments' },
    },
    {
      name: 'RateLimitError',
      Class: RateLimitError,
      produce: () => {
        server.use(answer(SIGN_IN_OR_UP, descopeError(429, 'E130429', 'Rate limit exceeded', { 'retry-after': '60' })));
        return send();
      },
      fields: { status: 429, errorCode: 'E130429', retryAfter: 60 },
    },
    {
      name: 'ResponseValidationError',
      Class: ResponseValidationError,
      produce: () => {
        server.use(answer(SIGN_IN_OR_UP, htmlPage));
        return send();
      },
      fields: { status: 502, issues: [{ path: [], message: expect.any(String) }] },
    },
    { name: 'NetworkError', Class: NetworkError, produce: () => offline().signInOrUp('ada@example.com'), fields: {} },
    {
      name: 'RequestTimeoutError',
      Class: RequestTimeoutError,
      produce: () => {
        server.use(http.post(`${API}${SIGN_IN_OR_UP}`, async () => delay('infinite')));
        return new EnchantedLinkClient({ projectId: PROJECT_ID, timeoutMs: 1_000 }).signInOrUp('ada@example.com');
      },
      fields: { timeoutMs: 1_000 },
    },
    {
      name: 'PollTimeoutError',
      Class: PollTimeoutError,
      produce: () => {
        server.use(answer(PENDING_SESSION, pending));
        return client.pollSession('ref', { timeoutMs: 3_000 });
      },
      fields: { timeoutMs: 3_000, attempts: expect.any(Number) },
    },
    {
      name: 'WrongDeviceError',
      Class: WrongDeviceError,
      // Outside a page no tab can answer the handshake: the link counts as opened on another device.
      produce: () => verifyFromUrl(client, { url: 'https://app.example.com/verify?el_binding=abc&t=tok', button: new EventTarget() }),
      fields: {},
    },
  ];

  it.each(CLASSES)('$name: named after its class, an EnchantedLinkError and an Error, and serialisable', async ({ name, Class, produce, fields }) => {
    const error = await settleFake(produce);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(EnchantedLinkError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: \\S`));
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name, message: (error as Error).message, ...fields });
  });

  it.each([
    ['a 400', () => descopeError(400, 'E011003', 'Invalid request')],
    ['a 429', () => descopeError(429, 'E130429', 'Rate limit exceeded', { 'retry-after': '60' })],
    ['an HTML page', htmlPage],
  ])('never carries the credentials of the request (%s)', async (_, reply) => {
    server.use(answer(UPDATE_EMAIL, reply));
    const error = await rejectionOf(client.updateUserEmail('ada@example.com', 'ada@new.example', { refreshJwt: REFRESH_JWT }));
    expect(error).toBeInstanceOf(EnchantedLinkError);
    for (const view of [JSON.stringify(error), inspect(error, { depth: 5, showHidden: true })]) {
      expect(view).not.toContain(REFRESH_JWT);
      expect(view).not.toMatch(/bearer/i);
    }
  });
});

describe('instanceof across two copies of the package (two bundles, ESM next to CJS)', () => {
  it('recognises an error from one copy as an instance of the other copy’s classes, and only of those it is', async () => {
    vi.resetModules();
    const copyB = await import('../../src/index.js');
    expect(copyB.DescopeError).not.toBe(copyA.DescopeError);

    server.use(answer(SIGN_IN_OR_UP, descopeError(429, 'E130429', 'Rate limit exceeded', { 'retry-after': '60' })));
    const rateLimitedInA = await rejectionOf(send());
    server.use(answer(SIGN_UP, descopeError(400, 'E062107', 'User already exists')));
    const refusedInB = await rejectionOf(new copyB.EnchantedLinkClient({ projectId: PROJECT_ID }).signUp('ada@example.com'));

    expect(Object.getPrototypeOf(rateLimitedInA)).toBe(copyA.RateLimitError.prototype);
    expect(rateLimitedInA).toBeInstanceOf(copyB.RateLimitError);
    expect(rateLimitedInA).toBeInstanceOf(copyB.DescopeError);
    expect(rateLimitedInA).toBeInstanceOf(copyB.EnchantedLinkError);
    expect(rateLimitedInA).not.toBeInstanceOf(copyB.NetworkError);

    expect(refusedInB).toBeInstanceOf(copyA.DescopeError);
    expect(refusedInB).toBeInstanceOf(copyA.EnchantedLinkError);
    expect(refusedInB).not.toBeInstanceOf(copyA.RateLimitError);
    expect(refusedInB).not.toBeInstanceOf(copyA.NetworkError);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['an Error merely named DescopeError', Object.assign(new Error('boom'), { name: 'DescopeError' })],
    ['a plain object', { name: 'DescopeError', message: 'boom' }],
    ['null', null],
    ['a string', 'DescopeError'],
  ])('does not mistake %s for an SDK error', (_, value) => {
    expect(value instanceof EnchantedLinkError).toBe(false);
    expect(value instanceof DescopeError).toBe(false);
  });
});

describe('cancellation rejects with signal.reason itself, never wrapped', () => {
  const CALLS = [
    { method: 'signInOrUp', path: SIGN_IN_OR_UP, call: (signal: AbortSignal) => client.signInOrUp('ada@example.com', { signal }) },
    { method: 'verifyToken', path: VERIFY, call: (signal: AbortSignal) => client.verifyToken('tok', { signal }) },
    { method: 'getSession', path: PENDING_SESSION, call: (signal: AbortSignal) => client.getSession('ref', { signal }) },
  ];
  const REASONS = [
    { reason: 'a custom reason object', make: () => ({ code: 'user-left', at: '/checkout' }) },
    { reason: 'the default AbortError', make: () => undefined },
  ];

  it.each(CALLS.flatMap((call) => REASONS.map((reason) => ({ ...call, ...reason }))))(
    '$method aborted in flight, with $reason',
    async ({ path, call, make }) => {
      let arrived!: () => void;
      let release!: () => void;
      const inFlight = new Promise<void>((resolve) => (arrived = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      server.use(http.post(`${API}${path}`, async () => {
        arrived();
        await gate;
        return json({});
      }));
      const controller = new AbortController();
      try {
        const outcome = rejectionOf(call(controller.signal));
        await inFlight;
        controller.abort(make());
        const error = await outcome;
        expect(error).toBe(controller.signal.reason);
        expect(error).not.toBeInstanceOf(EnchantedLinkError);
        if (make() === undefined) expect(error).toMatchObject({ name: 'AbortError' });
      } finally {
        release();
      }
    },
  );

  it.each(CALLS)('$method with an already aborted signal sends nothing', async ({ call }) => {
    const reason = { code: 'cancelled-before-start' };
    await expect(call(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
  });
});
