// The session keeper outside a page (no document): timing, failures, storage, sign-out. Across tabs:
// create-session-keeper.tabs.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { useFakeTime } from '../helpers/fake-time.js';
import {
  createSessionKeeper,
  DescopeError,
  InvalidArgumentError,
  NetworkError,
  RateLimitError,
  type SessionKeeperSnapshot,
  type Session,
  type SessionKeeperClient,
  type SessionStorageLike,
} from '../../src/index.js';
import { jwt, SESSION_MS, tagged, tagOf } from './session-jwt.js';

const REFRESH = '/v1/auth/refresh';
const MINUTE = 60_000;

/** A session expiring `ms` from now (sessionExpiration is in Unix seconds). */
const session = (n: number, ms = 10 * MINUTE, refreshJwt: string | null = `refresh-${n}`): Session => ({
  sessionJwt: jwt(n, ms),
  ...(refreshJwt ? { refreshJwt } : {}),
  sessionExpiration: Math.floor((Date.now() + ms) / 1000),
  user: { userId: 'U1', email: 'ada@example.com' },
});

/** A client whose refresh answers are scripted; every call is recorded. */
function fakeClient(...answers: Array<() => Session | Error>) {
  let index = 0;
  const client = {
    refreshSession: vi.fn(async (refreshJwt: string) => {
      const next = answers[Math.min(index++, answers.length - 1)]!();
      if (next instanceof Error) throw next;
      return next;
    }),
    signOut: vi.fn(async (_refreshJwt: string) => {}),
    signOutAll: vi.fn(async (_refreshJwt: string) => {}),
  } satisfies SessionKeeperClient;
  return client;
}

function mapStorage(): SessionStorageLike & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

const jwtOf = (state: SessionKeeperSnapshot) => (state.status === 'signed-in' ? tagOf(state.session.sessionJwt) : undefined);

useFakeTime();

