// The keeper across tabs, modelled in process so the orders that race in a browser can be set one by one:
// each tab has its own view of localStorage, which another tab's write reaches only when the test calls
// `propagate` (Chromium propagates it to other renderers asynchronously); the tabs share one BroadcastChannel
// bus (delivered at once, or held until `deliver`: then to every channel of the origin in one go, as the
// browser sends it) and one Web Lock. Chromium itself: test/examples/react.e2e.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionKeeper, DescopeError, SIGN_OUT_TIMEOUT_MS, type SessionKeeperSnapshot, type Session, type SessionKeeper } from '../../src/index.js';
import { jwt, SESSION_MS, tagged, tagOf } from './session-jwt.js';

const KEY = 'enchanted-link.session';
const MINUTE = 60_000;

const session = (n: number): Session => ({
  sessionJwt: jwt(n, SESSION_MS),
  refreshJwt: `refresh-${n}`,
  sessionExpiration: Math.floor((Date.now() + 10 * MINUTE) / 1000),
});
const jwtOf = (state: SessionKeeperSnapshot) => (state.status === 'signed-in' ? tagOf(state.session.sessionJwt) : undefined);

/** A client whose refresh answers `answer()`; every call is recorded. */
const fakeClient = (answer: () => Promise<Session>) => ({
  refreshSession: vi.fn((_refreshJwt: string) => answer()),
  signOut: vi.fn(async (_refreshJwt: string) => {}),
  signOutAll: vi.fn(async (_refreshJwt: string) => {}),
});

// The BroadcastChannel bus of the origin.
let channels: FakeChannel[] = [];
let held: Array<() => void> | undefined;
const posted: unknown[] = [];
class FakeChannel {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly name: string) {
    channels.push(this);
  }
  postMessage(data: unknown) {
    posted.push(data);
    for (const other of channels.filter((each) => each !== this && each.name === this.name)) {
      const deliver = () => other.onmessage?.({ data: structuredClone(data) });
      if (held) held.push(deliver);
      else deliver();
    }
  }
  close() {
    channels = channels.filter((each) => each !== this);
  }
}
const deliver = () => {
  for (const each of held?.splice(0) ?? []) each();
};

/** One Web Lock for the origin, granted in request order. */
function fakeLocks() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request(_name: string, task: () => Promise<unknown>) {
      const run = tail.then(task);
      tail = run.catch(() => {});
      return run;
    },
  };
}
let locks: ReturnType<typeof fakeLocks>;

interface Tab {
  keeper: SessionKeeper;
  client: ReturnType<typeof fakeClient>;
  /** This tab's view of localStorage. */
  local: Map<string, string>;
  storageEvent(): void;
}
const tabs: Tab[] = [];

/** A tab of the origin with its own view of localStorage, its keeper activated with this tab's globals. */
function openTab(client: Tab['client'], storage: 'xss-exposed-localStorage' | 'memory' = 'xss-exposed-localStorage'): Tab {
  const local = new Map<string, string>();
  const listeners: Array<(event: { key: string }) => void> = [];
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => local.get(key) ?? null,
    setItem: (key: string, value: string) => void local.set(key, value),
    removeItem: (key: string) => void local.delete(key),
  });
  vi.stubGlobal('addEventListener', (type: string, listener: (event: { key: string }) => void) => {
    if (type === 'storage') listeners.push(listener);
  });
  const keeper = createSessionKeeper(client, { storage });
  keeper.getSnapshot();
  const tab = { keeper, client, local, storageEvent: () => listeners.forEach((listener) => listener({ key: KEY })) };
  tabs.push(tab);
  return tab;
}

/** `from`'s localStorage write reaches `to`, with its storage event. */
function propagate(from: Tab, to: Tab) {
  const text = from.local.get(KEY);
  if (text === undefined) to.local.delete(KEY);
  else to.local.set(KEY, text);
  to.storageEvent();
}

