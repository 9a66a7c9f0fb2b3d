// Descope's documented rate limit (docs.descope.com/rate-limiting, spec §9): 100 requests per 60 s per
// client, then 429 E130429 with `Retry-After` in integer seconds for a 60 s back-off.
import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';
import { ADA, answer, apiRequest, call, expectError, poll, signIn } from './helpers.js';

/** An emulator on a hand-driven clock, so windows and blocks are exact. */
function clocked(options: EmulatorOptions = {}) {
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const emu = createEmulator({ users: [{ loginId: ADA }], now: () => clock.ms, ...options });
  return { emu, clock };
}

/** `count` polls of an unknown pendingRef; the statuses answered. */
async function burst(emu: Emulator, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await poll(emu, 'unknown')).status);
  return statuses;
}

describe('rate limit, on by default with Descope’s numbers', () => {
  it('answers the first 100 requests in 60 s and refuses the 101st with 429 E130429 and Retry-After: 60', async () => {
    const { emu } = clocked();
    const statuses = await burst(emu, 100);
    expect(statuses.every((status) => status !== 429)).toBe(true);
    const refused = await signIn(emu);
    expectError(refused, 'rateLimited');
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(emu.outbox).toHaveLength(0); // the refused send did nothing
  });

  it('600 polls in one burst get 100 answers and 500 × 429, not 600 × 401', async () => {
    const { emu } = clocked();
    const sent = await signIn(emu);
    const statuses: number[] = [];
    for (let i = 0; i < 600; i++) statuses.push((await poll(emu, sent.body.pendingRef)).status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(99);
    expect(statuses.filter((status) => status === 429)).toHaveLength(501);
  });

  it('blocks for 60 s after going over, counting down Retry-After, whatever the client does meanwhile', async () => {
    const { emu, clock } = clocked();
    await burst(emu, 101);
    clock.ms += 20_500;
    expect((await poll(emu, 'x')).headers.get('retry-after')).toBe('40'); // 39.5 s left, rounded up
    clock.ms += 39_000;
    expect((await poll(emu, 'x')).headers.get('retry-after')).toBe('1');
    clock.ms += 500;
    expectError(await poll(emu, 'x'), 'unknownPendingRef'); // served again, with a fresh budget
    expect(await burst(emu, 99)).not.toContain(429);
    expectError(await poll(emu, 'x'), 'rateLimited');
  });

  it('counts over a sliding 60 s window: old requests stop counting', async () => {
    const { emu, clock } = clocked();
    await burst(emu, 60);
    clock.ms += 30_000;
    await burst(emu, 40);
    clock.ms += 30_000; // the first 60 are now 60 s old
    expect(await burst(emu, 60)).not.toContain(429);
    expectError(await poll(emu, 'x'), 'rateLimited');
  });

  it('does not count CORS preflights, the HTML pages or click() (another device)', async () => {
    const { emu } = clocked();
    const sent = await signIn(emu);
    for (let i = 0; i < 150; i++) {
      await emu.handle(new Request(`${emu.baseUrl}${PATHS.signIn}`, { method: 'OPTIONS' }));
      await emu.handle(new Request(`${emu.baseUrl}/`));
    }
    await burst(emu, 99);
    expect(await emu.click(ADA)).toEqual({ status: 200, body: {} });
    expectError(await poll(emu, sent.body.pendingRef), 'rateLimited');
  });

  it('logs refused requests with status 429 and forgets the counts on reset()', async () => {
    const { emu } = clocked();
    await burst(emu, 101);
    expect(emu.requests.at(-1)).toMatchObject({ path: PATHS.pendingSession, status: 429 });
    emu.reset();
    expect(await burst(emu, 100)).not.toContain(429);
  });

  it('refuses before an injected fault is used up', async () => {
    const { emu } = clocked({ rateLimit: { requests: 1 } });
    await burst(emu, 1);
    emu.injectFault({ type: 'status', status: 503 });
    expectError(await poll(emu, 'x'), 'rateLimited');
    emu.reset();
    emu.injectFault({ type: 'status', status: 503 });
    expect((await poll(emu, 'x')).status).toBe(503);
  });
});

describe('rate limit options', () => {
  it('takes other numbers', async () => {
    const { emu, clock } = clocked({ rateLimit: { requests: 3, windowMs: 1_000, blockMs: 2_500 } });
    expect(await burst(emu, 4)).toEqual([400, 400, 400, 429]);
    expect((await poll(emu, 'x')).headers.get('retry-after')).toBe('3');
    clock.ms += 2_500;
    expect(await burst(emu, 4)).toEqual([400, 400, 400, 429]);
  });

  it('is off with `false`', async () => {
    const { emu } = clocked({ rateLimit: false });
    expect(await burst(emu, 300)).not.toContain(429);
  });

  it('counts per clientKey', async () => {
    const { emu } = clocked({ rateLimit: { requests: 2, clientKey: (request) => request.headers.get('x-client') ?? '?' } });
    const from = (client: string) => {
      const request = apiRequest(emu, PATHS.pendingSession, { pendingRef: 'x' });
      request.headers.set('x-client', client);
      return emu.handle(request).then(answer);
    };
    expect([(await from('a')).status, (await from('a')).status, (await from('a')).status]).toEqual([400, 400, 429]);
    expect((await from('b')).status).toBe(400);
  });

  it.each([
    ['requests 0', { requests: 0 }],
    ['fractional requests', { requests: 1.5 }],
    ['windowMs 0', { windowMs: 0 }],
    ['negative blockMs', { blockMs: -1 }],
    ['infinite windowMs', { windowMs: Number.POSITIVE_INFINITY }],
  ])('throws InvalidArgumentError for %s, naming the option', (_name, rateLimit) => {
    expect(() => createEmulator({ rateLimit })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', argument: `rateLimit.${Object.keys(rateLimit)[0]}` }));
  });
});

describe('rate limit over HTTP: per IP address', () => {
  it('refuses the 101st request from 127.0.0.1, with Retry-After readable cross-origin', async () => {
    const { emu } = clocked();
    const server = await emu.listen();
    try {
      const post = () =>
        fetch(`${server.url}${PATHS.pendingSession}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${emu.projectId}`, 'content-type': 'application/json', origin: 'http://localhost:5173' },
          body: JSON.stringify({ pendingRef: 'x' }),
        }).then(answer);
      for (let i = 0; i < 100; i++) expect((await post()).status).toBe(400);
      const refused = await post();
      expectError(refused, 'rateLimited');
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(refused.headers.get('access-control-expose-headers')).toContain('retry-after');
      // emu.fetch is another client (no address): its budget is untouched.
      expectError(await call(emu, PATHS.pendingSession, { pendingRef: 'x' }), 'unknownPendingRef');
    } finally {
      await server.close();
    }
  });
});
