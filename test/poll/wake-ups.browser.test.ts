// The channel a waiting poll listens to can be posted on by any script of the origin: it must react to
// exactly its own project's verify announcement, at most once per `interval`, and never take what it hears
// as a session. In Chromium, with fake timers, counting the emulator's requests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/emulator.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });
});
const VERIFIED = `verified:${emulator.projectId}`;

const polls = () => emulator.requests.filter((r) => r.path === PATHS.pendingSession).length;

/**
 * Posts `messages` as another tab would; resolves once all were delivered (channels get messages in the
 * order they were opened, so a probe opened before the poster hears them after the poll's channel did).
 */
function postFromAnotherTab(messages: unknown[]): Promise<void> {
  const probe = new BroadcastChannel('enchanted-link');
  let left = messages.length;
  const delivered = new Promise<void>((resolve) => (probe.onmessage = () => --left === 0 && resolve())).finally(() => probe.close());
  const poster = new BroadcastChannel('enchanted-link');
  for (const message of messages) poster.postMessage(message);
  poster.close();
  return delivered;
}

/** Sends a link and polls for it with `interval`; resolves once the first poll answered "pending". */
async function waiting(interval: number) {
  const loginId = `user${Math.random()}@example.com`;
  const { pendingRef } = await client.signInOrUp(loginId);
  const controller = new AbortController();
  let pending!: () => void;
  const firstPending = new Promise<void>((resolve) => (pending = resolve));
  const session = client.pollSession(pendingRef, { intervalMs: interval, signal: controller.signal, onPoll: () => pending() });
  session.catch(() => {}); // awaited by the tests that expect it to settle
  await firstPending;
  return { session, stop: () => controller.abort('done'), click: () => emulator.click(loginId) };
}

beforeEach(() => {
  vi.useFakeTimers();
  emulator.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the channel a waiting poll listens to', () => {
  it('ignores every message but exactly its own project’s verify announcement', async () => {
    const { stop, session } = await waiting(10_000);
    await postFromAnotherTab([
      'verified', // the 0.1 format, and what any other script might post
      `verified:P2someOtherProject0000000000`,
      `${VERIFIED} `,
      ` ${VERIFIED}`,
      `signed-in:${emulator.projectId}`,
      { event: 'verified', projectId: emulator.projectId },
      [VERIFIED],
      new String(VERIFIED),
      null,
      42,
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(polls()).toBe(1);
    await postFromAnotherTab([VERIFIED]); // the control: the one message it reacts to
    await vi.waitFor(() => expect(polls()).toBe(2));
    stop();
    await expect(session).rejects.toBe('done');
  });

  it('takes nothing it hears as a session: the session comes only from Descope', async () => {
    const { stop, session } = await waiting(10_000);
    await postFromAnotherTab([{ sessionJwt: 'a.b.c', refreshJwt: 'd.e.f' }, `signed-in:${emulator.projectId}`, VERIFIED]);
    await vi.waitFor(() => expect(polls()).toBe(2)); // it polled, Descope still answered "pending"
    let settled = false;
    void session.finally(() => (settled = true)).catch(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    stop();
    await expect(session).rejects.toBe('done');
  });

  it('adds at most one poll per interval however many announcements arrive (1,000 in 5 s)', async () => {
    const { stop, session } = await waiting(10_000);
    for (let step = 0; step < 50; step++) {
      await postFromAnotherTab(Array.from({ length: 20 }, () => VERIFIED));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(polls()).toBe(2); // the first poll and one early poll, not one per message
    // The next interval allows one more early poll; the flood still cannot add a second.
    await vi.advanceTimersByTimeAsync(5_000);
    const before = polls();
    for (let step = 0; step < 10; step++) await postFromAnotherTab(Array.from({ length: 100 }, () => VERIFIED));
    await vi.advanceTimersByTimeAsync(0);
    expect(polls() - before).toBeLessThanOrEqual(1);
    stop();
    await expect(session).rejects.toBe('done');
  });

  it('lets a visibility change not use up the early poll of a verify announcement; each adds at most one per interval', async () => {
    const { stop, session } = await waiting(10_000);
    // The tab comes to the front (the person switched back, or the browser fired it on its own)...
    for (let i = 0; i < 20; i++) document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(polls()).toBe(2)); // the first poll and one early poll
    // ...and then the person verifies on another tab: that still wakes the poll at once.
    await postFromAnotherTab(Array.from({ length: 20 }, () => VERIFIED));
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(polls()).toBe(3));
    for (let i = 0; i < 20; i++) document.dispatchEvent(new Event('visibilitychange'));
    await postFromAnotherTab([VERIFIED]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(polls()).toBe(3); // both allowances are used until the interval has passed
    stop();
    await expect(session).rejects.toBe('done');
  });

  it('answers `signed-in:<projectId>` once its poll got the session, and nothing secret', async () => {
    const listener = new BroadcastChannel('enchanted-link');
    const heard: unknown[] = [];
    listener.onmessage = ({ data }) => heard.push(data);
    const { session, click } = await waiting(10_000);
    await click();
    await postFromAnotherTab([VERIFIED]);
    await expect(session).resolves.toHaveProperty('sessionJwt');
    await vi.waitFor(() => expect(heard).toContain(`signed-in:${emulator.projectId}`));
    listener.close();
    expect(heard).toEqual([VERIFIED, `signed-in:${emulator.projectId}`]);
  });

  it('is announced to by a successful verifyToken in a page, not only by verifyFromUrl', async () => {
    const listener = new BroadcastChannel('enchanted-link');
    const heard = new Promise((resolve) => (listener.onmessage = ({ data }) => resolve(data)));
    await client.signInOrUp('ada@example.com');
    await client.verifyToken(emulator.lastEmail('ada@example.com')!.links.find((l) => l.correct)!.token);
    expect(await heard).toBe(VERIFIED);
    listener.close();
  });
});
