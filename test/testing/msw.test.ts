import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/index.js';
import { emulatorHandlers } from '../../src/testing/msw.js';
import { ADA, answer, apiRequest, expectError, expectFetchFailed } from './helpers.js';

const emu = createEmulator({ users: [{ loginId: ADA }] });
const server = setupServer(...emulatorHandlers(emu));

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  emu.reset();
});
afterAll(() => server.close());

/** Sends through the real global fetch, which msw intercepts. */
const send = (path: string, body: unknown, baseEmulator = emu) => fetch(apiRequest(baseEmulator, path, body)).then(answer);

describe('emulatorHandlers with msw/node setupServer', () => {
  it('runs a whole sign-in through the global fetch', async () => {
    const sent = await send(PATHS.signIn, { loginId: ADA });
    expect(sent.status).toBe(200);
    expectError(await send(PATHS.pendingSession, { pendingRef: sent.body.pendingRef }), 'pending');
    await emu.click(ADA);
    const session = await send(PATHS.pendingSession, { pendingRef: sent.body.pendingRef });
    expect(session.status).toBe(200);
    expect(session.body.user.loginIds).toEqual([ADA]);
    expect(emu.requests.map((request) => request.path)).toEqual([PATHS.signIn, PATHS.pendingSession, PATHS.verify, PATHS.pendingSession]);
  });

  it('passes errors through with their status, body and headers', async () => {
    emu.injectFault({ type: 'rate-limit', retryAfter: 3 });
    const limited = await send(PATHS.signIn, { loginId: ADA });
    expectError(limited, 'rateLimited');
    expect(limited.headers.get('retry-after')).toBe('3');
    expectError(await send('/v1/nope', {}), 'routeNotFound');
  });

  it('turns drop-connection into a network error', async () => {
    emu.injectFault({ type: 'drop-connection' });
    await expectFetchFailed(send(PATHS.signIn, { loginId: ADA }));
    expect(emu.requests[0]?.status).toBe(0);
  });

  it('lets an AbortSignal cancel a request held by injected latency', async () => {
    emu.injectFault({ type: 'latency', ms: 60_000 });
    const controller = new AbortController();
    const pending = fetch(apiRequest(emu, PATHS.signIn, { loginId: ADA }), { signal: controller.signal });
    controller.abort(new Error('cancelled by test'));
    await expect(pending).rejects.toThrow('cancelled by test');
  });

  it("answers for a custom baseUrl's origin only", async () => {
    const local = createEmulator({ baseUrl: 'http://localhost:4000', users: [{ loginId: ADA }] });
    server.use(...emulatorHandlers(local));
    expect((await send(PATHS.signIn, { loginId: ADA }, local)).status).toBe(200);
    expect([local.requests.length, emu.requests.length]).toEqual([1, 0]);
  });
});