describe('createSessionKeeper', () => {
  it('refreshes a minute before sessionExpiration, keeping the refresh JWT when the answer has none', async () => {
    const client = fakeClient(() => session(2, 10 * MINUTE, null));
    const keeper = createSessionKeeper(client);
    const states: SessionKeeperSnapshot[] = [];
    keeper.subscribe((state) => states.push(state));
    keeper.set(session(1));
    expect(keeper.getSnapshot()).toEqual({ status: 'signed-in', session: session(1) });

    await vi.advanceTimersByTimeAsync(9 * MINUTE - 1_000);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(jwtOf(keeper.getSnapshot())).toBe('session-2');
    expect(keeper.getSnapshot()).toMatchObject({ session: { refreshJwt: 'refresh-1' } });
    expect(states.map(jwtOf)).toEqual([undefined, 'session-1', 'session-2']);
    expect(Object.isFrozen(keeper.getSnapshot())).toBe(true);

    // The next refresh is planned from the new expiry.
    await vi.advanceTimersByTimeAsync(9 * MINUTE);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    keeper.dispose();
  });

  it('refreshes a session shorter than the margin at half its remaining life', async () => {
    const client = fakeClient(() => session(2, 40_000));
    const keeper = createSessionKeeper(client);
    keeper.set(session(1, 40_000));
    await vi.advanceTimersByTimeAsync(19_000);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    keeper.dispose();
  });

  it('ends the session when Descope refuses the refresh JWT, and clears the storage', async () => {
    const refused = new DescopeError(REFRESH, { status: 401, errorCode: 'E061005', errorDescription: 'Expired' });
    const storage = mapStorage();
    const keeper = createSessionKeeper(fakeClient(() => refused), { storage });
    keeper.set(session(1));
    expect(storage.values.size).toBe(1);
    await expect(keeper.refresh()).resolves.toBeUndefined();
    expect(keeper.getSnapshot()).toEqual({ status: 'signed-out', error: refused });
    expect(storage.values.size).toBe(0);
  });

  it('keeps the session through transient failures, backing off from 30 s (and at least Retry-After)', async () => {
    const client = fakeClient(
      () => new NetworkError(REFRESH, 'api.descope.com', 'ECONNREFUSED', new TypeError('fetch failed')),
      () => new RateLimitError(REFRESH, { status: 429, errorCode: 'E130429', errorDescription: 'Slow down' }, 90),
      () => session(2),
    );
    const keeper = createSessionKeeper(client);
    keeper.set(session(1));
    await expect(keeper.refresh()).resolves.toMatchObject({ sessionJwt: tagged(1) });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    expect(jwtOf(keeper.getSnapshot())).toBe('session-1');
    // The second failure in a row backs off 60 s (up to 10 % less), but Retry-After asks for 90 s.
    await vi.advanceTimersByTimeAsync(89_999);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(jwtOf(keeper.getSnapshot())).toBe('session-2');
    keeper.dispose();
  });

  it('sends one refresh for concurrent refresh() calls', async () => {
    const client = fakeClient(() => session(2));
    const keeper = createSessionKeeper(client);
    keeper.set(session(1));
    const [a, b] = await Promise.all([keeper.refresh(), keeper.refresh()]);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    expect([tagOf(a?.sessionJwt), tagOf(b?.sessionJwt)]).toEqual(['session-2', 'session-2']);
    keeper.dispose();
  });

  it('takes what another tab wrote to the shared storage instead of refreshing again (the no-Web-Locks fallback)', async () => {
    const storage = mapStorage();
    const tabA = createSessionKeeper(fakeClient(() => session(2)), { storage });
    const clientB = fakeClient(() => session(3));
    const tabB = createSessionKeeper(clientB, { storage });
    tabA.set(session(1));
    expect(jwtOf(tabB.getSnapshot())).toBe('session-1');
    await tabA.refresh();
    await expect(tabB.refresh()).resolves.toMatchObject({ sessionJwt: tagged(2) });
    expect(clientB.refreshSession).not.toHaveBeenCalled();
    tabA.dispose();
    tabB.dispose();
  });

  it('stays signed out when sign-out happens while a refresh is in flight', async () => {
    let answer!: (session: Session) => void;
    const client = fakeClient();
    client.refreshSession.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const keeper = createSessionKeeper(client);
    keeper.set(session(1));
    const refreshed = keeper.refresh();
    await vi.advanceTimersByTimeAsync(0);
    await keeper.signOut();
    answer(session(2));
    await expect(refreshed).resolves.toBeUndefined();
    expect(keeper.getSnapshot().status).toBe('signed-out');
  });

  it('signOut() ends this session and signOutAll() every session, as the client methods of those names; never rejects', async () => {
    const client = fakeClient(() => session(2));
    const storage = mapStorage();
    const keeper = createSessionKeeper(client, { storage });
    keeper.set(session(1));
    await keeper.signOut();
    expect(client.signOut).toHaveBeenCalledExactlyOnceWith('refresh-1', { signal: expect.any(AbortSignal) });
    expect(client.signOutAll).not.toHaveBeenCalled();
    expect(keeper.getSnapshot()).toEqual({ status: 'signed-out', error: undefined });
    expect(storage.values.size).toBe(0);

    keeper.set(session(3));
    await keeper.signOutAll();
    expect(client.signOutAll).toHaveBeenCalledExactlyOnceWith('refresh-3', { signal: expect.any(AbortSignal) });
    // The former spelling of signOutAll() still ends every session (never silently only one).
    keeper.set(session(5));
    await keeper.signOut({ everywhere: true });
    expect(client.signOutAll).toHaveBeenLastCalledWith('refresh-5', { signal: expect.any(AbortSignal) });

    const down = new NetworkError('/v1/auth/logoutall', 'api.descope.com', 'ECONNREFUSED', new TypeError('fetch failed'));
    client.signOutAll.mockRejectedValueOnce(down);
    keeper.set(session(4));
    await expect(keeper.signOutAll()).resolves.toBeUndefined();
    expect(keeper.getSnapshot()).toEqual({ status: 'signed-out', error: down });
  });

  it('reads the stored session back (a reload), ignoring an unreadable one', () => {
    const storage = mapStorage();
    createSessionKeeper(fakeClient(), { storage }).set(session(1, 10 * MINUTE));
    const reloaded = createSessionKeeper(fakeClient(), { storage });
    expect(jwtOf(reloaded.getSnapshot())).toBe('session-1');
    reloaded.dispose();

    storage.values.set('enchanted-link.session', '{not json');
    expect(createSessionKeeper(fakeClient(), { storage }).getSnapshot().status).toBe('signed-out');
    vi.clearAllTimers();
  });

  it('touches no storage until first used, and falls back to memory where a named storage is missing', () => {
    const storage = mapStorage();
    const getItem = vi.spyOn(storage, 'getItem');
    const keeper = createSessionKeeper(fakeClient(), { storage });
    expect(getItem).not.toHaveBeenCalled();
    keeper.getSnapshot();
    expect(getItem).toHaveBeenCalled();

    const outsideAPage = createSessionKeeper(fakeClient(), { storage: 'xss-exposed-localStorage' });
    outsideAPage.set(session(1));
    expect(jwtOf(outsideAPage.getSnapshot())).toBe('session-1');
    outsideAPage.dispose();
  });

  it('keeps the session in memory where reading the named storage throws (site data blocked)', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get: () => {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
    try {
      const keeper = createSessionKeeper(fakeClient(), { storage: 'xss-exposed-localStorage' });
      expect(keeper.getSnapshot().status).toBe('signed-out');
      keeper.set(session(1));
      expect(jwtOf(keeper.getSnapshot())).toBe('session-1');
      keeper.dispose();
    } finally {
      if (original) Object.defineProperty(globalThis, 'localStorage', original);
      else delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  it('calls a subscriber at once, and no more after unsubscribing or dispose()', async () => {
    const client = fakeClient(() => session(2));
    const keeper = createSessionKeeper(client);
    const listener = vi.fn();
    const unsubscribe = keeper.subscribe(listener);
    expect(listener).toHaveBeenCalledExactlyOnceWith({ status: 'signed-out', error: undefined });
    unsubscribe();
    keeper.set(session(1));
    expect(listener).toHaveBeenCalledOnce();
    keeper.dispose();
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(client.refreshSession).not.toHaveBeenCalled();
  });

  it('rejects malformed options and sessions with InvalidArgumentError naming them', () => {
    expect(() => createSessionKeeper(fakeClient(), { refreshBeforeMs: 0 })).toThrow(/refreshBeforeMs/);
    expect(() => createSessionKeeper(fakeClient(), { storage: 'localStorage' as never })).toThrow(/storage/);
    expect(() => createSessionKeeper(fakeClient(), { key: ' ' })).toThrow(InvalidArgumentError);
    expect(() => createSessionKeeper(fakeClient(), { refreshBefore: 0 })).toThrow(expect.objectContaining({ argument: 'refreshBefore' }));
    expect(() => createSessionKeeper(fakeClient(), { refreshBefore: 1_000, refreshBeforeMs: 1_000 })).toThrow(expect.objectContaining({ argument: 'refreshBefore', message: expect.stringMatching(/renamed to refreshBeforeMs/) }));
    expect(() => createSessionKeeper(fakeClient(), { storage: { getItem: () => null } as never })).toThrow(expect.objectContaining({ argument: 'storage' }));
    expect(() => createSessionKeeper({ refreshSession: async () => session(1) } as never)).toThrow(expect.objectContaining({ argument: 'client' }));
    expect(() => createSessionKeeper(fakeClient()).set({} as Session)).toThrow(/session\.sessionJwt/);
  });
});
