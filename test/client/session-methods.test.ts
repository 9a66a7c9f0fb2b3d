// refreshSession, signOut, signOutAll and me against msw: the request each sends, what it resolves with,
// how failures surface, and which ones are retried.
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DescopeError, EnchantedLinkClient, InvalidArgumentError, NetworkError } from '../../src/index.js';
import { API, descopeError, json, PROJECT_ID, SESSION, useMockServer } from '../helpers/msw.js';

// Paths spelled out from the wire spec (§16), not imported from src, so a wrong path in src fails here.
const REFRESH = '/v1/auth/refresh';
const LOGOUT = '/v1/auth/logout';
const LOGOUT_ALL = '/v1/auth/logoutall';
const ME = '/v1/auth/me';

const REFRESH_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMSIsInIiOjF9.cmVmcmVzaC1zaWduYXR1cmU';
const USER = { userId: 'U1', loginIds: ['ada@example.com'], email: 'ada@example.com', name: 'Ada', TOTP: false, OAuth: {}, roleNames: ['admin'] };

const { server, seen } = useMockServer();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: PROJECT_ID, timeoutMs: 5_000 });
});

/** Answers `method path` with `answers` in turn (the last one repeating), recording each request's method. */
function route(method: 'get' | 'post', path: string, ...answers: Response[]) {
  const methods: string[] = [];
  let index = 0;
  server.use(
    http[method](`${API}${path}`, ({ request }) => {
      methods.push(request.method);
      return answers[Math.min(index++, answers.length - 1)]!.clone();
    }),
  );
  return methods;
}

describe('the request each session method sends, and what it resolves with', () => {
  it.each([
    { name: 'refreshSession', path: REFRESH, method: 'post' as const, run: () => client.refreshSession(REFRESH_JWT), reply: SESSION, result: SESSION },
    { name: 'signOut', path: LOGOUT, method: 'post' as const, run: () => client.signOut(REFRESH_JWT), reply: {}, result: undefined },
    { name: 'signOutAll', path: LOGOUT_ALL, method: 'post' as const, run: () => client.signOutAll(REFRESH_JWT), reply: {}, result: undefined },
    { name: 'me', path: ME, method: 'get' as const, run: () => client.me(REFRESH_JWT), reply: USER, result: USER },
  ])('$name: $method $path with the refresh JWT in the bearer', async ({ path, method, run, reply, result }) => {
    const methods = route(method, path, json(reply));
    await expect(run()).resolves.toEqual(result);
    expect(methods).toEqual([method.toUpperCase()]);
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request!.path).toBe(path);
    expect(request!.headers.authorization).toBe(`Bearer ${PROJECT_ID}:${REFRESH_JWT}`);
    expect(request!.headers['x-descope-project-id']).toBe(PROJECT_ID);
    // POSTs send `{}` as core-js does; the GET has no body.
    expect(request!.body).toEqual(method === 'post' ? {} : undefined);
  });

  it('refreshSession resolves without refreshJwt when the project does not rotate refresh tokens', async () => {
    const { refreshJwt: _, ...withoutRefresh } = SESSION;
    route('post', REFRESH, json(withoutRefresh));
    const session = await client.refreshSession(REFRESH_JWT);
    expect(session.sessionJwt).toBe(SESSION.sessionJwt);
    expect('refreshJwt' in session).toBe(false);
  });

  it('refreshSession passes a rotated refreshJwt through', async () => {
    route('post', REFRESH, json({ ...SESSION, refreshJwt: 'eyJhbGciOiJSUzI1NiJ9.eyJyIjoyfQ.cm90YXRlZA' }));
    expect((await client.refreshSession(REFRESH_JWT)).refreshJwt).toBe('eyJhbGciOiJSUzI1NiJ9.eyJyIjoyfQ.cm90YXRlZA');
  });
});

