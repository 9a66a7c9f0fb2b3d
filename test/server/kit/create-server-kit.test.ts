// createServerKit itself: its options (each bad one named, synchronously), the routing of `handle`, and
// answers to malformed requests (a typed JSON error each, calling nothing upstream).
import { describe, expect, it, vi } from 'vitest';
import { formatEvent, InvalidArgumentError } from '../../../src/index.js';
import { createServerKit, MemoryStore, type ServerKitOptions } from '../../../src/server/index.js';
import { thrown } from '../../helpers/settle.js';
import { Browser, drive, FAKE_TIMERS, kitSetup, SECRET } from './helpers.js';

const VALID: ServerKitOptions = { projectId: 'P2aAc4T2V93bddihGEx2Ryhc8e5Z', secret: SECRET, publicUrl: 'https://app.example.com' };

describe('createServerKit options', () => {
  it.each([
    ['projectId', { projectId: undefined }],
    ['projectId', { projectId: 'P2/../evil' }],
    ['secret', { secret: undefined }],
    ['secret', { secret: 'too-short' }],
    ['secret', { secret: new Uint8Array(16) }],
    ['secret', { secret: 42 }],
    ['publicUrl', { publicUrl: undefined }],
    ['publicUrl', { publicUrl: 'app.example.com' }],
    ['publicUrl', { publicUrl: 'http://app.example.com' }],
    ['publicUrl', { publicUrl: 'https://app.example.com/app' }],
    ['publicUrl', { publicUrl: 'https://app.example.com?x=1' }],
    ['basePath', { basePath: 'auth' }],
    ['basePath', { basePath: '/auth/' }],
    ['basePath', { basePath: '/a?b' }],
    ['baseUrl', { baseUrl: 'http://api.example.com' }],
    ['store', { store: {} }],
    ['store', { store: { get() {}, set() {}, take() {} } }],
    ['requestBudget', { requestBudget: {} }],
    ['onEvent', { onEvent: 'log' }],
    ['fetch', { fetch: {} }],
    ['signInTtlMs', { signInTtlMs: 0 }],
    ['waitMs', { waitMs: -1 }],
    ['storeTimeoutMs', { storeTimeoutMs: 0 }],
    ['limits', { limits: 5 }],
    ['limits.perIp', { limits: { perIp: 0 } }],
    ['limits.perAddress', { limits: { perAddress: 1.5 } }],
    ['limits.windowMs', { limits: { windowMs: Number.NaN } }],
    ['clientIp', { clientIp: '127.0.0.1' }],
    ['audience', { audience: '' }],
    ['audience[1]', { audience: ['api', 7] }],
  ])('refuses a bad %s synchronously with InvalidArgumentError naming it', (argument, change) => {
    const error = thrown(() => createServerKit({ ...VALID, ...change } as unknown as ServerKitOptions));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument });
    // The secret is never quoted.
    expect(String((error as Error).message)).not.toContain('too-short');
  });

  it('refuses no options at all, naming projectId', () => {
    expect(thrown(() => createServerKit(undefined as unknown as ServerKitOptions))).toMatchObject({ name: 'InvalidArgumentError', argument: 'projectId' });
  });

  it('accepts the minimal options, a byte secret, http on loopback, a root basePath and Infinity limits', () => {
    expect(createServerKit(VALID).handle).toBeTypeOf('function');
    expect(() => createServerKit({ ...VALID, secret: new Uint8Array(32), publicUrl: 'http://localhost:3000', basePath: '', limits: { perIp: Infinity }, store: new MemoryStore() })).not.toThrow();
  });
});

