// The keeper against wrong clocks and hostile answers: refreshes are timed from the session's own lifetime
// counted from its receipt, never from the device clock against the server's times, with a floor between
// refreshes and a backoff after failures. Fake timers; the "server" issues sessions on its own clock.
import { describe, expect, it, vi } from 'vitest';
import { useFakeTime } from '../helpers/fake-time.js';
import { createSessionKeeper, DescopeError } from '../../src/index.js';
import { MIN_REFRESH_INTERVAL_MS } from '../../src/keeper/state.js';
import { jwt, server, SESSION_MS } from './session-jwt.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

useFakeTime();

describe('a device clock that is off', () => {
  it.each([
    ['an hour ahead', -HOUR],
    ['an hour behind', HOUR],
    ['a day ahead', -DAY],
    ['a day behind', DAY],
    ['right', 0],
  ])('with the device clock %s of the server, refreshes once per session lifetime, a minute before its end', async (_, skew) => {
    const { client, issue } = server(skew);
    const keeper = createSessionKeeper(client);
    keeper.set(issue());
    await vi.advanceTimersByTimeAsync(SESSION_MS - 60_000 - 1);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    // An hour: one refresh per 9 minutes, never more.
    await vi.advanceTimersByTimeAsync(HOUR - (SESSION_MS - 60_000));
    expect(client.refreshSession).toHaveBeenCalledTimes(Math.floor(HOUR / (SESSION_MS - 60_000)));
    expect(keeper.getSnapshot().status).toBe('signed-in');
    keeper.dispose();
  });

  it('a clock that jumps a day while the page is open brings no storm', async () => {
    const { client, issue } = server(0);
    const keeper = createSessionKeeper(client);
    keeper.set(issue());
    vi.setSystemTime(Date.now() + DAY); // the device clock jumps (timers run on elapsed time)
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(client.refreshSession.mock.calls.length).toBeLessThanOrEqual(Math.ceil(HOUR / (SESSION_MS - 60_000)) + 1);
    keeper.dispose();
  });
});

describe('hostile answers never make a storm', () => {
  it('sessions that claim to live one second: at most one refresh per 30 s', async () => {
    const { client, issue } = server(0, 1_000);
    const keeper = createSessionKeeper(client);
    keeper.set(issue());
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(client.refreshSession.mock.calls.length).toBeLessThanOrEqual(HOUR / MIN_REFRESH_INTERVAL_MS + 1);
    keeper.dispose();
  });

  it('sessions that expire before they are issued are never refreshed on a timer', async () => {
    const { client } = server(0);
    const keeper = createSessionKeeper(client);
    keeper.set({ sessionJwt: jwt(1, -SESSION_MS), refreshJwt: 'refresh-1' });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(client.refreshSession).not.toHaveBeenCalled();
    keeper.dispose();
  });

  it('an explicit refreshBeforeMs longer than the lifetime is honoured, within the floor', async () => {
    const { client, issue } = server(0);
    const keeper = createSessionKeeper(client, { refreshBeforeMs: 2 * SESSION_MS });
    keeper.set(issue());
    await vi.advanceTimersByTimeAsync(0);
    expect(client.refreshSession).toHaveBeenCalledOnce(); // due at once
    await vi.advanceTimersByTimeAsync(MIN_REFRESH_INTERVAL_MS - 1);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    keeper.dispose();
  });

  it('a server failing every refresh is asked ever more rarely (30 s, doubling up to 10 min)', async () => {
    const { client, issue } = server(0);
    const keeper = createSessionKeeper(client);
    keeper.set(issue());
    client.refreshSession.mockRejectedValue(new DescopeError('/v1/auth/refresh', { status: 503, errorCode: '', errorDescription: 'down' }));
    await vi.advanceTimersByTimeAsync(HOUR);
    // Due at 9 min, then 30 s, 1, 2, 4, 8, 10, 10, 10, ... minutes (up to 10 % shorter).
    expect(client.refreshSession.mock.calls.length).toBeGreaterThanOrEqual(8);
    expect(client.refreshSession.mock.calls.length).toBeLessThanOrEqual(10);
    expect(keeper.getSnapshot().status).toBe('signed-in');
    keeper.dispose();
  });
});
