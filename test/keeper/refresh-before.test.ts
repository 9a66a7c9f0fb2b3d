// `refreshBeforeMs` is honoured as given, or refused with a message: never changed in silence. A developer
// who shortens sessions to watch a refresh (`enchanted-link emulator --session-ttl 60`) and asks for a
// refresh 50 s early gets it 50 s early; one who asks for what the 30 s floor between refreshes cannot give
// is told once, on the console, what happens instead.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useFakeTime } from '../helpers/fake-time.js';
import { createSessionKeeper } from '../../src/index.js';
import { server as skewedServer, SESSION_MS } from './session-jwt.js';

const server = (lifetimeMs: number) => skewedServer(0, lifetimeMs);

let warn: ReturnType<typeof vi.spyOn>;
useFakeTime();
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  warn.mockRestore();
});

describe('refreshBeforeMs', () => {
  it.each([
    ['a 10-minute session, 9.5 minutes early (formerly clamped to half its life)', SESSION_MS, SESSION_MS - 30_000],
    ['a 60-second session (--session-ttl 60), 30 s early', 60_000, 30_000],
    ['a 2-minute session, the default minute early', 120_000, undefined],
  ])('is honoured as given: %s', async (_, lifetime, refreshBeforeMs) => {
    const { client, issue } = server(lifetime);
    const keeper = createSessionKeeper(client, refreshBeforeMs === undefined ? {} : { refreshBeforeMs });
    keeper.set(issue());
    const due = lifetime - (refreshBeforeMs ?? 60_000);
    await vi.advanceTimersByTimeAsync(due - 1);
    expect(client.refreshSession).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    // And again one lifetime less the margin after that refresh.
    await vi.advanceTimersByTimeAsync(due);
    expect(client.refreshSession).toHaveBeenCalledTimes(2);
    expect(warn).not.toHaveBeenCalled();
    keeper.dispose();
  });

  it('that the floor between refreshes cannot honour is refused with one console message naming it', async () => {
    const { client, issue } = server(60_000);
    const keeper = createSessionKeeper(client, { refreshBeforeMs: 50_000 });
    keeper.set(issue());
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toBe(
      'enchanted-link: refreshBeforeMs 50000 cannot be honoured for a session that lives 60 s, as refreshes are at least 30 s apart: it is refreshed every 30 s instead.',
    );
    // What the message says: the first refresh when asked (10 s in), then every 30 s.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.refreshSession).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.refreshSession).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledOnce(); // once per keeper, not once per session
    keeper.dispose();
  });

  it('is never the subject of a message when left to its default, however short the session', async () => {
    const { client, issue } = server(20_000);
    const keeper = createSessionKeeper(client);
    keeper.set(issue());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.refreshSession).toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    keeper.dispose();
  });
});
