// pollSession's fast paths in a real page: BroadcastChannel and visibilitychange, with fake timers so
// "at once" means "without the clock moving".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EnchantedLinkClient, verifyFromUrl, type PollOptions } from '../../src/index.js';
import { PATHS } from '../../src/protocol/paths.js';
import { createEmulator } from '../../src/testing/emulator.js';
import { unlimitedBudget } from '../helpers/fixtures.js';

const emulator = createEmulator();
// A client per test: its request budget (every client has one) keeps time, and fake clocks restart.
let client: EnchantedLinkClient;
beforeEach(() => {
  client = new EnchantedLinkClient({ projectId: emulator.projectId, fetch: emulator.fetch, ...unlimitedBudget() });
});

const polls = () => emulator.requests.filter((r) => r.path === PATHS.pendingSession).length;
const visibility = (state: DocumentVisibilityState) => {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(state);
  document.dispatchEvent(new Event('visibilitychange'));
};
/**
 * What another tab's verifyFromUrl posts (a BroadcastChannel never hears its own messages). Resolves once
 * it was delivered: channels get a message in the order they were opened, so when a probe opened just now
 * has it, the poll's channel has it too. Delivery is a real task, unrelated to the fake clock.
 */
const announceFromAnotherTab = () => {
  const probe = new BroadcastChannel('enchanted-link');
  const delivered = new Promise<void>((resolve) => (probe.onmessage = () => resolve())).finally(() => probe.close());
  const channel = new BroadcastChannel('enchanted-link');
  channel.postMessage(`verified:${emulator.projectId}`);
  channel.close();
  return delivered;
};

/** Counts visibilitychange listeners and BroadcastChannels opened and closed. */
function track() {
  let listeners = 0;
  const add = vi.spyOn(document, 'addEventListener');
  const remove = vi.spyOn(document, 'removeEventListener');
  add.mockImplementation(function (this: Document, type, ...rest) {
    if (type === 'visibilitychange') listeners++;
    return EventTarget.prototype.addEventListener.call(this, type, ...rest);
  });
  remove.mockImplementation(function (this: Document, type, ...rest) {
    if (type === 'visibilitychange') listeners--;
    return EventTarget.prototype.removeEventListener.call(this, type, ...rest);
  });
  const close = vi.spyOn(BroadcastChannel.prototype, 'close');
  return { listeners: () => listeners, closed: () => new Set(close.mock.contexts).size };
}

/** Sends a link and starts polling for it; resolves once the first poll answered "pending". */
async function waiting(options: PollOptions = {}) {
  const loginId = `user${Math.random()}@example.com`;
  const { pendingRef } = await client.signInOrUp(loginId);
  let pending!: () => void;
  const firstPending = new Promise<void>((resolve) => (pending = resolve));
  const session = client.pollSession(pendingRef, { intervalMs: 10_000, ...options, onPoll: () => pending() });
  session.catch(() => {}); // each test awaits it; this only keeps an early rejection from counting as unhandled
  await firstPending;
  // The click as another device makes it: a verify that announces nothing in this page.
  return { session, click: () => emulator.click(loginId) };
}

beforeEach(() => {
  vi.useFakeTimers();
  emulator.reset();
});
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('pollSession in a page', () => {
  it('polls at once when another tab announces a verify, not after the 10 s interval', async () => {
    const { session, click } = await waiting();
    await click();
    await announceFromAnotherTab();
    await expect(session).resolves.toHaveProperty('sessionJwt');
    expect(polls()).toBe(2);
  });

  it('polls at once when the page becomes visible again, and not when it is hidden', async () => {
    const { session, click } = await waiting();
    visibility('hidden');
    await vi.advanceTimersByTimeAsync(0);
    expect(polls()).toBe(1);
    await click();
    visibility('visible');
    await expect(session).resolves.toHaveProperty('sessionJwt');
    expect(polls()).toBe(2);
  });

  it('remembers a wake-up that comes during a request and skips the next wait', async () => {
    const { pendingRef } = await client.signInOrUp('ada@example.com');
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = new EnchantedLinkClient({
      projectId: emulator.projectId,
      fetch: async (request) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const response = await emulator.fetch(request);
        if (polls() === 1) visibility('visible'); // the page comes back while the first poll is on the wire
        inFlight--;
        return response;
      },
    });
    const controller = new AbortController();
    const session = slow.pollSession(pendingRef, { intervalMs: 10_000, signal: controller.signal });
    const assertion = expect(session).rejects.toBe('done');
    await vi.waitFor(() => expect(polls()).toBe(2)); // the second poll went out without the clock moving
    await vi.advanceTimersByTimeAsync(7_999); // ...and the wake-up was used up: the next wait is whole again
    expect(polls()).toBe(2);
    controller.abort('done');
    await assertion;
    expect(maxInFlight).toBe(1);
  });

  it('never cuts a Retry-After wait short', async () => {
    const { pendingRef } = await client.signInOrUp('ada@example.com');
    emulator.injectFault({ type: 'rate-limit', retryAfter: 30 }, { path: PATHS.pendingSession });
    const controller = new AbortController();
    const session = client.pollSession(pendingRef, { signal: controller.signal });
    const assertion = expect(session).rejects.toBe('done');
    await vi.advanceTimersByTimeAsync(0);
    visibility('visible');
    await announceFromAnotherTab();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(polls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(polls()).toBe(2);
    controller.abort('done');
    await assertion;
  });

  it.each([
    ['resolves', async ({ session, click }: Awaited<ReturnType<typeof waiting>>) => {
      await click();
      await vi.advanceTimersByTimeAsync(10_000);
      await session;
    }],
    ['is aborted', async ({ session }: Awaited<ReturnType<typeof waiting>>, controller: AbortController) => {
      controller.abort('cancelled');
      await expect(session).rejects.toBe('cancelled');
    }],
    ['times out', async ({ session }: Awaited<ReturnType<typeof waiting>>) => {
      await vi.advanceTimersByTimeAsync(60_000);
      await expect(session).rejects.toHaveProperty('name', 'PollTimeoutError');
    }],
  ])('closes its channel and removes its listener when it %s', async (_, settle) => {
    const counts = track();
    const controller = new AbortController();
    const poll = await waiting({ signal: controller.signal, timeoutMs: 30_000 });
    expect(counts.listeners()).toBe(1);
    await settle(poll, controller);
    expect(counts.listeners()).toBe(0);
    expect(counts.closed()).toBe(1);
  });
});

describe('verifyFromUrl in a page', () => {
  it('announces a successful verify to the other tabs, without the token', async () => {
    await client.signInOrUp('ada@example.com');
    const token = emulator.lastEmail('ada@example.com')!.links.find((l) => l.correct)!.token;
    const listener = new BroadcastChannel('enchanted-link');
    const heard = new Promise<unknown>((resolve) => (listener.onmessage = (event) => resolve(event.data)));
    const result = verifyFromUrl(client, { url: `https://app.example.com/verify?t=${token}`, acceptMailScannerRisk: true });
    const message = await heard;
    listener.close();
    await vi.advanceTimersByTimeAsync(400); // no tab of this browser waits: nobody answers
    await expect(result).resolves.toEqual({ sessionWentTo: 'elsewhere' });
    expect(message).toBe(`verified:${emulator.projectId}`);
  });

  it('leaves the address bar alone when given another URL', async () => {
    const before = location.href;
    await expect(verifyFromUrl(client, { url: 'https://app.example.com/verify?t=unknown', acceptMailScannerRisk: true })).rejects.toHaveProperty(
      'name',
      'DescopeError',
    );
    expect(location.href).toBe(before);
  });
});
