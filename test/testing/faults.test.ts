import { afterEach, describe, expect, it, vi } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator, type EmulatorFault } from '../../src/testing/index.js';
import { ADA, apiRequest, expectError, expectFetchFailed, poll, signIn } from './helpers.js';

const newEmulator = () => createEmulator({ users: [{ loginId: ADA }] });

afterEach(() => {
  vi.useRealTimers();
});

describe('status fault', () => {
  it('answers the status with a Descope-shaped default body, once, then the real answer', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 503 });
    const faulted = await signIn(emu);
    expect(faulted.status).toBe(503);
    expect(faulted.body).toEqual({ errorCode: 'E099011', errorDescription: 'Injected fault', errorMessage: 'HTTP 503' });
    expect((await signIn(emu)).status).toBe(200);
  });

  it('answers a custom JSON body and headers, a custom content-type replacing the default', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 502, body: { oops: true }, headers: { 'x-trace': '1', 'Content-Type': 'application/problem+json' } });
    const result = await signIn(emu);
    expect(result).toMatchObject({ status: 502, body: { oops: true } });
    expect(result.headers.get('x-trace')).toBe('1');
    expect(result.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a null-body status such as 204 with no body', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 204 });
    const response = await emu.handle(apiRequest(emu, PATHS.signIn, { loginId: ADA }));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('does not change state: the faulted send emails nothing', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 });
    await signIn(emu);
    expect(emu.outbox).toEqual([]);
  });
});

describe('fault scheduling', () => {
  it('applies to the next `times` requests', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 }, { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn(emu)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('with `path`, applies only to requests to that path', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 }, { path: PATHS.pendingSession });
    const sent = await signIn(emu);
    expect(sent.status).toBe(200);
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(500);
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(401);
  });

  it('applies queued faults in the order they were injected', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 });
    emu.injectFault({ type: 'rate-limit' });
    expect([(await signIn(emu)).status, (await signIn(emu)).status, (await signIn(emu)).status]).toEqual([500, 429, 200]);
  });

  it('forgets pending faults on clearFaults() and on reset()', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 }, { times: 5 });
    emu.clearFaults();
    expect((await signIn(emu)).status).toBe(200);
    emu.injectFault({ type: 'status', status: 500 });
    emu.reset();
    expect((await signIn(emu)).status).toBe(200);
  });

  it('logs faulted requests like any other, with the status answered', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 503 });
    await signIn(emu);
    expect(emu.requests).toEqual([expect.objectContaining({ path: PATHS.signIn, body: { loginId: ADA }, status: 503 })]);
  });

  it('never applies to a CORS preflight', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'status', status: 500 });
    expect((await emu.handle(apiRequest(emu, PATHS.signIn, undefined, { method: 'OPTIONS' }))).status).toBe(204);
    expect((await signIn(emu)).status).toBe(500);
  });

  it('never applies to the verify call of click(), so faults stay aimed at the code under test', async () => {
    const emu = newEmulator();
    const sent = await signIn(emu);
    emu.injectFault({ type: 'status', status: 500 });
    expect((await emu.click(ADA)).status).toBe(200);
    expect((await poll(emu, sent.body.pendingRef)).status).toBe(500);
    expect(emu.requests.map((request) => request.path)).toEqual([PATHS.signIn, PATHS.verify, PATHS.pendingSession]);
  });

  it.each<[string, EmulatorFault, object?]>([
    ['a status below 200', { type: 'status', status: 199 }],
    ['a status above 599', { type: 'malformed-body', status: 600 }],
    ['a negative latency', { type: 'latency', ms: -1 }],
    ['an infinite latency', { type: 'latency', ms: Infinity }],
    ['times 0', { type: 'drop-connection' }, { times: 0 }],
    ['fractional times', { type: 'drop-connection' }, { times: 1.5 }],
  ])('throws RangeError at injection for %s', (_, fault, options) => {
    expect(() => newEmulator().injectFault(fault, options)).toThrow(RangeError);
  });

  it('throws TypeError at injection for an invalid header name', () => {
    expect(() => newEmulator().injectFault({ type: 'status', status: 500, headers: { 'bad header': 'x' } })).toThrow(TypeError);
  });
});

