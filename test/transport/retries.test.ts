import { delay, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DescopeError, EnchantedLinkClient, NetworkError, RateLimitError, RequestTimeoutError, ResponseValidationError } from '../../src/index.js';
import { LINK, PATHS, PROJECT_ID, SESSION } from '../helpers/fixtures.js';
import { answer, descopeError, json, useMockServer } from '../helpers/msw.js';
import { rejectionOf as rejectionOfCall, settle as settleCall } from '../helpers/settle.js';

const { signInOrUp: SEND, verify: VERIFY, pendingSession: POLL } = PATHS;

const { server, seen } = useMockServer();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: PROJECT_ID, timeoutMs: 5_000 });
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

// The clock runs a full minute per call, so the mock server's own 30 s delays end inside the test too.
const settle = <T>(call: () => Promise<T>) => settleCall(call, { atLeast: 60_000 });
const rejectionOf = (call: () => Promise<unknown>) => rejectionOfCall(call, { atLeast: 60_000 });

const send = () => client.signInOrUp('ada@example.com');
const never = async () => {
  await delay(30_000);
  return json(LINK);
};

describe('send calls (a retry would email a second set of links)', () => {
  it('retry a 503, which shows the request was not processed', async () => {
    server.use(answer(SEND, descopeError(503, 'E000503', 'unavailable'), json(LINK)));
    expect(await settle(send)).toEqual({ kind: 'resolved', value: LINK });
    expect(seen).toHaveLength(2);
  });

  it('retry a 429 after its short Retry-After', async () => {
    server.use(answer(SEND, descopeError(429, 'E130429', 'slow down', { 'retry-after': '2' }), json(LINK)));
    const result = send();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(LINK);
    expect(seen).toHaveLength(2);
  });

  it('reject at once with RateLimitError when Retry-After is longer than 5 s', async () => {
    server.use(answer(SEND, descopeError(429, 'E130429', 'slow down', { 'retry-after': '60' })));
    expect(await rejectionOf(send)).toBeInstanceOf(RateLimitError);
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['a 500', () => descopeError(500, 'E000500', 'internal')],
    ['a 502 page', () => new HttpResponse('<html>bad gateway</html>', { status: 502 })],
    ['a network error', () => HttpResponse.error()],
  ])('never retry %s, which may hide a sent email', async (_, failure) => {
    server.use(answer(SEND, failure));
    const outcome = await settle(send);
    expect(outcome.kind).toBe('rejected');
    expect(seen).toHaveLength(1);
  });

  it('never retry a request timeout', async () => {
    server.use(answer(SEND, never));
    expect(await rejectionOf(send)).toBeInstanceOf(RequestTimeoutError);
    expect(seen).toHaveLength(1);
  });
});

describe('verifyToken (retried like the sends: a verify that reached the server used the token)', () => {
  it.each([
    ['a 503', () => descopeError(503, 'E000503', 'unavailable')],
    ['a 429 HTML page with a short Retry-After', () => new HttpResponse('<html>slow down</html>', { status: 429, headers: { 'retry-after': '1' } })],
  ])('retries %s, which shows the token was not used', async (_, failure) => {
    server.use(answer(VERIFY, failure, json({})));
    expect(await settle(() => client.verifyToken('token'))).toEqual({ kind: 'resolved', value: undefined });
    expect(seen).toHaveLength(2);
  });

  it.each([
    ['a network error', () => HttpResponse.error(), NetworkError],
    ['a 502', () => descopeError(502, 'E000502', 'bad gateway'), DescopeError],
    ['a 504 page', () => new HttpResponse('<html>gateway timeout</html>', { status: 504 }), ResponseValidationError],
  ])('never retries %s, after which the token may be used', async (_, failure, Class) => {
    server.use(answer(VERIFY, failure, json({})));
    expect(await rejectionOf(() => client.verifyToken('token'))).toBeInstanceOf(Class);
    expect(seen).toHaveLength(1);
  });

  it('never retries a request timeout', async () => {
    server.use(answer(VERIFY, never, json({})));
    expect(await rejectionOf(() => client.verifyToken('token'))).toBeInstanceOf(RequestTimeoutError);
    expect(seen).toHaveLength(1);
  });

  it('does not retry a 4xx', async () => {
    server.use(answer(VERIFY, descopeError(400, 'E062504', 'invalid token')));
    const outcome = await settle(() => client.verifyToken('token'));
    expect(outcome).toMatchObject({ kind: 'rejected', error: { name: 'DescopeError', status: 400, errorCode: 'E062504' } });
    expect(seen).toHaveLength(1);
  });
});

describe('getSession (safe to repeat)', () => {
  it.each([
    ['a network error', () => HttpResponse.error()],
    ['a 502', () => descopeError(502, 'E000502', 'bad gateway')],
    ['a 502 HTML page', () => new HttpResponse('<html>bad gateway</html>', { status: 502 })],
    ['a 504', () => descopeError(504, 'E000504', 'timeout')],
    ['a 408', () => new HttpResponse('', { status: 408 })],
  ])('retries %s and succeeds', async (_, failure) => {
    server.use(answer(POLL, failure, json(SESSION)));
    expect(await settle(() => client.getSession('ref'))).toEqual({ kind: 'resolved', value: SESSION });
    expect(seen).toHaveLength(2);
  });

  it('gives up after 2 retries with the last error', async () => {
    server.use(answer(POLL, () => HttpResponse.error()));
    expect(await rejectionOf(() => client.getSession('ref'))).toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(3);
  });

  it('retries a request timeout', async () => {
    server.use(answer(POLL, never, json(SESSION)));
    expect(await settle(() => client.getSession('ref'))).toEqual({ kind: 'resolved', value: SESSION });
    expect(seen).toHaveLength(2);
  });

  it('waits 2 × 250 ms, then 4 × 250 ms, between attempts (each up to 10 % shorter)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    server.use(answer(POLL, () => HttpResponse.error(), () => HttpResponse.error(), json(SESSION)));
    const result = client.getSession('ref');
    await vi.advanceTimersByTimeAsync(499);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(SESSION);
    expect(seen).toHaveLength(3);
  });

  it('an abort during the retry wait rejects with signal.reason and sends nothing more', async () => {
    server.use(answer(POLL, () => HttpResponse.error()));
    const controller = new AbortController();
    const result = client.getSession('ref', { signal: controller.signal });
    const assertion = expect(result).rejects.toBe('stop');
    await vi.advanceTimersByTimeAsync(10); // the first attempt failed; the retry waits at least 450 ms
    controller.abort('stop');
    await assertion;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(1);
  });
});