describe('failures', () => {
  it.each([
    ['refreshSession', REFRESH, 'post', () => client.refreshSession(REFRESH_JWT)],
    ['signOut', LOGOUT, 'post', () => client.signOut(REFRESH_JWT)],
    ['signOutAll', LOGOUT_ALL, 'post', () => client.signOutAll(REFRESH_JWT)],
    ['me', ME, 'get', () => client.me(REFRESH_JWT)],
  ] as const)('%s rejects with a 401 DescopeError for a revoked refresh JWT, without quoting it', async (_name, path, method, run) => {
    // A server that echoes the credential back must not get it into the error.
    route(method, path, json({ errorCode: 'E064001', errorDescription: 'Token expired by logout', errorMessage: `token ${REFRESH_JWT}` }, 401));
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DescopeError);
    expect(error).toMatchObject({ status: 401, errorCode: 'E064001' });
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(REFRESH_JWT);
  });

  it.each([
    ['refreshSession', () => client.refreshSession('')],
    ['signOut', () => client.signOut('   '.trim())],
    ['signOutAll', () => client.signOutAll(undefined as unknown as string)],
    ['me', () => client.me(42 as unknown as string)],
  ] as const)('%s rejects a blank refreshJwt with InvalidArgumentError before any request', async (_name, run) => {
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('refreshJwt');
    expect(seen).toHaveLength(0);
  });

  it('rejects a malformed signal with InvalidArgumentError', async () => {
    await expect(client.me(REFRESH_JWT, { signal: 'stop' as unknown as AbortSignal })).rejects.toMatchObject({ argument: 'signal' });
    expect(seen).toHaveLength(0);
  });

  it('an aborted signal rejects with its reason and sends nothing', async () => {
    const reason = new Error('user left');
    await expect(client.refreshSession(REFRESH_JWT, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(seen).toHaveLength(0);
  });

  it('refreshSession rejects an answer without sessionJwt (cookie-only projects are unsupported)', async () => {
    route('post', REFRESH, json({ refreshJwt: REFRESH_JWT }));
    await expect(client.refreshSession(REFRESH_JWT)).rejects.toMatchObject({ name: 'ResponseValidationError' });
  });
});

describe('retries', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  async function settle(promise: Promise<unknown>) {
    const outcome = promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    return outcome;
  }

  it.each([
    ['refreshSession', REFRESH, () => client.refreshSession(REFRESH_JWT)],
    ['signOut', LOGOUT, () => client.signOut(REFRESH_JWT)],
    ['signOutAll', LOGOUT_ALL, () => client.signOutAll(REFRESH_JWT)],
  ] as const)('%s is not retried after a 502, which may hide a processed request', async (_name, path, run) => {
    route('post', path, descopeError(502, 'E000502', 'bad gateway'), json(SESSION));
    const outcome = await settle(run());
    expect(outcome.ok || outcome.error).toMatchObject({ status: 502 });
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['refreshSession', REFRESH, () => client.refreshSession(REFRESH_JWT)],
    ['signOut', LOGOUT, () => client.signOut(REFRESH_JWT)],
  ] as const)('%s is not retried after a network error', async (_name, path, run) => {
    route('post', path, HttpResponse.error());
    const outcome = await settle(run());
    expect(outcome.ok || outcome.error).toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(1);
  });

  it('refreshSession retries a 503, which shows the request was not processed', async () => {
    route('post', REFRESH, descopeError(503, 'E000503', 'unavailable'), json(SESSION));
    expect(await settle(client.refreshSession(REFRESH_JWT))).toEqual({ ok: true, value: SESSION });
    expect(seen).toHaveLength(2);
  });

  it('me (read-only) retries a 502 and a network error', async () => {
    route('get', ME, descopeError(502, 'E000502', 'bad gateway'), HttpResponse.error(), json(USER));
    expect(await settle(client.me(REFRESH_JWT))).toEqual({ ok: true, value: USER });
    expect(seen).toHaveLength(3);
  });
});