describe('createServerKit routing and malformed requests', () => {
  it.each([
    ['no email', 'POST', '/auth/start', 'application/json', '{}', 400, 'invalid_email'],
    ['an email that is not a string', 'POST', '/auth/start', 'application/json', '{"email":42}', 400, 'invalid_email'],
    ['an email that is no address', 'POST', '/auth/start', 'application/json', '{"email":"ada"}', 400, 'invalid_email'],
    ['an email over 254 characters', 'POST', '/auth/start', 'application/json', JSON.stringify({ email: `${'a'.repeat(250)}@example.com` }), 400, 'invalid_email'],
    ['bad JSON', 'POST', '/auth/start', 'application/json', '{"email":', 400, 'invalid_json'],
    ['a JSON array', 'POST', '/auth/start', 'application/json', '["a@example.com"]', 400, 'invalid_json'],
    ['JSON null', 'POST', '/auth/status', 'application/json', 'null', 400, 'invalid_json'],
    ['a form body', 'POST', '/auth/start', 'application/x-www-form-urlencoded', 'email=a%40example.com', 415, 'unsupported_media_type'],
    ['no content type', 'POST', '/auth/status', '', '{"handle":"x"}', 415, 'unsupported_media_type'],
    ['a JSON body to the confirm form', 'POST', '/auth/confirm', 'application/json', '{}', 415, 'unsupported_media_type'],
    ['a body over 16 KB', 'POST', '/auth/start', 'application/json', JSON.stringify({ email: 'a'.repeat(20_000) }), 413, 'body_too_large'],
    ['an unknown handle', 'POST', '/auth/status', 'application/json', '{"handle":"nope"}', 404, 'unknown_login'],
    ['no handle', 'POST', '/auth/status', 'application/json', '{}', 404, 'unknown_login'],
    ['a handle that is not a string', 'POST', '/auth/status', 'application/json', '{"handle":1}', 400, 'invalid_handle'],
    ['a handle in the query', 'GET', '/auth/status?handle=nope', undefined, undefined, 405, 'method_not_allowed'],
    ['the wrong method', 'GET', '/auth/start', undefined, undefined, 405, 'method_not_allowed'],
    ['PUT on the confirm route', 'PUT', '/auth/confirm', undefined, undefined, 405, 'method_not_allowed'],
    ['an unknown path', 'GET', '/auth/admin', undefined, undefined, 404, 'not_found'],
    ['a path outside basePath', 'POST', '/start', 'application/json', '{}', 404, 'not_found'],
  ])('answers %s with a typed JSON error, calling nothing upstream', async (_, method, path, type, body, status, error) => {
    const setup = kitSetup();
    const kit = setup.instance();
    const browser = new Browser();
    const answer = await browser.send(kit, path, { method, ...(body !== undefined && { body }), ...(type !== undefined && { type }), headers: type === '' ? { 'content-type': '' } : {} });
    expect(answer.response.status).toBe(status);
    expect(answer.response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.response.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({ error, message: expect.any(String) });
    if (status === 405) expect(answer.response.headers.get('allow')).toMatch(/^(POST|GET|GET, POST)$/);
    expect(setup.emulator.requests).toEqual([]);
  });

  it('mounts the routes under basePath, and each handler works on its own, unbound', async () => {
    const setup = kitSetup();
    const kit = setup.instance({ basePath: '/api/sign-in' });
    const browser = new Browser();
    expect((await browser.send(kit, '/api/sign-in/start', { json: { email: 'ada@example.com' } })).response.status).toBe(200);
    expect(setup.emulator.lastEmail('ada@example.com')!.links[0]!.url).toMatch(/^https:\/\/app\.example\.com\/api\/sign-in\/confirm\?/);
    expect((await browser.send(kit, '/auth/start', { json: { email: 'ada@example.com' } })).response.status).toBe(404);
    const { start } = kit;
    // A route handler takes the request whatever its path (a framework routed it there).
    expect((await start(browser.request('/anything', { json: { email: 'grace@example.com' } }))).status).toBe(200);
  });

  it('answers 503 store_unavailable (never throws) when the store fails, and reports only the error class', async () => {
    const broken = new MemoryStore();
    broken.increment = () => Promise.reject(new Error('connection to redis://user:hunter2@10.0.0.1 lost'));
    const setup = kitSetup(broken);
    const kit = setup.instance();
    const answer = await new Browser().send(kit, '/auth/start', { json: { email: 'ada@example.com' } });
    expect(answer).toMatchObject({ response: { status: 503 }, body: { error: 'store_unavailable' } });
    expect(answer.response.headers.get('retry-after')).toBe('1');
    expect(setup.events.at(-1)).toEqual({ type: 'kit', timeMs: expect.any(Number), step: 'request', outcome: 'failed', status: 503, errorType: 'Error' });
    expect(JSON.stringify(setup.events) + JSON.stringify(answer.body)).not.toContain('hunter2');
    expect(setup.emulator.requests).toEqual([]);
  });

  it('answers 503 store_unavailable after storeTimeoutMs when the store hangs, leaving no timer', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    try {
      const hanging = new MemoryStore();
      hanging.get = () => new Promise(() => {});
      const setup = kitSetup(hanging);
      const kit = setup.instance({ storeTimeoutMs: 1_000 });
      const started = Date.now();
      const answer = await drive(new Browser().send(kit, '/auth/status', { json: { handle: 'a-handle-of-someone' } }), { step: 250 });
      expect(answer).toMatchObject({ response: { status: 503 }, body: { error: 'store_unavailable' } });
      expect(Date.now() - started).toBeLessThanOrEqual(1_250);
      expect(setup.events.at(-1)).toMatchObject({ step: 'request', outcome: 'failed', errorType: 'StoreTimeout' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a store call that runs out once, even when the store rejects it later', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    try {
      const late = new MemoryStore();
      late.get = () => new Promise((_, reject) => setTimeout(() => reject(new Error('too late')), 1_500));
      const setup = kitSetup(late);
      const kit = setup.instance({ storeTimeoutMs: 1_000 });
      const answer = await drive(new Browser().send(kit, '/auth/status', { json: { handle: 'a-handle-of-someone' } }), { step: 250 });
      expect(answer.response.status).toBe(503);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(setup.events.filter((event) => event.type === 'kit' && event.step === 'request').map((event) => (event as { errorType?: string }).errorType)).toEqual(['StoreTimeout']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports each step through onEvent, and logEvents prints it as one line', async () => {
    const setup = kitSetup();
    const kit = setup.instance();
    await new Browser().send(kit, '/auth/start', { json: { email: 'ada@example.com' } });
    const sent = setup.events.find((event) => event.type === 'kit');
    expect(sent).toEqual({ type: 'kit', timeMs: expect.any(Number), step: 'start', outcome: 'sent', status: 200, signInId: expect.stringMatching(/^[\w-]{12}$/) });
    expect(formatEvent(sent!)).toBe(`kit start sent 200 (sign-in ${(sent as { signInId: string }).signInId})`);
    // The SDK's own events for the send come through the same listener.
    expect(setup.events.some((event) => event.type === 'request-end')).toBe(true);
  });

  it('a listener that throws changes nothing', async () => {
    const setup = kitSetup();
    const kit = setup.instance({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect((await new Browser().send(kit, '/auth/start', { json: { email: 'ada@example.com' } })).response.status).toBe(200);
  });
});
