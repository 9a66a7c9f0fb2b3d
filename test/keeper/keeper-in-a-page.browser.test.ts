// The keeper's page wiring in Chromium: a refresh when the tab comes back past the due time (its timer
// may have been throttled in the background), none when it comes back early.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createSessionKeeper, type Session, type SessionKeeperClient } from '../../src/index.js';
import { jwt, SESSION_MS, tagged, tagOf } from './session-jwt.js';

const MINUTE = 60_000;
const session = (n: number): Session => ({
  sessionJwt: jwt(n, SESSION_MS),
  refreshJwt: `refresh-${n}`,
  sessionExpiration: Math.floor((Date.now() + 10 * MINUTE) / 1000),
});
const client = {
  refreshSession: vi.fn(async () => session(2)),
  signOut: vi.fn(async () => {}),
  signOutAll: vi.fn(async () => {}),
} satisfies SessionKeeperClient;

const comeBack = () => {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible');
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  client.refreshSession.mockClear();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

it('refreshes when the page becomes visible past the due time, and not before', async () => {
  const keeper = createSessionKeeper(client);
  keeper.set(session(1));
  vi.setSystemTime(Date.now() + 5 * MINUTE); // the clock moves, the throttled timer has not fired
  comeBack();
  expect(client.refreshSession).not.toHaveBeenCalled();

  vi.setSystemTime(Date.now() + 4 * MINUTE + 1_000);
  comeBack();
  await vi.waitFor(() => expect(client.refreshSession).toHaveBeenCalledExactlyOnceWith('refresh-1'));
  await vi.waitFor(() => expect(keeper.getSnapshot()).toMatchObject({ session: { sessionJwt: tagged(2) } }));
  keeper.dispose();
});

it('stops listening to the page on dispose()', () => {
  const keeper = createSessionKeeper(client);
  keeper.set(session(1));
  keeper.dispose();
  vi.setSystemTime(Date.now() + 9 * MINUTE + 1_000);
  comeBack();
  expect(client.refreshSession).not.toHaveBeenCalled();
});