describe('rate-limit fault', () => {
  it('answers 429 with body E130429 and Retry-After', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'rate-limit', retryAfter: 7 });
    const result = await signIn(emu);
    expectError(result, 'rateLimited');
    expect(result.body.errorCode).toBe('E130429');
    expect(result.headers.get('retry-after')).toBe('7');
  });

  it('sends a string Retry-After as is, and none when retryAfter is undefined', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'rate-limit', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' });
    emu.injectFault({ type: 'rate-limit' });
    expect((await signIn(emu)).headers.get('retry-after')).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect((await signIn(emu)).headers.has('retry-after')).toBe(false);
  });
});

describe('malformed-body fault', () => {
  it('answers 200 with a JSON content type and a body that does not parse', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'malformed-body' });
    const response = await emu.handle(apiRequest(emu, PATHS.signIn, { loginId: ADA }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('uses the given status', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'malformed-body', status: 502 });
    expect((await signIn(emu)).status).toBe(502);
  });
});

describe('drop-connection fault', () => {
  it('makes emu.fetch reject with TypeError("fetch failed") and logs status 0', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'drop-connection' });
    await expectFetchFailed(emu.fetch(apiRequest(emu, PATHS.signIn, { loginId: ADA })));
    expect(emu.requests[0]?.status).toBe(0);
  });

  it('makes handle() answer Response.error()', async () => {
    const emu = newEmulator();
    emu.injectFault({ type: 'drop-connection' });
    const response = await emu.handle(apiRequest(emu, PATHS.signIn, { loginId: ADA }));
    expect([response.type, response.status]).toEqual(['error', 0]);
  });
});

describe('latency fault', () => {
  it('delays the real answer by the given ms', async () => {
    vi.useFakeTimers();
    const emu = newEmulator();
    emu.injectFault({ type: 'latency', ms: 5_000 });
    let settled = false;
    const pending = signIn(emu).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  it('changes no state until the delay is over', async () => {
    vi.useFakeTimers();
    const emu = newEmulator();
    emu.injectFault({ type: 'latency', ms: 1_000 });
    const pending = signIn(emu);
    await vi.advanceTimersByTimeAsync(500);
    expect(emu.outbox).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    await pending;
    expect(emu.outbox).toHaveLength(1);
  });

  it.each([
    ['emu.fetch', (emu: Emulator, signal: AbortSignal) => emu.fetch(apiRequest(emu, PATHS.signIn, { loginId: ADA }), { signal })],
    ['emu.handle', (emu: Emulator, signal: AbortSignal) => emu.handle(new Request(apiRequest(emu, PATHS.signIn, { loginId: ADA }), { signal }))],
  ])('makes %s reject with the abort reason when aborted during the delay, and keeps serving', async (_, send) => {
    vi.useFakeTimers();
    const emu = newEmulator();
    emu.injectFault({ type: 'latency', ms: 60_000 });
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const assertion = expect(send(emu, controller.signal)).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(reason);
    await assertion;
    expect(emu.outbox).toHaveLength(0);
    expect((await signIn(emu)).status).toBe(200);
    expect(emu.requests.map((request) => request.status)).toEqual([0, 200]);
  });
});

describe('fetch', () => {
  it('is bound, so it can be passed around detached', async () => {
    const { fetch, baseUrl, projectId } = newEmulator();
    const response = await fetch(`${baseUrl}${PATHS.signIn}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${projectId}` },
      body: JSON.stringify({ loginId: ADA }),
    });
    expect(response.status).toBe(200);
  });

  it('resolves a relative URL or URL object against the base URL', async () => {
    const emu = newEmulator();
    const init = { method: 'POST', headers: { authorization: `Bearer ${emu.projectId}` }, body: JSON.stringify({ loginId: ADA }) };
    expect((await emu.fetch(PATHS.signIn, init)).status).toBe(200);
    expect((await emu.fetch(new URL(PATHS.signIn, emu.baseUrl), init)).status).toBe(200);
  });

  it('rejects a signal that is already aborted with its reason, before logging anything', async () => {
    const emu = newEmulator();
    const reason = new Error('already');
    await expect(emu.fetch(PATHS.signIn, { method: 'POST', signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(emu.requests).toEqual([]);
  });

  it('rejects another origin like an unreachable host', async () => {
    const emu = newEmulator();
    await expectFetchFailed(emu.fetch('https://example.com/v1/auth/enchantedlink/verify', { method: 'POST' }));
  });

  it('answers the same as handle(), with CORS headers', async () => {
    const emu = newEmulator();
    const response = await emu.fetch(apiRequest(emu, PATHS.pendingSession, { pendingRef: 'x' }));
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});