/** Holds the refresh lock (as a third tab would) until the returned function is called. */
function holdLock(): () => void {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  void locks.request(`${KEY}.refresh`, () => released);
  return release;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-12-01T12:00:00Z'));
  locks = fakeLocks();
  channels = [];
  held = undefined;
  posted.length = 0;
  vi.stubGlobal('document', { hidden: false, addEventListener() {}, removeEventListener() {} });
  vi.stubGlobal('removeEventListener', () => {});
  vi.stubGlobal('BroadcastChannel', FakeChannel);
  vi.stubGlobal('navigator', { locks });
});
afterEach(() => {
  for (const tab of tabs.splice(0)) tab.keeper.dispose();
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Tabs A and B signed in with session 1 (A signed in; the write reached B); then a second passes. */
function twoTabs(answerA: () => Promise<Session>, answerB: () => Promise<Session>) {
  const a = openTab(fakeClient(answerA));
  const b = openTab(fakeClient(answerB));
  a.keeper.set(session(1));
  propagate(a, b);
  expect(jwtOf(b.keeper.getSnapshot())).toBe('session-1');
  vi.setSystemTime(Date.now() + 1_000);
  return [a, b] as const;
}

describe('the session keeper across tabs (localStorage)', () => {
  it('sends one refresh when both tabs refresh at once, though the second tab still reads the old session', async () => {
    const [a, b] = twoTabs(async () => session(2), async () => session(3));
    const release = holdLock();
    const refreshed = Promise.all([a.keeper.refresh(), b.keeper.refresh()]);
    release();
    const [fromA, fromB] = await refreshed;

    expect(a.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(b.client.refreshSession).not.toHaveBeenCalled();
    expect([tagOf(fromA?.sessionJwt), tagOf(fromB?.sessionJwt)]).toEqual(['session-2', 'session-2']);
    expect(b.local.get(KEY)).toContain('session-1'); // A's write has not reached B's storage
    expect(jwtOf(b.keeper.getSnapshot())).toBe('session-2');

    // When it does, nothing changes; nor does a late storage event of the older write.
    b.storageEvent();
    propagate(a, b);
    expect(jwtOf(b.keeper.getSnapshot())).toBe('session-2');
    expect(b.client.refreshSession).not.toHaveBeenCalled();
  });

  it('moves the other tab’s refresh to the new session’s expiry', async () => {
    const [a, b] = twoTabs(async () => session(2), async () => session(3));
    await a.keeper.refresh();
    // B's refresh was due 9 minutes after session 1 was set; session 2 came a second later.
    await vi.advanceTimersByTimeAsync(9 * MINUTE - 1_000);
    expect(b.client.refreshSession).not.toHaveBeenCalled();
    expect(a.client.refreshSession).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.client.refreshSession.mock.calls.length + b.client.refreshSession.mock.calls.length).toBe(2);
  });

  it('keeps the other tab’s session when Descope refuses the refresh JWT that tab already replaced (no Web Locks)', async () => {
    vi.stubGlobal('navigator', {});
    const refused = new DescopeError('/v1/auth/refresh', { status: 401, errorCode: 'E061005', errorDescription: 'Revoked' });
    // Without a lock both requests go out; A's answer and hand-over come before B's refusal.
    let first: Promise<unknown> | undefined;
    const [a, b] = twoTabs(
      async () => session(2),
      async () => {
        await first;
        throw refused;
      },
    );
    first = a.keeper.refresh();
    await expect(b.keeper.refresh()).resolves.toMatchObject({ sessionJwt: tagged(2) });
    expect(b.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(b.keeper.getSnapshot().status).toBe('signed-in');
    expect(b.local.has(KEY)).toBe(true); // B did not clear the storage the tabs share
  });

  it('lets go of the lock only once the hand-over has gone out', async () => {
    const [a, b] = twoTabs(async () => session(2), async () => session(3));
    held = [];
    const refreshedA = a.keeper.refresh();
    await vi.advanceTimersByTimeAsync(0);
    const refreshedB = b.keeper.refresh();
    await vi.advanceTimersByTimeAsync(0);
    // A refreshed and posted; until the message is out, neither A's refresh nor the lock is done.
    expect(a.client.refreshSession).toHaveBeenCalledOnce();
    let settled = false;
    void refreshedB.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    deliver();
    await expect(refreshedA).resolves.toMatchObject({ sessionJwt: tagged(2) });
    await expect(refreshedB).resolves.toMatchObject({ sessionJwt: tagged(2) });
    expect(b.client.refreshSession).not.toHaveBeenCalled();
  });

  it('lets go of the lock after a second when its own hand-over never comes back (a channel that delivers nothing)', async () => {
    const [a, b] = twoTabs(async () => session(2), async () => session(3));
    held = []; // never delivered
    const refreshedA = a.keeper.refresh();
    const refreshedB = b.keeper.refresh();
    let settledA = false;
    void refreshedA.then(() => (settledA = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(settledA).toBe(false);
    expect(b.client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await expect(refreshedA).resolves.toMatchObject({ sessionJwt: tagged(2) });
    // B never heard A and still reads the old session: the bounded cost is its own refresh, not a stuck lock.
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(refreshedB).resolves.toMatchObject({ sessionJwt: tagged(3) });
    expect(b.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(channels).toHaveLength(2); // each tab's own channel; the echo channels are closed
  });

  it('outside a page (no document: no channel), refreshes without waiting for a hand-over', async () => {
    vi.stubGlobal('document', undefined);
    const a = openTab(fakeClient(async () => session(2)));
    a.keeper.set(session(1));
    await expect(a.keeper.refresh()).resolves.toMatchObject({ sessionJwt: tagged(2) });
    expect(posted).toEqual([]);
    // The next refresh is the new session's (9 minutes on), not a retry 10 s later.
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(a.client.refreshSession).toHaveBeenCalledOnce();
  });

  it('signs out when the storage is cleared, whatever was heard before', async () => {
    const [a, b] = twoTabs(async () => session(2), async () => session(3));
    await a.keeper.refresh();
    expect(jwtOf(b.keeper.getSnapshot())).toBe('session-2');
    await a.keeper.signOut(); // nothing posted: the shared storage tells
    propagate(a, b);
    expect(b.keeper.getSnapshot().status).toBe('signed-out');
    await expect(b.keeper.refresh()).resolves.toBeUndefined();
    expect(b.client.refreshSession).not.toHaveBeenCalled();
  });

  describe('sign-out that cannot hang', () => {
    /** A network that never answers (but lets go on abort, as a real fetch does). */
    const hanging = (_refreshJwt: string, options?: { signal?: AbortSignal }) =>
      new Promise<void>((_, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal!.reason)));

    it('with a hanging network, ends the session in every tab at once, then reports the revoke timing out', async () => {
      const [a, b] = twoTabs(async () => session(2), async () => session(3));
      a.client.signOut.mockImplementation(hanging);
      const signedOut = a.keeper.signOut();
      // No time passes: both tabs are signed out before any answer (well within 100 ms).
      expect(a.keeper.getSnapshot().status).toBe('signed-out');
      expect(b.keeper.getSnapshot().status).toBe('signed-out');
      expect(a.local.has(KEY)).toBe(false);
      expect(a.client.signOut).toHaveBeenCalledOnce();
      let settled = false;
      void signedOut.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(SIGN_OUT_TIMEOUT_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      // The failure is reported; the session does not come back.
      expect(a.keeper.getSnapshot()).toMatchObject({ status: 'signed-out', error: { name: 'RequestTimeoutError' } });
    });

    it('a revoke client that ignores its signal cannot hold the sign-out past the timeout', async () => {
      const [a] = twoTabs(async () => session(2), async () => session(3));
      a.client.signOutAll.mockImplementation(() => new Promise<void>(() => {}));
      const signedOut = a.keeper.signOutAll();
      expect(a.keeper.getSnapshot().status).toBe('signed-out');
      await vi.advanceTimersByTimeAsync(SIGN_OUT_TIMEOUT_MS);
      await expect(signedOut).resolves.toBeUndefined();
    });

    it('a refresh under way in another tab cannot bring a signed-out session back (message and storage both late)', async () => {
      let answer!: (session: Session) => void;
      const [a, b] = twoTabs(async () => session(2), () => new Promise<Session>((resolve) => (answer = resolve)));
      const refreshing = b.keeper.refresh(); // B's request is on the wire
      await vi.advanceTimersByTimeAsync(0);
      held = []; // A's message to B is late...
      void a.keeper.signOut(); // ...and so is A's removal of the stored session (not propagated yet)
      answer(session(3)); // B's answer (with a rotated refresh JWT) arrives first and is written to B's view of the storage
      await vi.advanceTimersByTimeAsync(1_000); // B's hand-over is held too: it stops waiting for its echo
      await refreshing;
      expect(b.local.get(KEY)).toContain('session-3');
      propagate(b, a); // B's write reaches A: A refuses the signed-out refresh JWT and removes it again
      expect(a.keeper.getSnapshot().status).toBe('signed-out');
      expect(a.local.has(KEY)).toBe(false);
      propagate(a, b);
      deliver();
      expect(b.keeper.getSnapshot().status).toBe('signed-out');
      expect(b.local.has(KEY)).toBe(false);
      await vi.advanceTimersByTimeAsync(SIGN_OUT_TIMEOUT_MS);
    });

    it('a refresh answer that arrives after the sign-out was heard is dropped', async () => {
      let answer!: (session: Session) => void;
      const [a, b] = twoTabs(async () => session(2), () => new Promise<Session>((resolve) => (answer = resolve)));
      const refreshing = b.keeper.refresh();
      await vi.advanceTimersByTimeAsync(0);
      await a.keeper.signOut();
      answer(session(3));
      await expect(refreshing).resolves.toBeUndefined();
      expect(b.keeper.getSnapshot().status).toBe('signed-out');
      expect(b.local.get(KEY) ?? '').not.toContain('session-3'); // B wrote nothing
    });
  });

  it('ignores a message that is not a stored session', async () => {
    const [, b] = twoTabs(async () => session(2), async () => session(3));
    const other = new FakeChannel(KEY);
    for (const data of ['hello', 42, null, { session: session(9) }, '{"at":1,"session":{}}', '{"session":{"sessionJwt":7}}', '[1,2]']) {
      other.postMessage(data);
    }
    expect(jwtOf(b.keeper.getSnapshot())).toBe('session-1');
    await expect(b.keeper.refresh()).resolves.toMatchObject({ sessionJwt: tagged(3) });
    expect(b.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
  });
});

describe('the session keeper across tabs (memory)', () => {
  it('never posts a session on the channel, nor takes one from it; every tab refreshes its own', async () => {
    const a = openTab(fakeClient(async () => session(2)), 'memory');
    const b = openTab(fakeClient(async () => session(4)), 'memory');
    a.keeper.set(session(1));
    b.keeper.set(session(3));
    new FakeChannel(KEY).postMessage(JSON.stringify({ at: Date.now() + 1_000, session: session(9) }));
    expect(jwtOf(b.keeper.getSnapshot())).toBe('session-3');

    await Promise.all([a.keeper.refresh(), b.keeper.refresh()]);
    expect(a.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(b.client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-3');
    expect(posted).toHaveLength(1); // the test's own message
    expect([jwtOf(a.keeper.getSnapshot()), jwtOf(b.keeper.getSnapshot())]).toEqual(['session-2', 'session-4']);
  });
});
